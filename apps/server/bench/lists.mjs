// The list figure: FLOW definitions and executions (page + limit) and Kontent items (x-continuation) at 20 and 5,000
// rows, first page and last page. Rows are copied with SQL from ones made through the APIs, then ANALYZEd; the app
// runs in-process on the store, so the figure is the query and its shaping, not HTTP.
import { performance } from 'node:perf_hooks';
import { CONFIG_DEFAULTS, createApp } from '@wfkit/engine';
import { copyRows, median } from './lib.mjs';

const PAGE = 20;
const CUSTOMER = CONFIG_DEFAULTS.WFKIT_FLOW_CUSTOMER_ID;
const ENV = CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID;
const HEADERS = {
  flow: { api_key: CONFIG_DEFAULTS.WFKIT_FLOW_API_KEY, 'X-Frankie-CustomerID': CUSTOMER },
  kontent: { authorization: `Bearer ${CONFIG_DEFAULTS.WFKIT_KONTENT_API_KEY}` },
};

function exampleBody(app, api, operationId, name) {
  const spec = app.apis.find((m) => m.name === api).spec;
  for (const item of Object.values(spec.paths))
    for (const op of Object.values(item)) {
      if (op?.operationId !== operationId) continue;
      let ex = op.requestBody.content['application/json'].examples[name];
      if (ex.$ref)
        ex = ex.$ref
          .slice(2)
          .split('/')
          .reduce((o, k) => o[k], spec);
      return structuredClone(ex.value);
    }
  throw new Error(`no example ${name} of ${operationId}`);
}

/** An app with `rows` FLOW definitions, FLOW executions and Kontent items. */
export async function seededListApp(store, rows) {
  const app = createApp({ store, jobs: { start: false }, docs: false });
  await app.ready;
  const call = async (api, method, path, body, headers = {}) => {
    const res = await app.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { ...HEADERS[api], ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    return json;
  };
  const def = exampleBody(app, 'flow', 'createOrUpdateWorkflowDefinition', 'onboardingDraft');
  delete def.id;
  await call('flow', 'PUT', '/v2/workflowDefinitions/list-bench', { ...def, isDraft: false });
  await call('flow', 'POST', '/v2/workflowDefinitions/list-bench/execute', {
    input: { entityId: 'e-1', givenName: 'A', familyName: 'B', crmWebhookUrl: 'http://127.0.0.1:9/hook' },
  });
  const type = await call('kontent', 'POST', `/v2/projects/${ENV}/types`, {
    name: 'Bench',
    codename: 'bench',
    elements: [{ name: 'Title', codename: 'title', type: 'text' }],
  });
  await call('kontent', 'POST', `/v2/projects/${ENV}/items`, { name: 'Item', codename: 'item', type: { id: type.id } });
  const db = app.db();
  const n = rows - 1;
  await copyRows(db, 'flow_definitions', n, {
    id: `t.id || '-' || g`,
    updated_at: `t.updated_at + g * interval '1 second'`,
  });
  await copyRows(db, 'flow_executions', n, {
    id: `t.id || '-' || g`,
    instance_id: 'NULL',
    started_at: `t.started_at + g * interval '1 second'`,
  });
  await copyRows(db, 'kontent_items', n, {
    id: `md5(t.id::text || g)::uuid`,
    codename: `t.codename || '_' || g`,
    external_id: 'NULL',
    seq: `t.seq + g`,
  });
  await db.query('ANALYZE');
  return { app, call };
}

/** p50 (ms) of the first and the last page of each list. */
export async function sampleLists({ call }, rows, samples = 40) {
  const lastPage = Math.ceil(rows / PAGE);
  const time = async (fn) => {
    const times = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
    return median(times.slice(5));
  };
  const flow = (what, page) => () => call('flow', 'GET', `/v2/${what}?limit=${PAGE}&page=${page}`);
  // Kontent pages by the x-continuation header: the last page's token is read once, then replayed.
  const items = (tok) =>
    call('kontent', 'GET', `/v2/projects/${ENV}/items`, undefined, tok ? { 'x-continuation': tok } : {});
  let token;
  for (let page = await items(); page.pagination.continuation_token; page = await items(token))
    token = page.pagination.continuation_token;
  const kontent = (tok) => () => items(tok);
  return {
    'FLOW definitions, first page': await time(flow('workflowDefinitions', 1)),
    'FLOW definitions, last page': await time(flow('workflowDefinitions', lastPage)),
    'FLOW executions, first page': await time(flow('executions', 1)),
    'FLOW executions, last page': await time(flow('executions', lastPage)),
    'Kontent items, first page': await time(kontent(undefined)),
    'Kontent items, last page': await time(kontent(token)),
  };
}
