import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiModule } from '../../src/apis/idm/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

const BASE = 'http://localhost:8080';
const ADMIN = { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' };

describe.each(testStores())('CREST over HTTP on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;
  let bare: WfkitApp;
  beforeAll(async () => {
    store = await factory.create();
    app = createApp({ store: store.db, apis: [apiModule], jobs: { start: false }, docs: false });
    // The same module with no handlers: every operation is "not implemented".
    bare = createApp({
      store: store.db,
      apis: [{ ...apiModule, routes: () => {} }],
      jobs: { start: false },
      docs: false,
    });
    await Promise.all([app.ready, bare.ready]);
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await store.close();
  });

  it('answers an operation without a handler with 501 in the CREST error body', async () => {
    const req = new Request(`${BASE}/openidm/workflow/processdefinition?_queryFilter=true`, { headers: ADMIN });
    const res = await bare.fetch(req);
    expect(res.status).toBe(501);
    expect(await res.json()).toEqual({
      code: 501,
      reason: 'Not Implemented',
      message: 'GET /openidm/workflow/processdefinition is not implemented by this server yet',
    });
  });

  it('answers unknown paths under /openidm/workflow with a CREST 404, and wrong methods with 405', async () => {
    const res = await app.fetch(new Request(`${BASE}/openidm/workflow/nothing`, { headers: ADMIN }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, reason: 'Not Found', message: 'Not Found' });
    const patch = await app.fetch(new Request(`${BASE}/openidm/workflow/model/x`, { method: 'PATCH', headers: ADMIN }));
    expect(patch.status).toBe(405);
    expect(await patch.json()).toMatchObject({ code: 405, reason: 'Method Not Allowed' });
  });

  it('answers a request that breaks the spec with a 400 naming the field, with every problem in detail.errors', async () => {
    const req = new Request(`${BASE}/openidm/workflow/model`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'no name' }),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(apiModule, req, res);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ code: 400, reason: 'Bad Request' });
    expect(body.message).toContain('name');
    expect(body.detail.errors.length).toBeGreaterThan(0);
  });

  it('indents the answer with _prettyPrint=true and accepts Accept-API-Version', async () => {
    const req = new Request(`${BASE}/openidm/workflow/model?_queryFilter=true&_prettyPrint=true`, {
      headers: { ...ADMIN, 'Accept-API-Version': 'protocol=2.1,resource=1.0' },
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(apiModule, req, res);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('\n  "result": []');
  });

  it('gives a created model a Location that reads it back', async () => {
    const req = new Request(`${BASE}/openidm/workflow/model?_action=create`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '2nd-level approval!' }),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(apiModule, req, res);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.key).toBe('process2nd-levelApproval');
    const back = await app.fetch(new Request(`${BASE}${res.headers.get('location')}`, { headers: ADMIN }));
    expect(await back.json()).toEqual(created);
  });
});
