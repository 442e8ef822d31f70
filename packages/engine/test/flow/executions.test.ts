import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowModule } from '../../src/apis/flow/index.js';
import { testStores } from '../../src/store/test-stores.js';
import {
  CHILD_A,
  CHILD_KEY,
  CUSTOMER,
  type FlowHarness,
  flowHarness,
  OTHER_CUSTOMER,
  OTHER_KEY,
  ULID,
} from './helpers.js';

const defs = '/v2/workflowDefinitions';

describe.each(testStores())('FLOW workflow executions on $name', (factory) => {
  let h: FlowHarness;
  let server: Server;
  let baseUrl = '';
  const hits: string[] = [];
  const delays: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/fail')) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: 42, echo: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const module = createFlowModule({
      credentials: [
        { apiKey: OTHER_KEY, customerId: OTHER_CUSTOMER },
        { apiKey: CHILD_KEY, customerId: CUSTOMER, childIds: [CHILD_A] },
      ],
      run: {
        sleep: async (ms) => {
          delays.push(ms);
          h.clock.advance(ms);
        },
      },
    });
    h = await flowHarness(factory, module);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => server.close(r));
  });

  const publish = async (id: string, body: Record<string, unknown>, isDraft = false) => {
    const r = await h.call('PUT', `${defs}/${id}`, { body: { name: id, isDraft, ...body } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.workflowDefinition;
  };
  const execute = (id: string, body?: unknown, headers?: Record<string, string>) =>
    h.call('POST', `${defs}/${id}/execute`, {
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
  const task = (r: { body: any }, id: string) =>
    r.body.workflowExecution.tasks.find((t: { taskId: string }) => t.taskId === id);

  const decisionFlow = {
    variables: [
      { name: 'score', type: 'NUMBER', required: true },
      { name: 'who', type: 'STRING', default: 'Jane' },
    ],
    initialState: { source: 'test' },
    tasks: [
      {
        id: 'prepare',
        configuration: {
          type: 'SET_VARIABLES',
          values: { greeting: 'Hello {{variables.who}}', scoreCopy: '{{variables.score}}' },
        },
      },
      {
        id: 'route',
        dependsOn: ['prepare'],
        configuration: {
          type: 'DECISION',
          cases: [{ when: 'state.scoreCopy >= 50 && state.source == "test"', result: 'APPROVE' }],
          defaultResult: 'REJECT',
        },
      },
      {
        id: 'approve',
        dependsOn: ['route'],
        condition: "tasks.route.output.result == 'APPROVE'",
        configuration: { type: 'SET_VARIABLES', values: { approved: true } },
      },
      {
        id: 'reject',
        dependsOn: ['route'],
        condition: "tasks.route.output.result == 'REJECT'",
        configuration: { type: 'SET_VARIABLES', values: { approved: false } },
      },
      {
        id: 'after-reject',
        dependsOn: ['reject'],
        configuration: { type: 'SET_VARIABLES', values: { rejectedToo: 1 } },
      },
      {
        id: 'summarise',
        dependsOn: ['approve', 'reject'],
        configuration: {
          type: 'SCRIPT',
          script:
            "setState('summary', state.greeting + '!'); return { decision: tasks.route.output.result, score: variables.score, id: execution.id };",
        },
      },
    ],
  };

  it('runs SET_VARIABLES → DECISION → conditional branches → SCRIPT to COMPLETED', async () => {
    await publish('decide', decisionFlow);
    const r = await execute(
      'decide',
      { input: { score: 70 }, comment: { text: 'a run' } },
      { 'X-Frankie-Username': 'fred' },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const e = r.body.workflowExecution;
    expect(e.workflowExecutionId).toMatch(ULID);
    expect(e).toMatchObject({
      workflowDefinitionId: 'decide',
      version: 1,
      workflowExecutionState: 'COMPLETED',
      createdBy: 'fred',
      channel: null,
      comment: { text: 'a run' },
      failure: null,
      initialState: { source: 'test', who: 'Jane', score: 70 },
    });
    expect(e.endedAt).not.toBeNull();
    expect(e.state).toEqual({
      source: 'test',
      who: 'Jane',
      score: 70,
      greeting: 'Hello Jane',
      scoreCopy: 70,
      approved: true,
      summary: 'Hello Jane!',
    });
    expect(e.steps).toEqual({
      order: ['prepare', 'route', 'approve', 'reject', 'after-reject', 'summarise'],
      passed: ['prepare', 'route', 'approve', 'summarise'],
      failed: [],
      incomplete: [],
      notApplicable: ['reject', 'after-reject'],
    });
    expect(task(r, 'route')).toMatchObject({
      status: 'COMPLETED',
      attempts: 1,
      output: { result: 'APPROVE', caseIndex: 0 },
    });
    expect(task(r, 'reject')).toMatchObject({ status: 'SKIPPED', attempts: 0, startedAt: null, output: null });
    expect(task(r, 'summarise').output).toEqual({ decision: 'APPROVE', score: 70, id: e.workflowExecutionId });
    const again = await h.call('GET', `/v2/executions/${e.workflowExecutionId}`);
    expect(again.status).toBe(200);
    expect(again.body.workflowExecution).toEqual(e);

    const low = await execute('decide', { input: { score: 10, who: 'Bob' } });
    expect(low.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
    expect(low.body.workflowExecution.steps.notApplicable).toEqual(['approve']);
    expect(low.body.workflowExecution.state).toMatchObject({ approved: false, rejectedToo: 1, summary: 'Hello Bob!' });
  });

  it('refuses input that does not match the variables, and two version choices', async () => {
    const missing = await execute('decide', { input: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      errorCode: 'VAL-0400',
      details: [{ issueLocation: 'input.score', issueType: 'REQUIRED' }],
    });
    const wrong = await execute('decide', { input: { score: 'high' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0]).toMatchObject({ issueLocation: 'input.score', issueType: 'INVALID_TYPE' });
    const both = await execute('decide', { version: 1, draft: true, input: { score: 1 } });
    expect(both.status).toBe(400);
  });

  it('a WAIT task keeps the execution INPROGRESS until the clock passes and due jobs run', async () => {
    await publish('waits', {
      tasks: [
        { id: 'pause', configuration: { type: 'WAIT', durationMs: 60_000 } },
        { id: 'after', dependsOn: ['pause'], configuration: { type: 'SET_VARIABLES', values: { done: true } } },
      ],
    });
    const r = await execute('waits');
    expect(r.status).toBe(200);
    expect(r.body.workflowExecution.workflowExecutionState).toBe('INPROGRESS');
    expect(r.body.workflowExecution.endedAt).toBeNull();
    expect(task(r, 'pause')).toMatchObject({ status: 'WAITING', attempts: 1 });
    expect(task(r, 'after')).toMatchObject({ status: 'PENDING' });
    const id = r.body.workflowExecution.workflowExecutionId;
    await h.app.runDueJobs();
    expect((await h.call('GET', `/v2/executions/${id}`)).body.workflowExecution.workflowExecutionState).toBe(
      'INPROGRESS',
    );
    h.clock.advance(60_000);
    await h.app.runDueJobs();
    const done = await h.call('GET', `/v2/executions/${id}`);
    expect(done.body.workflowExecution).toMatchObject({ workflowExecutionState: 'COMPLETED', state: { done: true } });
    expect(task(done, 'pause')).toMatchObject({ status: 'COMPLETED' });
  });

  it('a WAIT until a templated date-time, and timeoutMs ending an execution as TIMEOUT', async () => {
    await publish('until', {
      variables: [{ name: 'at', type: 'STRING', required: true }],
      tasks: [{ id: 'hold', configuration: { type: 'WAIT', until: '{{variables.at}}' } }],
    });
    const at = new Date(h.clock.now().getTime() + 3_600_000).toISOString();
    const r = await execute('until', { input: { at }, timeoutMs: 60_000 });
    expect(task(r, 'hold')).toMatchObject({ status: 'WAITING' });
    h.clock.advance(61_000);
    // The timeout is a timer: it fires through the job executor, not when the execution is read.
    const id = r.body.workflowExecution.workflowExecutionId;
    expect((await h.call('GET', `/v2/executions/${id}`)).body.workflowExecution.workflowExecutionState).toBe(
      'INPROGRESS',
    );
    await h.app.runDueJobs();
    const late = await h.call('GET', `/v2/executions/${r.body.workflowExecution.workflowExecutionId}`);
    expect(late.body.workflowExecution).toMatchObject({
      workflowExecutionState: 'TIMEOUT',
      failure: { taskId: null, errorType: 'EXECUTION_TIMEOUT' },
      steps: { incomplete: ['hold'] },
    });
    expect(task(late, 'hold')).toMatchObject({ status: 'CANCELLED' });
    const ok = await execute('until', { input: { at: new Date(h.clock.now().getTime() + 1000).toISOString() } });
    h.clock.advance(1000);
    await h.app.runDueJobs();
    const done = await h.call('GET', `/v2/executions/${ok.body.workflowExecution.workflowExecutionId}`);
    expect(done.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
  });

  it('HTTP tasks call the URL with templates; a failing one retries with backoff, then fails the execution', async () => {
    await publish('calls', {
      variables: [{ name: 'base', type: 'STRING', required: true }],
      tasks: [
        {
          id: 'create',
          configuration: {
            type: 'HTTP',
            method: 'POST',
            url: '{{variables.base}}/ok',
            body: { who: 'x-{{variables.base}}' },
          },
        },
        {
          id: 'notify',
          dependsOn: ['create'],
          configuration: { type: 'HTTP', url: '{{variables.base}}/fail/{{tasks.create.output.body.id}}' },
          errorHandling: { retryConfig: { maxAttempts: 3, delayMs: 100, backoffFactor: 2 } },
        },
        { id: 'last', dependsOn: ['notify'], configuration: { type: 'SET_VARIABLES', values: { last: true } } },
      ],
    });
    hits.length = 0;
    delays.length = 0;
    const r = await execute('calls', { input: { base: baseUrl } });
    expect(r.status).toBe(200);
    const e = r.body.workflowExecution;
    expect(e.workflowExecutionState).toBe('ERROR');
    expect(task(r, 'create')).toMatchObject({
      status: 'COMPLETED',
      output: { status: 200, body: { id: 42, echo: { who: `x-${baseUrl}` } } },
    });
    expect(task(r, 'notify')).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      errorIgnored: false,
      error: { errorType: 'HTTP_STATUS', httpStatus: 503 },
    });
    expect(task(r, 'last')).toMatchObject({ status: 'CANCELLED' });
    expect(e.failure).toMatchObject({ taskId: 'notify', errorType: 'HTTP_STATUS' });
    expect(hits).toEqual(['POST /ok', 'GET /fail/42', 'GET /fail/42', 'GET /fail/42']);
    expect(delays).toEqual([100, 200]);
  });

  it('ignoreErrors lets the execution continue with the fallback state', async () => {
    await publish('tolerant', {
      variables: [{ name: 'base', type: 'STRING', required: true }],
      tasks: [
        {
          id: 'notify',
          configuration: { type: 'HTTP', url: '{{variables.base}}/fail' },
          errorHandling: { ignoreErrors: true, fallbackState: { notified: false } },
        },
        { id: 'last', dependsOn: ['notify'], configuration: { type: 'SET_VARIABLES', values: { last: true } } },
      ],
    });
    const r = await execute('tolerant', { input: { base: baseUrl } });
    expect(r.body.workflowExecution).toMatchObject({
      workflowExecutionState: 'COMPLETED',
      state: { notified: false, last: true },
      steps: { failed: ['notify'], passed: ['last'] },
    });
    expect(task(r, 'notify')).toMatchObject({ status: 'FAILED', attempts: 1, errorIgnored: true });
  });

  it('checks answer through the provider: simulateResult FAIL is an output, ERROR a CHECK_ERROR', async () => {
    const check = (simulateResult: string) => ({
      variables: [{ name: 'entityId', type: 'STRING', default: 'e-1' }],
      tasks: [
        {
          id: 'kyc',
          configuration: { type: 'KYC', entityId: '{{variables.entityId}}', checkOptions: { simulateResult } },
        },
        { id: 'aml', configuration: { type: 'AML', entityId: '{{variables.entityId}}' } },
      ],
    });
    await publish('check-fail', check('FAIL'));
    const r = await execute('check-fail');
    expect(r.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
    expect(task(r, 'kyc')).toMatchObject({ status: 'COMPLETED', output: { result: 'FAIL' } });
    expect(task(r, 'aml')).toMatchObject({ status: 'COMPLETED', output: { result: 'PASS', issues: [] } });
    await publish('check-error', check('ERROR'));
    const bad = await execute('check-error');
    expect(bad.body.workflowExecution).toMatchObject({
      workflowExecutionState: 'ERROR',
      failure: { taskId: 'kyc', errorType: 'CHECK_ERROR' },
    });
  });

  it('answers 409 without a published version, 404 for an unknown definition, and runs the draft on request', async () => {
    await publish(
      'draft-only',
      { tasks: [{ id: 'a', configuration: { type: 'SET_VARIABLES', values: { a: 1 } } }] },
      true,
    );
    const r = await execute('draft-only');
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      errorCode: 'VAL-0409',
      errorMsg: "Workflow definition 'draft-only' has no published version",
    });
    expect((await execute('nope')).status).toBe(404);
    expect((await execute('draft-only', { version: 1 })).status).toBe(404);
    const d = await execute('draft-only', { draft: true });
    expect(d.status).toBe(200);
    expect(d.body.workflowExecution).toMatchObject({
      version: -1,
      workflowExecutionState: 'COMPLETED',
      state: { a: 1 },
    });
  });

  it('answers 409 when a task lacks what it needs to run', async () => {
    await publish('incomplete', { tasks: [{ id: 'h', configuration: { type: 'HTTP' } }] });
    const r = await execute('incomplete');
    expect(r.status).toBe(409);
    expect(r.body.details).toEqual([
      { issue: 'An HTTP task needs a url', issueLocation: 'tasks[0].configuration.url', issueType: 'REQUIRED' },
    ]);
  });

  it('runs in the background with X-Frankie-Background: 1', async () => {
    const r = await execute('decide', { input: { score: 99 } }, { 'X-Frankie-Background': '1' });
    expect(r.status).toBe(202);
    expect(r.body.workflowExecution).toMatchObject({ workflowExecutionState: 'INPROGRESS', steps: { order: [] } });
    await h.app.runDueJobs();
    const done = await h.call('GET', `/v2/executions/${r.body.workflowExecution.workflowExecutionId}`);
    expect(done.body.workflowExecution.workflowExecutionState).toBe('COMPLETED');
  });

  it('isolates executions per customer and child', async () => {
    const r = await execute('decide', { input: { score: 1 } });
    const id = r.body.workflowExecution.workflowExecutionId;
    const other = await h.call('GET', `/v2/executions/${id}`, {
      headers: { api_key: OTHER_KEY, 'X-Frankie-CustomerID': OTHER_CUSTOMER },
    });
    expect(other.status).toBe(404);
    expect(other.body.errorCode).toBe('API-1010');
    const child = await h.call('GET', `/v2/executions/${id}`, {
      headers: { api_key: CHILD_KEY, 'X-Frankie-CustomerChildID': CHILD_A },
    });
    expect(child.status).toBe(404);
    const otherList = await h.call('GET', '/v2/executions', {
      headers: { api_key: OTHER_KEY, 'X-Frankie-CustomerID': OTHER_CUSTOMER },
    });
    expect(otherList.body.workflowExecutions).toEqual([]);
    expect(
      (await execute('decide', { input: { score: 1 } }, { api_key: OTHER_KEY, 'X-Frankie-CustomerID': OTHER_CUSTOMER }))
        .status,
    ).toBe(404);
    expect((await h.call('GET', '/v2/executions/01HXBKET00J8GRAN0Q2XAQQJ6W')).status).toBe(404);
  });

  it('lists executions newest first, paged and filtered', async () => {
    const all = await h.call('GET', '/v2/executions?workflowDefinitionId=decide&limit=2');
    expect(all.status).toBe(200);
    expect(all.body.meta).toMatchObject({ page: 1, limit: 2, count: 2, sort: 'desc', sortFields: ['startedAt'] });
    expect(all.body.meta.total).toBeGreaterThanOrEqual(4);
    const page2 = await h.call('GET', '/v2/executions?workflowDefinitionId=decide&limit=2&page=2');
    expect(page2.body.workflowExecutions[0].workflowExecutionId).not.toBe(
      all.body.workflowExecutions[0].workflowExecutionId,
    );
    const errors = await h.call('GET', '/v2/executions?workflowExecutionState=ERROR');
    expect(
      errors.body.workflowExecutions.map((e: { workflowDefinitionId: string }) => e.workflowDefinitionId).sort(),
    ).toEqual(['calls', 'check-error']);
    const drafts = await h.call('GET', '/v2/executions?workflowDefinitionId=draft-only&version=-1');
    expect(drafts.body.workflowExecutions).toHaveLength(1);
    const asc = await h.call('GET', '/v2/executions?sort=asc&limit=1');
    expect(asc.body.workflowExecutions[0].workflowDefinitionId).toBe('decide');
  });
  it("runs SCRIPT tasks on the engine's clock: Date follows the injected time", async () => {
    await publish('clocked', {
      name: 'Clocked',
      tasks: [
        {
          id: 'now',
          configuration: { type: 'SCRIPT', script: 'return { now: new Date().toISOString(), ms: Date.now() };' },
        },
      ],
    });
    const r = await execute('clocked', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(task(r, 'now').output).toEqual({ now: h.clock.now().toISOString(), ms: h.clock.now().getTime() });
  });
});
