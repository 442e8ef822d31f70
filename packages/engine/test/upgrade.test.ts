/**
 * A store the previous release left (every migration before 060, rows as that release wrote them) keeps working
 * after an upgrade: migration 060 gives each row its owner, and each API sees only its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../src/app.js';
import { compileDefinitions, parseBpmn } from '../src/dialects/bpmn/index.js';
import type { Db } from '../src/store/db.js';
import { type TestStore, testStores } from '../src/store/test-stores.js';
import { bpmn, flow } from './helpers/bpmn.js';

const IDM = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };
const T0 = new Date('2025-03-01T10:00:00.000Z');

async function graphOf(id: string) {
  const xml = bpmn(
    `<startEvent id="s"/>${flow('f1', 's', 'review')}<userTask id="review" name="Review"/>${flow('f2', 'review', 'e')}<endEvent id="e"/>`,
    { id },
  );
  return compileDefinitions(await parseBpmn(xml)).graphs[0]!;
}

/** Rows as the release before migration 060 wrote them: a deployment, a definition, a running instance with a task. */
async function oldProcess(db: Db, o: { n: number; key: string; category: string | null }) {
  const graph = await graphOf(o.key.replace(/\W/g, '_'));
  const dep = `dep-${o.n}`;
  const def = `${o.key}:1:${o.n}`;
  const inst = `inst-${o.n}`;
  await db.query('INSERT INTO wf_deployment (id, name, category, created_at) VALUES ($1, $2, $3, $4)', [
    dep,
    o.key,
    o.category,
    T0,
  ]);
  await db.query(
    `INSERT INTO wf_definition (id, key, version, name, category, deployment_id, graph, created_at)
     VALUES ($1, $2, 1, $2, $3, $4, $5::jsonb, $6)`,
    [def, o.key, o.category, dep, JSON.stringify(graph), T0],
  );
  await db.query(
    `INSERT INTO wf_instance (id, root_id, definition_id, definition_key, start_time) VALUES ($1, $1, $2, $3, $4)`,
    [inst, def, o.key, T0],
  );
  await db.query(
    `INSERT INTO wf_hi_instance (id, root_id, definition_id, definition_key, start_time) VALUES ($1, $1, $2, $3, $4)`,
    [inst, def, o.key, T0],
  );
  await db.query(
    `INSERT INTO wf_execution (id, instance_id, parent_id, activity_id, kind, state, created_at)
     VALUES ($1, $2, $2, 'review', 'token', '{"wait":"task"}'::jsonb, $3)`,
    [`exec-${o.n}`, inst, T0],
  );
  const task = { id: `task-${o.n}`, execution: `exec-${o.n}` };
  for (const table of ['wf_task', 'wf_hi_task'])
    await db.query(
      `INSERT INTO ${table} (id, instance_id, execution_id, definition_id, definition_key, task_def_key, name, create_time)
       VALUES ($1, $2, $3, $4, $5, 'review', 'Review', $6)`,
      [task.id, inst, task.execution, def, o.key, T0],
    );
  await db.query(
    `INSERT INTO jobs (id, type, payload, key, scope_id, due_at, created_at)
     VALUES ($1, 'wf.timer', $2::jsonb, $3, $4, $5, $5)`,
    [
      `job-${o.n}`,
      JSON.stringify({ executionId: `exec-${o.n}`, instanceId: inst, rootId: inst }),
      `k-${o.n}`,
      inst,
      T0,
    ],
  );
  return { def, inst, task: task.id, job: `job-${o.n}` };
}

describe.each(testStores())('upgrading a store of the previous release on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;
  let idm: Awaited<ReturnType<typeof oldProcess>>;
  let iga: Awaited<ReturnType<typeof oldProcess>>;
  let flowRows: Awaited<ReturnType<typeof oldProcess>>;

  beforeAll(async () => {
    store = await factory.create({ before: 60 });
    idm = await oldProcess(store.db, { n: 1, key: 'idmProcess', category: 'http://www.activiti.org/test' });
    iga = await oldProcess(store.db, { n: 2, key: 'iga_BasicRoleGrant', category: 'iga' });
    flowRows = await oldProcess(store.db, { n: 3, key: 'flow/cust-1/child-1/waits', category: 'flow' });
    await store.db.query(
      `INSERT INTO jobs (id, type, payload, key, due_at, created_at) VALUES ('kj', 'kontent.publish', '{}'::jsonb, 'kk', $1, $1)`,
      [T0],
    );
    await store.restart();
    app = createApp({ store: store.db, jobs: { start: false }, docs: false });
    await app.ready;
  }, 180_000); // an empty PGlite database (no prepared snapshot) runs initdb first
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.fetch(
      new Request(`http://localhost/openidm/workflow${path}`, {
        method,
        headers: { ...IDM, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('gives every row its owner: IGA and FLOW by their category and key, IDM the rest', async () => {
    const owners = async (table: string, id: string) =>
      (await app.db().query(`SELECT owner_api, tenant FROM ${table} WHERE id = $1`, [id])).rows[0];
    for (const [rows, api, tenant] of [
      [idm, 'idm', ''],
      [iga, 'iga', ''],
      [flowRows, 'flow', 'cust-1/child-1'],
    ] as const) {
      expect(await owners('wf_definition', rows.def)).toEqual({ owner_api: api, tenant });
      expect(await owners('wf_instance', rows.inst)).toEqual({ owner_api: api, tenant });
      expect(await owners('wf_hi_instance', rows.inst)).toEqual({ owner_api: api, tenant });
      expect(await owners('wf_task', rows.task)).toEqual({ owner_api: api, tenant });
      expect(await owners('wf_hi_task', rows.task)).toEqual({ owner_api: api, tenant });
      expect(await owners('jobs', rows.job)).toEqual({ owner_api: api, tenant });
    }
    expect(await owners('jobs', 'kj')).toEqual({ owner_api: 'kontent', tenant: '' });
  });

  it('IDM sees only its own process after the upgrade, and completes its task', async () => {
    const defs = await call('GET', '/processdefinition?_queryFilter=true');
    expect(defs.body.result.map((d: { _id: string }) => d._id)).toEqual([idm.def]);
    const tasks = await call('GET', '/taskinstance?_queryFilter=true');
    expect(tasks.body.result.map((t: { _id: string }) => t._id)).toEqual([idm.task]);
    expect((await call('POST', `/taskinstance/${iga.task}?_action=complete`, {})).status).toBe(404);
    expect((await call('POST', `/job/${flowRows.job}?_action=execute`)).status).toBe(404);
    const done = await call('POST', `/taskinstance/${idm.task}?_action=complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const h = await call('GET', `/processinstance/history/${idm.inst}`);
    expect(h.body.endTime).not.toBeNull();
  });
});
