// The documented IDM filters and sort keys use indexes: each request runs over a store with 20k history instances and
// tasks, its SQL is captured, and EXPLAIN must not show a sequential scan of a large table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../../src/app.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="plans">
  <process id="plans" name="Plans" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="approve"/>
    <userTask id="approve" name="Approve"/>
    <sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;
const HEADERS = {
  'X-OpenIDM-Username': 'openidm-admin',
  'X-OpenIDM-Password': 'openidm-admin',
  'Content-Type': 'application/json',
};
const LARGE = 20_000;

/** A Db that records the SELECTs it runs, so a test can EXPLAIN what a request did. */
function recording(db: Db): Db & { seen: { sql: string; params: readonly unknown[] }[] } {
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query(sql, params) {
      if (/^\s*SELECT\b/i.test(sql)) seen.push({ sql, params: params ?? [] });
      return q.query(sql, params);
    },
    exec: (sql) => q.exec(sql),
  });
  return { ...db, ...wrap(db), kind: db.kind, transaction: (fn) => db.transaction((tx) => fn(wrap(tx))), seen };
}

/** Copies a table's rows n times with new ids (and the given column overrides). */
async function copyRows(db: Queryable, table: string, n: number, overrides: Record<string, string>) {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
  );
  const cols = rows.map((r) => r.column_name);
  await db.query(
    `INSERT INTO ${table} (${cols.join(', ')})
     SELECT ${cols.map((c) => overrides[c] ?? `t.${c}`).join(', ')} FROM ${table} t, generate_series(1, ${n}) g`,
  );
}

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] };
function seqScans(node: PlanNode, into: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) into.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, into);
  return into;
}

describe.each(testStores())('IDM query plans on $name', (factory) => {
  let store: TestStore;
  let db: ReturnType<typeof recording>;
  let app: WfkitApp;
  let large: Set<string>;

  const get = async (path: string) => {
    const res = await app.fetch(new Request(`http://localhost/openidm/workflow/${path}`, { headers: HEADERS }));
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    store = await factory.create();
    db = recording(store.db);
    app = createApp({ store: db, jobs: { start: false }, docs: false });
    await app.ready;
    const post = (path: string, body: unknown) =>
      app.fetch(
        new Request(`http://localhost/openidm/workflow/${path}`, {
          method: 'POST',
          headers: HEADERS,
          body: JSON.stringify(body),
        }),
      );
    const model = await (await post('model?_action=create', { name: 'Plans', bpmnXML: XML })).json();
    await post(`model/${encodeURIComponent(model._id)}?_action=deploy`, {});
    await post('processinstance?_action=create', { _key: 'plans', businessKey: 'bk-0' });
    await copyRows(store.db, 'wf_hi_instance', LARGE, {
      id: `t.id || '-' || g`,
      business_key: `'bk-' || g`,
      start_user_id: `'user-' || g`,
      start_time: `t.start_time - g * interval '1 minute'`,
    });
    await copyRows(store.db, 'wf_hi_task', LARGE, {
      id: `t.id || '-' || g`,
      instance_id: `t.instance_id || '-' || g`,
      assignee: `'user-' || g`,
    });
    await store.db.query('ANALYZE');
    const { rows } = await store.db.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > 1000`,
    );
    large = new Set(rows.map((r) => r.relname));
    expect(large.has('wf_hi_instance')).toBe(true);
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const q = (filter: string) => encodeURIComponent(filter);
  it.each([
    ['processinstance/history', `_queryFilter=${q('businessKey eq "bk-17"')}`],
    ['processinstance/history', `_queryFilter=${q('_id eq "nope"')}`],
    ['processinstance/history', `_queryFilter=${q('startUserId eq "user-17"')}`],
    [
      'processinstance/history',
      `_queryFilter=${q('processDefinitionKey eq "plans" and startTime gt "2099-01-01T00:00:00Z"')}`,
    ],
    ['processinstance/history', `_queryFilter=true&_sortKeys=-startTime&_pageSize=10`],
    ['taskinstance/history', `_queryFilter=${q('assignee eq "user-17"')}`],
  ])('answers %s?%s without scanning a large table', async (path, query) => {
    db.seen.length = 0;
    await get(`${path}?${query}`);
    const scans: string[] = [];
    for (const { sql, params } of db.seen) {
      const { rows } = await store.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      const raw = rows[0]!['QUERY PLAN'];
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
      scans.push(...seqScans(plan).filter((t) => large.has(t)));
    }
    expect(db.seen.length).toBeGreaterThan(0);
    expect(scans).toEqual([]);
  });
});
