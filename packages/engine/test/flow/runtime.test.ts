/**
 * FLOW on the runtime: HTTP tasks are external service tasks (the call outside any transaction, retries as job
 * retries with FLOW's delays), timeouts are timers fired by the job executor, and execute is one transaction.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFlowModule } from '../../src/apis/flow/index.js';
import { EXTERNAL_JOB } from '../../src/runtime/external-tasks.js';
import type { Db } from '../../src/store/db.js';
import { type TestStoreFactory, testStores } from '../../src/store/test-stores.js';
import { CHILD_A, CHILD_KEY, CUSTOMER, type FlowHarness, flowHarness, OTHER_CUSTOMER, OTHER_KEY } from './helpers.js';

const PORT = 5201; // this suite's stub service (the flow helper's port range is 5200-5299)
const BASE = `http://127.0.0.1:${PORT}`;
const defs = '/v2/workflowDefinitions';

interface Hit {
  path: string;
  at: number;
  /** The execution as another request saw it while the call was in flight. */
  seen?: { state: string; task: { status: string; attempts: number } };
}

/** A stub service: `/flaky/<n>` fails with 503 n times, then answers 200; `/down` always 503; `/ok` 200. */
function stubService(h: () => FlowHarness, hits: Hit[], watch: { executionId?: string }) {
  const failures = new Map<string, number>();
  return createServer(async (req, res) => {
    const path = req.url ?? '';
    const hit: Hit = { path, at: h().clock.now().getTime() };
    hits.push(hit);
    if (watch.executionId) {
      // Reading the execution through the API while the call runs: this would wait forever (PGlite) or see the
      // uncommitted start (PostgreSQL) if the call were made inside the command's transaction.
      const r = await h().call('GET', `/v2/executions/${watch.executionId}`, { check: false });
      const e = r.body.workflowExecution;
      hit.seen = { state: e.workflowExecutionState, task: e.tasks[0] };
    }
    const flaky = /^\/flaky\/(\d+)/.exec(path);
    const failed = failures.get(path) ?? 0;
    if (path === '/down' || (flaky && failed < Number(flaky[1]))) {
      failures.set(path, failed + 1);
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path, ok: true }));
  });
}

/** A Db that can be made to fail on the statement that matches, inside transactions (a crash mid-command). */
function failingDb(db: Db, when: { match?: RegExp }): Db {
  const wrap =
    (q: Db['query']): Db['query'] =>
    (sql, params) => {
      if (when.match?.test(sql)) return Promise.reject(new Error('simulated failure'));
      return q(sql, params);
    };
  return {
    kind: db.kind,
    query: wrap(db.query.bind(db)),
    exec: db.exec.bind(db),
    close: db.close.bind(db),
    transaction: (fn) => db.transaction((tx) => fn({ query: wrap(tx.query.bind(tx)), exec: tx.exec.bind(tx) })),
  };
}

describe.each(testStores())('FLOW on the runtime, on $name', (factory: TestStoreFactory) => {
  let h: FlowHarness;
  let server: Server;
  const hits: Hit[] = [];
  const watch: { executionId?: string } = {};
  const failOn: { match?: RegExp } = {};
  beforeAll(async () => {
    server = stubService(() => h, hits, watch);
    await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
    const module = createFlowModule({
      credentials: [
        { apiKey: OTHER_KEY, customerId: OTHER_CUSTOMER },
        { apiKey: CHILD_KEY, customerId: CUSTOMER, childIds: [CHILD_A] },
      ],
      run: { sleep: async (ms) => void h.clock.advance(ms) },
    });
    const wrapped: TestStoreFactory = {
      ...factory,
      create: async () => {
        const store = await factory.create();
        return { ...store, db: failingDb(store.db, failOn) };
      },
    };
    h = await flowHarness(wrapped, module);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => server?.close(r));
  });
  beforeEach(() => {
    hits.length = 0;
    delete watch.executionId;
    delete failOn.match;
  });

  const publish = async (id: string, body: Record<string, unknown>) => {
    const r = await h.call('PUT', `${defs}/${id}`, { body: { name: id, isDraft: false, ...body } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const background = (id: string, body: Record<string, unknown> = {}) =>
    h.call('POST', `${defs}/${id}/execute`, { body, headers: { 'X-Frankie-Background': '1' } });
  const read = async (id: string) => (await h.call('GET', `/v2/executions/${id}`)).body.workflowExecution;
  const externalJobs = async () => (await h.app.jobs().queue.list(h.store.db)).filter((j) => j.type === EXTERNAL_JOB);
  const httpTask = (path: string, retryConfig?: Record<string, number>) => ({
    tasks: [
      {
        id: 'call',
        configuration: { type: 'HTTP', url: `${BASE}${path}` },
        ...(retryConfig ? { errorHandling: { retryConfig } } : {}),
      },
    ],
  });

  it('calls the service outside any transaction, after the task is committed as RUNNING', async () => {
    await publish('outside', httpTask('/ok'));
    const r = await background('outside');
    expect(r.status).toBe(202);
    watch.executionId = r.body.workflowExecution.workflowExecutionId;
    await h.app.runDueJobs();
    expect(hits).toHaveLength(1);
    expect(hits[0]!.seen).toEqual({ state: 'INPROGRESS', task: expect.objectContaining({ status: 'RUNNING' }) });
    const done = await read(watch.executionId!);
    expect(done.workflowExecutionState).toBe('COMPLETED');
    expect(done.tasks[0]).toMatchObject({ status: 'COMPLETED', attempts: 1, output: { status: 200 } });
  });

  it('retries a failing call as job retries after delayMs × backoffFactor^(n-1), then completes', async () => {
    await publish('flaky', httpTask('/flaky/2', { maxAttempts: 4, delayMs: 1000, backoffFactor: 3 }));
    const r = await background('flaky');
    const id = r.body.workflowExecution.workflowExecutionId;
    const t0 = h.clock.now().getTime();
    await h.app.runDueJobs();
    expect(hits.map((x) => x.at - t0)).toEqual([0]);
    // The retry is the job's: attempts counted, FLOW's delay, the last error kept.
    const [job] = await externalJobs();
    expect(job).toMatchObject({ attempts: 1, maxAttempts: 4 });
    expect(job!.dueAt.getTime() - t0).toBe(1000);
    expect(JSON.parse(job!.lastError!)).toMatchObject({ errorType: 'HTTP_STATUS', httpStatus: 503 });
    expect((await read(id)).tasks[0]).toMatchObject({ status: 'RUNNING' });
    h.clock.advance(999);
    await h.app.runDueJobs();
    expect(hits).toHaveLength(1);
    h.clock.advance(1);
    await h.app.runDueJobs();
    h.clock.advance(3000);
    await h.app.runDueJobs();
    expect(hits.map((x) => x.at - t0)).toEqual([0, 1000, 4000]);
    const done = await read(id);
    expect(done.workflowExecutionState).toBe('COMPLETED');
    expect(done.tasks[0]).toMatchObject({ status: 'COMPLETED', attempts: 3, error: null });
    expect(await externalJobs()).toEqual([]);
  });

  it('fails the execution after the last attempt, without a dead letter', async () => {
    await publish('down', httpTask('/down', { maxAttempts: 2, delayMs: 500, backoffFactor: 2 }));
    const id = (await background('down')).body.workflowExecution.workflowExecutionId;
    await h.app.runDueJobs();
    h.clock.advance(500);
    await h.app.runDueJobs();
    expect(hits).toHaveLength(2);
    const e = await read(id);
    expect(e).toMatchObject({ workflowExecutionState: 'ERROR', failure: { taskId: 'call', errorType: 'HTTP_STATUS' } });
    expect(e.tasks[0]).toMatchObject({ status: 'FAILED', attempts: 2, error: { httpStatus: 503 } });
    expect(await h.app.jobs().queue.deadLetters(h.store.db, { type: EXTERNAL_JOB })).toEqual([]);
  });

  it('times out through a timer the job executor fires, without anyone reading the execution', async () => {
    await publish('slow', {
      tasks: [
        {
          id: 'call',
          configuration: { type: 'HTTP', url: `${BASE}/down` },
          errorHandling: { retryConfig: { maxAttempts: 5, delayMs: 600_000 } },
        },
        { id: 'pause', configuration: { type: 'WAIT', durationMs: 3_600_000 } },
      ],
    });
    const r = await h.call('POST', `${defs}/slow/execute`, { body: { timeoutMs: 60_000 } });
    // Synchronous: it answers once only far-off jobs are left (the next retry is due after the 30 s budget).
    expect(r.status).toBe(200);
    const id = r.body.workflowExecution.workflowExecutionId;
    expect(r.body.workflowExecution.workflowExecutionState).toBe('INPROGRESS');
    expect(hits).toHaveLength(1);
    h.clock.advance(60_000);
    await h.app.runDueJobs();
    const e = await read(id);
    expect(e).toMatchObject({
      workflowExecutionState: 'TIMEOUT',
      failure: { taskId: null, errorType: 'EXECUTION_TIMEOUT' },
      steps: { incomplete: ['call', 'pause'] },
    });
    expect(e.tasks.map((t: { status: string }) => t.status)).toEqual(['CANCELLED', 'CANCELLED']);
    // The retry and the WAIT's timer went with the instance: nothing runs for this execution any more.
    expect(await externalJobs()).toEqual([]);
    h.clock.advance(3_600_000);
    await h.app.runDueJobs();
    expect(hits).toHaveLength(1);
    expect((await read(id)).workflowExecutionState).toBe('TIMEOUT');
  });

  it('an execution that ends first cancels its timeout timer', async () => {
    await publish('quick', httpTask('/ok'));
    const r = await h.call('POST', `${defs}/quick/execute`, { body: { timeoutMs: 60_000 } });
    expect(r.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
    expect(await h.app.jobs().queue.list(h.store.db)).toEqual([]);
  });

  it('execute is one transaction: a failure while starting the instance leaves no execution behind', async () => {
    await publish('atomic', httpTask('/ok'));
    const before = (await h.call('GET', '/v2/executions?workflowDefinitionId=atomic')).body.meta.total;
    failOn.match = /INSERT INTO wf_instance/i;
    const r = await h.call('POST', `${defs}/atomic/execute`, { check: false });
    expect(r.status).toBe(500);
    expect(r.body.errorCode).toBe('SYS-500');
    delete failOn.match;
    expect((await h.call('GET', '/v2/executions?workflowDefinitionId=atomic')).body.meta.total).toBe(before);
    const { rows } = await h.store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM flow_executions WHERE definition_id = 'atomic'",
    );
    expect(rows[0]!.n).toBe(before);
    expect(await h.app.jobs().queue.list(h.store.db)).toEqual([]);
    // and the next execute runs normally
    const ok = await h.call('POST', `${defs}/atomic/execute`);
    expect(ok.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
  });

  it("deploys each customer's and child's processes under its own runtime tenant", async () => {
    await publish('tenant', httpTask('/ok'));
    await h.call('POST', `${defs}/tenant/execute`);
    await h.call('PUT', `${defs}/tenant`, {
      body: { name: 'tenant', isDraft: false, ...httpTask('/ok') },
      headers: { api_key: CHILD_KEY, 'X-Frankie-CustomerChildID': CHILD_A },
    });
    await h.call('POST', `${defs}/tenant/execute`, {
      headers: { api_key: CHILD_KEY, 'X-Frankie-CustomerChildID': CHILD_A },
    });
    const { rows } = await h.store.db.query<{ owner_api: string; tenant: string }>(
      "SELECT DISTINCT owner_api, tenant FROM wf_deployment WHERE name LIKE 'tenant %' ORDER BY tenant",
    );
    expect(rows).toEqual([
      { owner_api: 'flow', tenant: `${CUSTOMER}/` },
      { owner_api: 'flow', tenant: `${CUSTOMER}/${CHILD_A}` },
    ]);
  });
});
