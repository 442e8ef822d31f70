/**
 * Demo data (`pnpm start --demo`, `WFKIT_DEMO=1`): a small, realistic data set loaded through the four public APIs
 * (the app's own `fetch` with the configured credentials), never through tables, so it keeps working whatever the
 * engine does inside. Bodies the specs document as examples are taken from the specs themselves.
 *
 * Refuses a store that already holds data (unless forced) and skips one that already has the demo: idempotent.
 */
import type { WfkitApp } from '@wfkit/engine';

export class DemoRefused extends Error {
  override name = 'DemoRefused';
}

export interface DemoReport {
  loaded: boolean;
  /** Why nothing was loaded, or what was. */
  summary: string[];
}

type Json = Record<string, any>;

/** One API call through the app, failing loudly: demo data that half-loads would mislead. */
function caller(app: WfkitApp) {
  const { config } = app;
  const user = config.idm.users.find((u) => u.roles.includes('openidm-admin')) ?? config.idm.users[0];
  const auth: Record<string, Record<string, string>> = {
    idm: user ? { 'X-OpenIDM-Username': user.username, 'X-OpenIDM-Password': user.password } : {},
    kontent: { Authorization: `Bearer ${config.kontent.apiKey}` },
    iga: { Authorization: `Bearer ${config.iga.token}` },
    flow: { api_key: config.flow.apiKey, 'X-Frankie-CustomerID': config.flow.customerId },
  };
  return async (api: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await app.fetch(
      new Request(`http://wfkit.demo${path}`, {
        method,
        headers: { ...auth[api], ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {} };
  };
}

/** A request body example of the spec the app serves. */
function example(app: WfkitApp, api: string, operationId: string, name: string): Json {
  const spec = app.apis.find((m) => m.name === api)?.spec as Json | undefined;
  for (const item of Object.values<Json>(spec?.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      if (op?.operationId !== operationId) continue;
      let ex = op.requestBody?.content?.['application/json']?.examples?.[name];
      if (ex?.$ref)
        ex = String(ex.$ref)
          .slice(2)
          .split('/')
          .reduce<Json | undefined>((o, k) => o?.[k], spec);
      if (ex?.value) return structuredClone(ex.value);
    }
  }
  throw new Error(`demo: the ${api} spec has no request example "${name}" for ${operationId}`);
}

const ok = (r: { status: number; body: Json }, what: string) => {
  if (r.status >= 300) throw new Error(`demo: ${what} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
};

/** What is in the store, per API, through the APIs' list operations. */
async function inventory(call: ReturnType<typeof caller>, env: string) {
  const idm = await call('idm', 'GET', '/openidm/workflow/model?_queryFilter=true&_fields=_id,name');
  const kontent = await call('kontent', 'GET', `/v2/projects/${env}/items`);
  const iga = await call('iga', 'GET', '/auto/orchestration/definition?_queryFilter=true');
  // A fresh store has the built-in IGA definitions already: what a user made shows as requests.
  const igaRequests = await call('iga', 'GET', '/iga/governance/requests?_queryFilter=true');
  const flow = await call('flow', 'GET', '/v2/workflowDefinitions');
  const names = {
    idm: (idm.body.result ?? []).map((m: Json) => m.name as string),
    kontent: (kontent.body.items ?? []).map((i: Json) => i.codename as string),
    iga: (iga.body.result ?? []).map((d: Json) => d.id as string),
    igaRequests: (igaRequests.body.result ?? []).map((r: Json) => r.id as string),
    flow: (flow.body.workflowDefinitions ?? flow.body.items ?? []).map(
      (d: Json) => (d.id ?? d.workflowDefinitionId) as string,
    ),
  };
  return names;
}

/** The demo's managed objects (ids are stable, so examples and tests can name them). */
export const DEMO_IDENTITIES = {
  roles: [
    ['demo-managers', 'Managers'],
    ['demo-employees', 'Employees'],
    ['demo-payroll-admins', 'Payroll administrators'],
  ],
  applications: [
    ['demo-wiki', 'Wiki'],
    ['demo-payroll', 'Payroll'],
  ],
  entitlements: [
    ['demo-payroll-approver', 'Payroll approver', 'demo-payroll'],
    ['demo-wiki-editor', 'Wiki editor', 'demo-wiki'],
  ],
} as const;

/**
 * IGA bearer tokens that act as the demo's managed users (`WFKIT_IGA_USERS` under `--demo` when it is unset): dev
 * values, printed in the banner like every default credential.
 */
export const DEMO_IGA_USERS = [
  { token: 'wfkit-dev-iga-mgarcia', userId: 'demo-manager' },
  { token: 'wfkit-dev-iga-jsmith', userId: 'demo-employee' },
  { token: 'wfkit-dev-iga-akumar', userId: 'demo-contractor' },
] as const;

export const demoIgaUsersSetting = () => DEMO_IGA_USERS.map((u) => `${u.token}:${u.userId}`).join(',');

export const DEMO = {
  kontentItem: 'on_roasts',
  kontentWorkflow: 'editorial_review',
  igaDefinition: 'contractorApplicationGrant',
  flowDefinition: 'demo-onboarding',
} as const;

/**
 * Loads the demo into the app's store. `force` loads into a store that has other data (the demo's own objects are
 * still never loaded twice).
 */
export async function loadDemo(app: WfkitApp, options: { force?: boolean } = {}): Promise<DemoReport> {
  await app.ready;
  const call = caller(app);
  const env = app.config.kontent.environmentId;
  const have = await inventory(call, env);
  if (have.kontent.includes(DEMO.kontentItem) && have.iga.includes(DEMO.igaDefinition)) {
    return { loaded: false, summary: ['demo data already loaded: nothing to do'] };
  }
  const count = have.idm.length + have.kontent.length + have.igaRequests.length + have.flow.length;
  if (count > 0 && !options.force) {
    throw new DemoRefused(
      `the store already holds data (${have.idm.length} IDM models, ${have.kontent.length} Kontent items, ` +
        `${have.igaRequests.length} IGA requests, ${have.flow.length} FLOW definitions); demo data goes into an empty ` +
        'store only. Use another WFKIT_DATA_DIR, or WFKIT_DEMO=force (--demo=force) to add it anyway.',
    );
  }
  const summary: string[] = [];

  // IDM: the contractor-onboarding process, deployed, with one instance waiting at the manager's approval.
  const model = ok(
    await call(
      'idm',
      'POST',
      '/openidm/workflow/model?_action=create',
      example(app, 'idm', 'createOrValidateModel', 'create'),
    ),
    'IDM model create',
  );
  ok(await call('idm', 'POST', `/openidm/workflow/model/${model._id}?_action=deploy`, {}), 'IDM deploy');
  const started = ok(
    await call('idm', 'POST', '/openidm/workflow/processinstance?_action=create', {
      _key: 'contractorOnboarding',
      userName: 'jdoe',
      givenName: 'Jane',
      sn: 'Doe',
      mail: 'jane.doe@example.com',
      department: 'Engineering',
      startDate: '2026-07-01',
    }),
    'IDM start',
  );
  summary.push(`IDM: contractorOnboarding deployed; instance ${started._id} waits at "Approve Contractor"`);

  // IDM identities: a manager and two reports, roles, applications and entitlements, as the IGA requests name them.
  const put = async (type: string, id: string, body: Json) =>
    ok(await call('idm', 'PUT', `/openidm/managed/${type}/${id}`, body), `IDM managed/${type}/${id}`);
  for (const [id, name] of DEMO_IDENTITIES.roles) await put('role', id, { name, description: `${name} (demo role)` });
  const person = (userName: string, givenName: string, sn: string) => ({
    userName,
    givenName,
    sn,
    mail: `${userName}@example.com`,
  });
  await put('user', 'demo-manager', {
    ...person('mgarcia', 'Maria', 'Garcia'),
    roles: [{ _ref: 'managed/role/demo-managers' }],
  });
  // Owned by the manager: IGA's built-in grant workflows ask the owner to approve.
  for (const [id, name] of DEMO_IDENTITIES.applications)
    await put('application', id, { name, owners: [{ _ref: 'managed/user/demo-manager' }] });
  for (const [id, userName, given, sn] of [
    ['demo-employee', 'jsmith', 'John', 'Smith'],
    ['demo-contractor', 'akumar', 'Anil', 'Kumar'],
  ] as const)
    await put('user', id, {
      ...person(userName, given, sn),
      manager: { _ref: 'managed/user/demo-manager' },
      roles: [{ _ref: 'managed/role/demo-employees' }],
      applications: [{ _ref: 'managed/application/demo-wiki' }],
    });
  for (const [id, name, app] of DEMO_IDENTITIES.entitlements)
    await put('entitlement', id, { name, application: { _ref: `managed/application/${app}` } });
  summary.push(
    'IDM: managed users demo-manager (mgarcia) and her reports demo-employee, demo-contractor; roles, applications, entitlements',
  );

  // Kontent: a content type, a workflow of our own scoped to it, items with variants in that workflow.
  const type = ok(
    await call('kontent', 'POST', `/v2/projects/${env}/types`, example(app, 'kontent', 'addContentType', 'article')),
    'Kontent type',
  );
  ok(
    await call('kontent', 'POST', `/v2/projects/${env}/workflows`, {
      name: 'Editorial review',
      codename: DEMO.kontentWorkflow,
      scopes: [{ content_types: [{ id: type.id }], collections: [] }],
      steps: [
        {
          name: 'Writing',
          codename: 'writing',
          color: 'sky-blue',
          transitions_to: [{ step: { codename: 'editing' } }],
          role_ids: [],
        },
        {
          name: 'Editing',
          codename: 'editing',
          color: 'rose',
          transitions_to: [{ step: { codename: 'writing' } }, { step: { codename: 'published' } }],
          role_ids: [],
        },
      ],
      published_step: { unpublish_role_ids: [], create_new_version_role_ids: [] },
      archived_step: { role_ids: [] },
    }),
    'Kontent workflow',
  );
  const items = [
    {
      codename: DEMO.kontentItem,
      name: 'On Roasts',
      title: 'On Roasts',
      body: '<p>Roasting coffee beans can take from 6 to 13 minutes.</p>',
    },
    {
      codename: 'brewing_guide',
      name: 'Brewing guide',
      title: 'Brewing guide',
      body: '<p>Pour-over, French press and espresso, step by step.</p>',
    },
  ];
  for (const item of items) {
    ok(
      await call('kontent', 'POST', `/v2/projects/${env}/items`, {
        name: item.name,
        codename: item.codename,
        type: { codename: 'article' },
      }),
      `Kontent item ${item.codename}`,
    );
    ok(
      await call('kontent', 'PUT', `/v2/projects/${env}/items/codename/${item.codename}/variants/codename/default`, {
        elements: [
          { element: { codename: 'title' }, value: item.title },
          { element: { codename: 'body' }, value: item.body },
        ],
      }),
      `Kontent variant ${item.codename}`,
    );
  }
  ok(
    await call(
      'kontent',
      'PUT',
      `/v2/projects/${env}/items/codename/${DEMO.kontentItem}/variants/codename/default/change-workflow`,
      {
        workflow_identifier: { codename: DEMO.kontentWorkflow },
        step_identifier: { codename: 'editing' },
      },
    ),
    'Kontent change-workflow',
  );
  summary.push(
    `Kontent: type "article", workflow "${DEMO.kontentWorkflow}", items ${items.map((i) => i.codename).join(', ')}`,
  );

  // IGA: a published orchestration definition, and an access request waiting for approval.
  ok(
    await call(
      'iga',
      'POST',
      '/auto/orchestration/definition?_action=create',
      example(app, 'iga', 'orchestrationDefinitionAction', 'create'),
    ),
    'IGA create',
  );
  ok(
    await call('iga', 'POST', '/auto/orchestration/definition?_action=publish', { id: DEMO.igaDefinition }),
    'IGA publish',
  );
  // Payroll for the demo employee: the built-in BasicApplicationGrant asks the application's owner, demo-manager, to
  // approve; she signs in with her own token (DEMO_IGA_USERS).
  const request = ok(
    await call('iga', 'POST', '/iga/governance/requests?_action=create', {
      ...example(app, 'iga', 'requestsAction', 'grantApplication'),
      users: ['demo-employee'],
      catalogs: [{ type: 'application', id: 'demo-payroll' }],
    }),
    'IGA request',
  );
  summary.push(
    `IGA: ${DEMO.igaDefinition} published; request ${request.result?.[0]?.id ?? '?'} waits for demo-manager's approval`,
  );

  // FLOW: a definition with two published versions and one execution.
  const flowBody = example(app, 'flow', 'createOrUpdateWorkflowDefinition', 'onboardingDraft');
  delete flowBody.id;
  const flowPath = `/v2/workflowDefinitions/${DEMO.flowDefinition}`;
  ok(await call('flow', 'PUT', flowPath, { ...flowBody, isDraft: false }), 'FLOW publish v1');
  ok(
    await call('flow', 'PUT', flowPath, { ...flowBody, description: 'Onboarding, second revision', isDraft: false }),
    'FLOW publish v2',
  );
  const execution = ok(
    await call(
      'flow',
      'POST',
      `${flowPath}/execute`,
      example(app, 'flow', 'executeWorkflowDefinition', 'latestWithInput'),
    ),
    'FLOW execute',
  );
  summary.push(
    `FLOW: ${DEMO.flowDefinition} versions 1 and 2; execution ${execution.workflowExecution?.workflowExecutionId ?? '?'}`,
  );

  return { loaded: true, summary };
}
