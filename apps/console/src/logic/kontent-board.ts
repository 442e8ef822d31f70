/**
 * The Kontent board: a workflow's steps laid out as columns in the order content moves (custom steps ranked by the
 * longest path of `transitions_to` from the first step, then Scheduled, Published, Archived), and the moves a variant
 * in a step may make, each with the API call that makes it (change-workflow, publish, unpublish-and-archive, ...).
 */

export interface WorkflowStepLike {
  id: string;
  name: string;
  codename: string;
  color?: string;
  transitions_to?: { step: { id: string } }[];
  role_ids?: string[];
}

export interface WorkflowLike {
  id: string;
  name: string;
  codename: string;
  steps: WorkflowStepLike[];
  published_step: { id: string; name: string; codename: string };
  scheduled_step?: { id: string; name: string; codename: string };
  archived_step: { id: string; name: string; codename: string };
}

export type StepKind = 'custom' | 'scheduled' | 'published' | 'archived';

export interface Column {
  id: string;
  name: string;
  codename: string;
  kind: StepKind;
  color?: string;
  /** 0-based column. */
  index: number;
}

export interface Edge {
  from: string;
  to: string;
  /** Goes to an earlier (or the same) column: drawn as a return arc. */
  back: boolean;
}

export interface Board {
  columns: Column[];
  edges: Edge[];
}

export function layoutWorkflow(w: WorkflowLike): Board {
  const custom = w.steps;
  const ids = new Set(custom.map((s) => s.id));
  const targets = (s: WorkflowStepLike) => (s.transitions_to ?? []).map((t) => t.step.id);
  // Longest path rank over the transitions, ignoring those that close a cycle (depth-first back edges).
  const rank = new Map<string, number>();
  const order = new Map(custom.map((s, i) => [s.id, i]));
  const byId = new Map(custom.map((s) => [s.id, s]));
  const backEdges = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const t of targets(byId.get(id)!)) {
      if (!ids.has(t)) continue;
      if (state.get(t) === 'open') backEdges.add(`${id}>${t}`);
      else if (!state.has(t)) visit(t);
    }
    state.set(id, 'done');
  };
  for (const s of custom) if (!state.has(s.id)) visit(s.id);
  // Relax in topological order (Bellman-Ford style; graphs are small).
  for (const s of custom) rank.set(s.id, 0);
  for (let round = 0; round < custom.length; round++) {
    let changed = false;
    for (const s of custom)
      for (const t of targets(s)) {
        if (!ids.has(t) || backEdges.has(`${s.id}>${t}`)) continue;
        const r = rank.get(s.id)! + 1;
        if (r > rank.get(t)!) {
          rank.set(t, r);
          changed = true;
        }
      }
    if (!changed) break;
  }
  const sorted = [...custom].sort((a, b) => rank.get(a.id)! - rank.get(b.id)! || order.get(a.id)! - order.get(b.id)!);
  const columns: Column[] = sorted.map((s, index) => ({
    id: s.id,
    name: s.name,
    codename: s.codename,
    kind: 'custom',
    ...(s.color ? { color: s.color } : {}),
    index,
  }));
  const fixed: [StepKind, { id: string; name: string; codename: string } | undefined][] = [
    ['scheduled', w.scheduled_step],
    ['published', w.published_step],
    ['archived', w.archived_step],
  ];
  for (const [kind, step] of fixed)
    if (step) columns.push({ id: step.id, name: step.name, codename: step.codename, kind, index: columns.length });
  const col = new Map(columns.map((c) => [c.id, c.index]));
  const edges: Edge[] = [];
  for (const s of custom)
    for (const t of targets(s)) if (col.has(t)) edges.push({ from: s.id, to: t, back: col.get(t)! <= col.get(s.id)! });
  // The predefined moves out of Published and Scheduled.
  edges.push({ from: w.published_step.id, to: w.archived_step.id, back: false });
  if (w.scheduled_step) edges.push({ from: w.scheduled_step.id, to: w.published_step.id, back: false });
  return { columns, edges };
}

export type MoveAction =
  | { kind: 'change-step'; stepId: string }
  | { kind: 'publish' }
  | { kind: 'schedule' }
  | { kind: 'archive' }
  | { kind: 'cancel-schedule' }
  | { kind: 'new-version' }
  | { kind: 'unpublish' };

export interface Move {
  label: string;
  action: MoveAction;
}

/** The moves the API allows a variant in `stepId` (Kontent's transition rules; roles are checked by the API). */
export function allowedMoves(w: WorkflowLike, stepId: string): Move[] {
  const custom = w.steps.find((s) => s.id === stepId);
  if (custom) {
    const moves: Move[] = [];
    for (const t of custom.transitions_to ?? []) {
      const target = w.steps.find((s) => s.id === t.step.id);
      if (target) moves.push({ label: `Move to ${target.name}`, action: { kind: 'change-step', stepId: target.id } });
      else if (t.step.id === w.published_step.id) {
        moves.push({ label: 'Publish now', action: { kind: 'publish' } });
        moves.push({ label: 'Schedule publishing', action: { kind: 'schedule' } });
      } else if (t.step.id === w.archived_step.id) moves.push({ label: 'Archive', action: { kind: 'archive' } });
    }
    return moves;
  }
  if (stepId === w.published_step.id)
    return [
      { label: 'Create new version', action: { kind: 'new-version' } },
      { label: 'Unpublish and archive', action: { kind: 'archive' } },
      { label: 'Unpublish to first step', action: { kind: 'unpublish' } },
    ];
  if (w.scheduled_step && stepId === w.scheduled_step.id)
    return [{ label: 'Cancel scheduled publishing', action: { kind: 'cancel-schedule' } }];
  if (stepId === w.archived_step.id)
    return w.steps.map((s) => ({ label: `Restore to ${s.name}`, action: { kind: 'change-step', stepId: s.id } }));
  return [];
}
