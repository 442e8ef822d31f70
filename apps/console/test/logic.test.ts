import { describe, expect, it } from 'vitest';
import { detailLines } from '../src/errors.js';
import { layoutTasks } from '../src/logic/task-graph.js';
import { nextDelay } from '../src/poll.js';
import { match, routePath } from '../src/router.js';

describe('polling backoff', () => {
  it('doubles the wait per consecutive failure up to the maximum', () => {
    const b = { baseMs: 3000, maxMs: 60_000 };
    expect([0, 1, 2, 3, 4, 5, 50].map((f) => nextDelay(f, b))).toEqual([3000, 6000, 12000, 24000, 48000, 60000, 60000]);
  });
});

describe('deep links', () => {
  it('matches /console routes and decodes ids', () => {
    expect(routePath('/console/idm/instances/42')).toBe('/idm/instances/42');
    expect(routePath('/console')).toBe('/');
    expect(match('/idm/definitions/:id', '/idm/definitions/onboarding%3A1%3A5')).toEqual({
      params: { id: 'onboarding:1:5' },
    });
    expect(match('/idm/tasks/:id', '/idm/tasks')).toBeUndefined();
  });
});

describe('FLOW task graph layout', () => {
  it('puts each task one column after its deepest dependency', () => {
    const nodes = layoutTasks([
      { id: 'a' },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['a'] },
      { id: 'd', dependsOn: ['b', 'c'] },
      { id: 'e', dependsOn: ['d', 'a'] },
    ]);
    expect(nodes.map((n) => [n.id, n.column, n.row])).toEqual([
      ['a', 0, 0],
      ['b', 1, 0],
      ['c', 1, 1],
      ['d', 2, 0],
      ['e', 3, 0],
    ]);
  });

  it('survives a cycle in bad data', () => {
    expect(
      layoutTasks([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]).length,
    ).toBe(2);
  });
});

describe('API errors in words', () => {
  it('lists the validation problems of each API’s error shape with where they are', () => {
    expect(detailLines({ problems: [{ elementId: 'task1', message: 'unsupported' }] })).toEqual(['task1: unsupported']);
    expect(detailLines({ validation_errors: [{ path: 'steps[0].codename', message: 'taken' }] })).toEqual([
      'steps[0].codename: taken',
    ]);
    expect(detailLines({ errors: [{ field: '/steps/1', message: 'bad' }] })).toEqual(['/steps/1: bad']);
    expect(detailLines(undefined)).toEqual([]);
  });
});
