// The four SDKs and @wfkit/client on Node 20: real HTTP to a local node:http server (no fetch mock), so what runs is
// Node 20's own fetch, AbortSignal, timers and streams.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BadRequestError, createApiClient, NotFoundError, TimeoutError, UserAbortError } from '@wfkit/client';
import { createFlowClient } from '@wfkit/flow';
import { createIdmClient } from '@wfkit/idm';
import { createIgaClient } from '@wfkit/iga';
import { createKontentClient } from '@wfkit/kontent';

/** What the server saw, newest last. */
const seen = [];
let base;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => {
    body += d;
  });
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (process.env.TRACE) console.error(req.method, req.url);
    seen.push({ method: req.method, path: url.pathname, query: url.searchParams, headers: req.headers, body });
    const json = (status, value, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-42', ...headers });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/slow') return void setTimeout(() => json(200, {}), 2_000);
    if (url.pathname === '/openidm/workflow/processdefinition') {
      // A full first page (as many as asked for), then a short last page (asked for by cookie or by offset).
      const cookie = url.searchParams.get('_pagedResultsCookie');
      const later = Boolean(cookie) || Number(url.searchParams.get('_pagedResultsOffset') ?? 0) > 0;
      const size = Number(url.searchParams.get('_pageSize') ?? 1);
      const result = later ? [{ _id: 'last:1:9' }] : Array.from({ length: size }, (_, i) => ({ _id: `d${i}:1:1` }));
      return json(200, {
        result,
        resultCount: result.length,
        pagedResultsCookie: later ? null : 'next',
        totalPagedResultsPolicy: 'NONE',
        totalPagedResults: -1,
        remainingPagedResults: -1,
      });
    }
    if (url.pathname === '/openidm/workflow/taskinstance/missing')
      return json(404, { code: 404, reason: 'Not Found', message: 'Task missing not found' });
    if (url.pathname.endsWith('/workflows') && req.method === 'GET') return json(200, [{ id: 'w1', name: 'Review' }]);
    if (url.pathname.endsWith('/workflows') && req.method === 'POST')
      return json(400, {
        request_id: 'k-1',
        error_code: 5,
        message: 'The provided workflow is invalid.',
        validation_errors: [{ message: 'Step codename is taken.', path: 'steps[0].codename' }],
      });
    if (url.pathname === '/iga/governance/requestTypes')
      return json(200, { result: [{ id: 'applicationGrant' }], resultCount: 1, totalCount: 1 });
    if (url.pathname.startsWith('/v2/workflowDefinitions/'))
      return json(200, { workflowDefinition: { id: 'kyc', name: 'kyc', version: 3 } });
    json(404, { message: `no route ${url.pathname}` });
  });
});

before(async () => {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

describe('on Node 20', () => {
  it('IDM: pages a CREST list and sends the IDM credentials', async () => {
    const idm = createIdmClient({ baseUrl: base, username: 'admin', password: 'pw' });
    const all = await idm.processDefinitions.list({ _queryFilter: 'true' }).toArray();
    const first = seen.at(-2);
    assert.equal(all.length, Number(first.query.get('_pageSize')) + 1);
    assert.equal(all.at(-1)._id, 'last:1:9');
    assert.equal(seen.at(-1).headers['x-openidm-username'], 'admin');
    await assert.rejects(idm.tasks.get('missing'), (e) => e instanceof NotFoundError && e.status === 404);
  });

  it('Kontent: lists, and a 400 is a BadRequestError with the validation errors; withResponse gives the request id', async () => {
    const kontent = createKontentClient({ baseUrl: `${base}/v2`, apiKey: 'k', environmentId: 'env-1' });
    const { data, response } = await kontent.workflows.list().withResponse();
    assert.equal(data[0].codename ?? data[0].name, 'Review');
    assert.equal(response.headers.get('x-request-id'), 'req-42');
    assert.equal(seen.at(-1).headers.authorization, 'Bearer k');
    await assert.rejects(
      kontent.workflows.add({ name: 'x', codename: 'x', scopes: [], steps: [], published_step: {}, archived_step: {} }),
      (e) => e instanceof BadRequestError && JSON.stringify(e).includes('Step codename is taken'),
    );
  });

  it('IGA and FLOW: bearer token, FLOW headers', async () => {
    const iga = createIgaClient({ baseUrl: base, token: 't' });
    const types = await iga.requestTypes.list().toArray();
    assert.deepEqual(
      types.map((t) => t.id),
      ['applicationGrant'],
    );
    assert.equal(seen.at(-1).headers.authorization, 'Bearer t');
    const flow = createFlowClient({ baseUrl: base, apiKey: 'f', customerId: '12345678-1234-1234-1234-123456789012' });
    const def = await flow.definitions.get('kyc');
    assert.equal(def.workflowDefinition.version, 3);
    assert.equal(seen.at(-1).headers.api_key, 'f');
    assert.match(String(seen.at(-1).headers['x-frankie-requestid']), /^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('@wfkit/client: a timeout is a TimeoutError, an abort a UserAbortError', async () => {
    const timed = createApiClient({ baseUrl: base, maxRetries: 0, timeout: 100 });
    await assert.rejects(timed.call(timed.raw.GET('/slow')), (e) => e instanceof TimeoutError);
    const client = createApiClient({ baseUrl: base, maxRetries: 0 });
    const controller = new AbortController();
    const pending = client.call(client.raw.GET('/slow', { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await assert.rejects(pending, (e) => e instanceof UserAbortError);
    const ok = await client.call(client.raw.GET('/iga/governance/requestTypes')).withResponse();
    assert.equal(ok.requestId, 'req-42');
  });
});
