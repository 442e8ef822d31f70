import { describe, expect, it } from 'vitest';
import { allowedMoves, layoutWorkflow, type WorkflowLike } from '../src/logic/kontent-board.js';

const PUBLISHED = { id: 'pub', name: 'Published', codename: 'published' };
const SCHEDULED = { id: 'sch', name: 'Scheduled', codename: 'scheduled' };
const ARCHIVED = { id: 'arc', name: 'Archived', codename: 'archived' };
const to = (...ids: string[]) => ids.map((id) => ({ step: { id } }));

// Listed out of order on purpose: review is listed before draft; review can send back to draft.
const workflow: WorkflowLike = {
  id: 'w',
  name: 'Editorial',
  codename: 'editorial',
  steps: [
    { id: 'review', name: 'Review', codename: 'review', transitions_to: to('draft', 'legal', 'pub') },
    { id: 'draft', name: 'Draft', codename: 'draft', transitions_to: to('review', 'arc') },
    { id: 'legal', name: 'Legal', codename: 'legal', transitions_to: to('pub', 'review') },
  ],
  published_step: PUBLISHED,
  scheduled_step: SCHEDULED,
  archived_step: ARCHIVED,
};

describe('Kontent step graph layout', () => {
  it('orders custom steps along the transitions, then Scheduled, Published, Archived', () => {
    const { columns } = layoutWorkflow({
      ...workflow,
      steps: [workflow.steps[1]!, workflow.steps[0]!, workflow.steps[2]!],
    });
    expect(columns.map((c) => [c.codename, c.index, c.kind])).toEqual([
      ['draft', 0, 'custom'],
      ['review', 1, 'custom'],
      ['legal', 2, 'custom'],
      ['scheduled', 3, 'scheduled'],
      ['published', 4, 'published'],
      ['archived', 5, 'archived'],
    ]);
  });

  it('marks transitions to an earlier column as back edges and adds the predefined moves', () => {
    const { edges } = layoutWorkflow({
      ...workflow,
      steps: [workflow.steps[1]!, workflow.steps[0]!, workflow.steps[2]!],
    });
    expect(edges).toContainEqual({ from: 'review', to: 'draft', back: true });
    expect(edges).toContainEqual({ from: 'legal', to: 'review', back: true });
    expect(edges).toContainEqual({ from: 'draft', to: 'review', back: false });
    expect(edges).toContainEqual({ from: 'review', to: 'pub', back: false });
    expect(edges).toContainEqual({ from: 'pub', to: 'arc', back: false });
    expect(edges).toContainEqual({ from: 'sch', to: 'pub', back: false });
  });

  it('lays out a workflow without the optional scheduled step, starting from the first listed step', () => {
    const { scheduled_step: _, ...rest } = workflow;
    // Kontent's first step is the first of the list (unpublish returns there): review here.
    expect(layoutWorkflow(rest).columns.map((c) => c.codename)).toEqual([
      'review',
      'draft',
      'legal',
      'published',
      'archived',
    ]);
  });
});

describe('allowed moves of a variant', () => {
  it('offers only the step’s transitions: custom steps, publish/schedule for Published, archive for Archived', () => {
    expect(allowedMoves(workflow, 'draft').map((m) => m.action)).toEqual([
      { kind: 'change-step', stepId: 'review' },
      { kind: 'archive' },
    ]);
    expect(allowedMoves(workflow, 'review').map((m) => m.action.kind)).toEqual([
      'change-step',
      'change-step',
      'publish',
      'schedule',
    ]);
  });

  it('offers new version and unpublish on Published, cancel on Scheduled, restore on Archived, nothing on unknown steps', () => {
    expect(allowedMoves(workflow, 'pub').map((m) => m.action.kind)).toEqual(['new-version', 'archive', 'unpublish']);
    expect(allowedMoves(workflow, 'sch').map((m) => m.action.kind)).toEqual(['cancel-schedule']);
    expect(allowedMoves(workflow, 'arc').map((m) => m.label)).toEqual([
      'Restore to Review',
      'Restore to Draft',
      'Restore to Legal',
    ]);
    expect(allowedMoves(workflow, 'nope')).toEqual([]);
  });
});
