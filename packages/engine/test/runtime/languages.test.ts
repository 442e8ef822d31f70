/**
 * Graph languages (runtime/languages): a graph with `language: 'javascript'` has its conditions, timer dates and
 * durations, user task fields and node inputs / outputs evaluated in the QuickJS sandbox, with the process variables
 * in scope and `Date` on the runtime's clock; a JUEL graph's flow may carry a JavaScript condition of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/commands.js';
import type { GraphFlow, GraphNode, NodeType, ProcessGraph } from '../../src/runtime/graph.js';
import type { Db } from '../../src/store/db.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

type NodeSpec = Partial<GraphNode> & { id: string; type: NodeType };

/** A graph from nodes and `source → target [condition]` flows. */
function graph(
  key: string,
  nodes: NodeSpec[],
  flows: [string, string, string?, Partial<GraphFlow>?][],
  extra: Partial<ProcessGraph> = { language: 'javascript' },
): ProcessGraph {
  const g: ProcessGraph = {
    id: key,
    isExecutable: true,
    startNodeId: 'start',
    nodes: {},
    flows: {},
    candidateStarterUsers: [],
    candidateStarterGroups: [],
    ...extra,
  };
  for (const n of nodes) g.nodes[n.id] = { parent: null, incoming: [], outgoing: [], ...n };
  flows.forEach(([source, target, condition, more], i) => {
    const id = `f${i + 1}`;
    g.flows[id] = { id, source, target, ...(condition ? { condition } : {}), ...more };
    g.nodes[source]!.outgoing.push(id);
    g.nodes[target]!.incoming.push(id);
  });
  for (const n of Object.values(g.nodes))
    if (n.type === 'boundaryEvent') g.nodes[n.attachedTo!]!.boundaryEvents = [n.id];
  return g;
}

const start: NodeSpec = { id: 'start', type: 'startEvent', event: { kind: 'none' } };
const end = (id = 'end'): NodeSpec => ({ id, type: 'endEvent', event: { kind: 'none' } });
const task = (id: string, userTask: Partial<GraphNode['userTask']> = {}, more: Partial<GraphNode> = {}): NodeSpec => ({
  id,
  type: 'userTask',
  userTask: { candidateUsers: [], candidateGroups: [], formProperties: [], ...userTask },
  ...more,
});
const timer = (value: string, type: 'date' | 'duration' = 'date', optional?: boolean) => ({
  kind: 'timer' as const,
  timer: { type, value, ...(optional ? { optional } : {}) },
});

describe.each(testStores())('graph languages on $name', (factory) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function setup(...graphs: ProcessGraph[]) {
    store = await factory.create();
    const clock = new TestClock(new Date('2026-03-01T00:00:00Z'));
    const rt = new Runtime({ db: store.db, clock });
    await rt.deploy({ graphs });
    return { rt, db: store.db, clock };
  }

  const tasks = async (db: Db, instanceId: string) =>
    (
      await db.query<{
        id: string;
        task_def_key: string;
        assignee: string | null;
        candidate_users: string[];
        candidate_groups: string[];
        due_date: Date | null;
        priority: number;
        name: string | null;
        execution_id: string;
      }>('SELECT * FROM wf_task WHERE instance_id = $1 ORDER BY create_time, id', [instanceId])
    ).rows;
  const localVars = async (db: Db, scopeId: string) =>
    Object.fromEntries(
      (
        await db.query<{ name: string; value: unknown }>('SELECT name, value FROM wf_variable WHERE scope_id = $1', [
          scopeId,
        ])
      ).rows.map((r) => [r.name, r.value]),
    );
  const dueDates = async (rt: Runtime, db: Db, instanceId: string) =>
    (await rt.jobs.list(db, { scopeId: instanceId })).map((j) => j.dueAt.toISOString()).sort();

  it('chooses exclusive and inclusive branches by JavaScript conditions over the variables and the clock', async () => {
    const g = graph(
      'js-gateways',
      [
        start,
        { id: 'x', type: 'exclusiveGateway' },
        task('big'),
        task('small'),
        { id: 'i', type: 'inclusiveGateway' },
        task('a'),
        task('b'),
        task('c'),
      ],
      [
        ['start', 'x'],
        // `Date` follows the runtime's clock (2026-03-01), not the machine's.
        ['x', 'big', 'amount > 100 && new Date().getUTCFullYear() === 2026'],
        ['x', 'i', 'amount <= 100'],
        ['i', 'a', 'tags.indexOf("a") >= 0'],
        ['i', 'b', 'tags.indexOf("b") >= 0'],
        ['i', 'c', 'tags.length > 5'],
        ['big', 'small'],
      ],
    );
    const { rt, db } = await setup(g);
    const big = await rt.startInstance({ key: 'js-gateways', variables: { amount: 500, tags: [] } });
    expect((await tasks(db, big.id)).map((t) => t.task_def_key)).toEqual(['big']);
    const small = await rt.startInstance({ key: 'js-gateways', variables: { amount: 5, tags: ['a', 'b'] } });
    expect((await tasks(db, small.id)).map((t) => t.task_def_key).sort()).toEqual(['a', 'b']);
  });

  it('works out timer dates and durations in JavaScript on the runtime clock', async () => {
    const g = graph(
      'js-timers',
      [
        start,
        { id: 'wait', type: 'intermediateCatchEvent', event: timer('new Date(Date.now() + hours * 3600e3)') },
        task('t'),
        {
          id: 'late',
          type: 'boundaryEvent',
          attachedTo: 't',
          cancelActivity: true,
          event: timer('"PT" + minutes + "M"', 'duration'),
        },
        end(),
        end('timedOut'),
      ],
      [
        ['start', 'wait'],
        ['wait', 't'],
        ['t', 'end'],
        ['late', 'timedOut'],
      ],
    );
    const { rt, db, clock } = await setup(g);
    const r = await rt.startInstance({ key: 'js-timers', variables: { hours: 2, minutes: 45 } });
    expect(await dueDates(rt, db, r.id)).toEqual(['2026-03-01T02:00:00.000Z']);
    const [job] = await rt.jobs.list(db, { scopeId: r.id });
    clock.advance(2 * 3600e3);
    await rt.fireTimer((job!.payload as { executionId: string }).executionId);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['t']);
    // (fireTimer is what the job runs; the fired job itself stays until the job executor removes it)
    const after = await rt.jobs.list(db, { scopeId: r.id });
    expect(after.filter((j) => j.id !== job!.id).map((j) => j.dueAt.toISOString())).toEqual([
      '2026-03-01T02:45:00.000Z',
    ]);
  });

  it('evaluates user task assignee, candidates, due date and priority in JavaScript, and node inputs as locals', async () => {
    const g = graph(
      'js-actors',
      [
        start,
        task(
          'approve',
          {
            assignee: 'request.manager.id',
            candidateUsers: ['"managed/user/" + request.owners[0]', 'request.owners.slice(1)'],
            candidateGroups: ['"managed/role/approvers"'],
            dueDate: 'new Date(Date.now() + 7 * 864e5)',
            priority: 'request.urgent ? 80 : 20',
          },
          {
            name: 'Approve the request',
            inputOutput: {
              outputs: [],
              inputs: [
                {
                  name: 'actors',
                  value: {
                    list: [
                      {
                        map: {
                          id: '"managed/user/" + request.manager.id',
                          permissions: { literal: { approve: true } },
                        },
                      },
                      { map: { id: { literal: 'managed/role/approvers' }, permissions: { literal: {} } } },
                    ],
                  },
                },
              ],
            },
          },
        ),
        task('next'),
      ],
      [
        ['start', 'approve'],
        ['approve', 'next'],
      ],
    );
    const { rt, db } = await setup(g);
    const request = { manager: { id: 'boss' }, owners: ['o1', 'o2', 'o3'], urgent: true };
    const r = await rt.startInstance({ key: 'js-actors', variables: { request } });
    const [t] = await tasks(db, r.id);
    expect(t).toMatchObject({
      name: 'Approve the request', // text, not an expression, in a JavaScript graph
      assignee: 'boss',
      candidate_users: ['managed/user/o1', 'o2', 'o3'],
      candidate_groups: ['managed/role/approvers'],
      priority: 80,
    });
    expect(t!.due_date!.toISOString()).toBe('2026-03-08T00:00:00.000Z');
    expect(await localVars(db, t!.execution_id)).toEqual({
      actors: [
        { id: 'managed/user/boss', permissions: { approve: true } },
        { id: 'managed/role/approvers', permissions: {} },
      ],
    });
    // Inputs end with their node: the next task's execution has no `actors`, and the process never had one.
    await rt.completeTask(t!.id);
    const [next] = await tasks(db, r.id);
    expect(await localVars(db, next!.execution_id)).not.toHaveProperty('actors');
    expect(await rt.getVariables(r.id)).not.toHaveProperty('actors');
  });

  it('fails the command on a failing expression, or reads it as null where the graph says so', async () => {
    const nodes: NodeSpec[] = [start, { id: 'x', type: 'exclusiveGateway' }, task('yes'), task('no')];
    const flows: [string, string, string?][] = [
      ['start', 'x'],
      ['x', 'yes', 'missing.field === 1'],
      ['x', 'no'],
    ];
    const strict = graph('strict', nodes, flows);
    strict.nodes.x!.defaultFlow = 'f3';
    const lenient = graph('lenient', nodes, flows, { language: 'javascript', expressionErrors: 'null' });
    lenient.nodes.x!.defaultFlow = 'f3';
    const { rt, db } = await setup(strict, lenient);
    await expect(rt.startInstance({ key: 'strict' })).rejects.toThrow(
      /Error evaluating the condition of sequence flow 'f2': ReferenceError: .*missing/,
    );
    expect((await db.query('SELECT 1 FROM wf_instance')).rowCount).toBe(0);
    const r = await rt.startInstance({ key: 'lenient' });
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['no']);
  });

  it('arms no optional boundary timer without a date; an optional catch event without one is due now', async () => {
    const g = graph(
      'optional',
      [
        start,
        task('t'),
        { id: 'exp', type: 'boundaryEvent', attachedTo: 't', event: timer('expires || null', 'date', true) },
        { id: 'wait', type: 'intermediateCatchEvent', event: timer('resume', 'date', true) },
        end(),
        end('expired'),
      ],
      [
        ['start', 't'],
        ['t', 'wait'],
        ['wait', 'end'],
        ['exp', 'expired'],
      ],
      { language: 'javascript', expressionErrors: 'null' },
    );
    const { rt, db } = await setup(g);
    const r = await rt.startInstance({ key: 'optional', variables: { expires: null } });
    expect(await dueDates(rt, db, r.id)).toEqual([]);
    const [t] = await tasks(db, r.id);
    await rt.completeTask(t!.id); // `resume` is not a variable: null, so the catch event is due at once
    expect(await dueDates(rt, db, r.id)).toEqual(['2026-03-01T00:00:00.000Z']);
    const dated = await rt.startInstance({ key: 'optional', variables: { expires: '2026-04-01T00:00:00Z' } });
    expect(await dueDates(rt, db, dated.id)).toEqual(['2026-04-01T00:00:00.000Z']);
  });

  it("sets a node's outputs when it ends: a boundary event decides the outcome its gateway tests", async () => {
    const g = graph(
      'outputs',
      [
        start,
        task('t'),
        {
          id: 'exp',
          type: 'boundaryEvent',
          attachedTo: 't',
          cancelActivity: true,
          event: timer('"PT1H"', 'duration'),
          inputOutput: { inputs: [], outputs: [{ name: 'outcome', value: { literal: 'EXPIRATION' } }] },
        },
        { id: 'o', type: 'exclusiveGateway' },
        task('approved'),
        task('expired'),
      ],
      [
        ['start', 't'],
        ['t', 'o'],
        ['exp', 'o'],
        ['o', 'approved', 'outcome === "APPROVE"'],
        ['o', 'expired', 'outcome === "EXPIRATION"'],
      ],
      { language: 'javascript', expressionErrors: 'null' },
    );
    const { rt, db } = await setup(g);
    const r = await rt.startInstance({ key: 'outputs' });
    const [job] = await rt.jobs.list(db, { scopeId: r.id });
    await rt.fireTimer((job!.payload as { executionId: string }).executionId);
    expect((await tasks(db, r.id)).map((t) => t.task_def_key)).toEqual(['expired']);
    expect(await rt.getVariables(r.id)).toMatchObject({ outcome: 'EXPIRATION' });
  });

  it("runs a flow's script condition (JavaScript, Groovy) inside a JUEL graph", async () => {
    const g = graph(
      'mixed',
      [start, { id: 'x', type: 'exclusiveGateway' }, task('js'), task('groovy'), task('juel')],
      [
        ['start', 'x'],
        ['x', 'js', 'items.filter(function (i) { return i > 2; }).length === 2', { conditionLanguage: 'javascript' }],
        ['x', 'groovy', 'items.size() == 1 && items.collect { it * 2 }[0] == 2', { conditionLanguage: 'groovy' }],
        ['x', 'juel', '${true}'],
      ],
      {},
    );
    const { rt, db } = await setup(g);
    const hit = await rt.startInstance({ key: 'mixed', variables: { items: [1, 3, 5] } });
    expect((await tasks(db, hit.id)).map((t) => t.task_def_key)).toEqual(['js']);
    const groovy = await rt.startInstance({ key: 'mixed', variables: { items: [1] } });
    expect((await tasks(db, groovy.id)).map((t) => t.task_def_key)).toEqual(['groovy']);
    const miss = await rt.startInstance({ key: 'mixed', variables: { items: [] } });
    expect((await tasks(db, miss.id)).map((t) => t.task_def_key)).toEqual(['juel']);
  });
});
