/**
 * The public OpenIDM sample workflows, as they are (no edits), run end to end through the IDM API and change the
 * managed objects they name. The samples are not in the clone: `node scripts/fetch-openidm-samples.mjs` brings them
 * into a cache folder (test/helpers/openidm-samples.ts); without it this suite skips and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmApiModule } from '../../src/apis/idm/index.js';
import type { IdmEndpoint } from '../../src/apis/idm/openidm/endpoint-provider.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';
import { FETCH_COMMAND, openidmSamples, samplesDir } from '../helpers/openidm-samples.js';

const samples = openidmSamples();
if (!samples)
  console.warn(
    `openidm-samples: skipped — the OpenIDM samples are not in ${samplesDir()}; run \`${FETCH_COMMAND}\` ` +
      '(WFKIT_OPENIDM_MIRROR=<git dir> to copy them from a local mirror)',
  );

const BASE = 'http://localhost:8080';
// IDM's users: the requester, a manager (the contractor sample's candidate group), the usecase's HR manager (its
// candidate user is the managed user's _id, which the usecase keeps equal to the userName).
const config = parseConfig({
  WFKIT_IDM_USERS:
    'openidm-admin:openidm-admin:openidm-admin,bjensen:bjpw:openidm-authorized,jdoe:jdpw:openidm-authorized|manager,hrmanager:hrpw:openidm-authorized,' +
    'uemployee:uepw:openidm-authorized,umanager:umpw:openidm-authorized,systemadmin:sapw:openidm-authorized',
});
const as = (user: string, password: string) => ({ 'X-OpenIDM-Username': user, 'X-OpenIDM-Password': password });
const ADMIN = as('openidm-admin', 'openidm-admin');
const BJENSEN = as('bjensen', 'bjpw');
const JDOE = as('jdoe', 'jdpw');
const HRMANAGER = as('hrmanager', 'hrpw');
const UEMPLOYEE = as('uemployee', 'uepw');
const UMANAGER = as('umanager', 'umpw');
const SYSTEMADMIN = as('systemadmin', 'sapw');

/** The usecase sample's custom endpoint, as its conf/endpoint-getusermanager.json names it. */
function usecaseEndpoints(): Record<string, IdmEndpoint> {
  if (!samples?.has('usecase/conf/endpoint-getusermanager.json')) return {};
  const conf = JSON.parse(samples.read('usecase/conf/endpoint-getusermanager.json')) as { type: string; file: string };
  return { getusermanager: { type: conf.type, source: samples.read(`usecase/${conf.file}`) } };
}
const idmModule = createIdmApiModule({ endpoints: usecaseEndpoints() });

/** Samples wfkit refuses at deploy, and why (what it would need); every other sample deploys as it is. */
const REFUSED: Record<string, string> = {
  // Java classes inside Groovy (org.json.JSONArray) and a C-style `for (int i = 0; …)`.
  'usecase/workflow/certificationEntitlements.bpmn20.xml': "Groovy script of 'patchManagedRole' does not compile",
};

describe.skipIf(!samples).each(testStores())('OpenIDM sample workflows on $name', (factory) => {
  let store: TestStore;
  let app: WfkitApp;

  async function call(method: string, path: string, opts: { body?: unknown; user?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(opts.user ?? ADMIN) };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = new Request(`${BASE}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const res = await app.fetch(req);
    await expectMatchesSpec(idmModule, req, res);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  /** Deploys a sample file as it is, through a model as an IDM admin would. */
  async function deploySample(file: string) {
    const bpmnXML = samples!.read(file);
    const m = await call('POST', '/openidm/workflow/model?_action=create', { body: { name: file, bpmnXML } });
    expect(m.status, JSON.stringify(m.json)).toBe(201);
    const d = await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
    expect(d.status, JSON.stringify(d.json)).toBe(200);
  }

  async function start(key: string, user: Record<string, string>, variables: Record<string, unknown>) {
    const r = await call('POST', '/openidm/workflow/processinstance?_action=create', {
      user,
      body: { _key: key, ...variables },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json._id as string;
  }

  /** The instance's one open task, as the user sees it among the unassigned tasks they may claim. */
  async function claimable(instanceId: string, user: Record<string, string>) {
    const q = await call('GET', '/openidm/workflow/taskinstance?_queryId=unassignedTaskQuery', { user });
    expect(q.status, JSON.stringify(q.json)).toBe(200);
    const task = q.json.result.find((t: { processInstanceId: string }) => t.processInstanceId === instanceId);
    expect(task, `no claimable task of ${instanceId} for ${user['X-OpenIDM-Username']}`).toBeDefined();
    return task as { _id: string; name: string; taskDefinitionKey: string };
  }

  async function claimAndComplete(taskId: string, user: Record<string, string>, variables: Record<string, unknown>) {
    const userId = user['X-OpenIDM-Username'];
    const claim = await call('POST', `/openidm/workflow/taskinstance/${taskId}?_action=claim`, {
      user,
      body: { userId },
    });
    expect(claim.json).toEqual({ 'Task action performed': 'claim' });
    const done = await call('POST', `/openidm/workflow/taskinstance/${taskId}?_action=complete`, {
      user,
      body: variables,
    });
    expect(done.json).toEqual({ 'Task action performed': 'complete' });
  }

  async function ended(instanceId: string) {
    expect((await call('GET', `/openidm/workflow/processinstance/${instanceId}`)).status).toBe(404);
    const h = await call('GET', `/openidm/workflow/processinstance/history/${instanceId}`);
    expect(h.status, JSON.stringify(h.json)).toBe(200);
    expect(h.json.endTime).toBeTruthy();
    return h.json;
  }

  async function userByName(userName: string, fields = '*,manager') {
    const q = await call(
      'GET',
      `/openidm/managed/user?_queryFilter=${encodeURIComponent(`userName eq "${userName}"`)}&_fields=${fields}`,
    );
    expect(q.status, JSON.stringify(q.json)).toBe(200);
    return q.json.result as Record<string, any>[];
  }

  /** IDM's generic repository documents of a collection (`ui/notification`): what the samples write besides users. */
  async function repoDocuments(collection: string) {
    const { rows } = await store.db.query<{ id: string; body: unknown }>(
      'SELECT id, body FROM idm_repo_object WHERE collection = $1 ORDER BY id',
      [collection],
    );
    return rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, any>);
  }

  beforeAll(async () => {
    store = await factory.create();
    app = createApp({
      store: store.db,
      apis: [idmModule],
      config,
      jobs: { start: false },
      // An endpoint call runs a script inside a script: on a busy machine its worker may first have to load QuickJS.
      runtime: { scriptLimits: { timeoutMs: 15_000 } },
      docs: false,
    });
    await app.ready;
    // The people the samples look up: the requester and the usecase's HR manager.
    for (const [id, user] of [
      ['bjensen', { userName: 'bjensen', givenName: 'Barbara', sn: 'Jensen', mail: 'bjensen@example.com' }],
      [
        'hrmanager',
        {
          userName: 'hrmanager',
          givenName: 'Harriet',
          sn: 'Manager',
          mail: 'hrmanager@example.com',
          department: 'Human Resources',
          title: 'manager',
        },
      ],
      ['superadmin', { userName: 'superadmin', givenName: 'Super', sn: 'Admin', mail: 'superadmin@example.com' }],
      ['umanager', { userName: 'umanager', givenName: 'Uma', sn: 'Manager', mail: 'umanager@example.com' }],
      [
        'uemployee',
        {
          userName: 'uemployee',
          givenName: 'Ulf',
          sn: 'Employee',
          mail: 'uemployee@example.com',
          department: 'Sales & Distribution',
          accounts: ['Project'],
          manager: { _ref: 'managed/user/umanager' },
        },
      ],
    ] as const) {
      const r = await call('POST', `/openidm/managed/user?_action=create`, { body: { _id: id, ...user } });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
    }
    await deploySample('workflow/workflow/contractorOnboarding.bpmn20.xml');
    await deploySample('usecase/workflow/newUserCreate.bpmn20.xml');
    await deploySample('usecase/workflow/accessRequest.bpmn20.xml');
    await deploySample('usecase/workflow/sunrise.bpmn20.xml');
    await deploySample('usecase/workflow/sunset.bpmn20.xml');
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('deploys every workflow sample as it is, except the ones wfkit names a reason for', async () => {
    for (const file of samples!.files.filter((f) => f.endsWith('.bpmn20.xml'))) {
      const short = Object.keys(REFUSED).find((k) => file.endsWith(k));
      const m = await call('POST', '/openidm/workflow/model?_action=create', {
        body: { name: `deploy check ${file}`, bpmnXML: samples!.read(file) },
      });
      const d = await call('POST', `/openidm/workflow/model/${m.json._id}?_action=deploy`);
      if (short) {
        expect(d.status, file).toBe(400);
        expect(JSON.stringify(d.json), file).toContain(REFUSED[short]);
      } else expect(d.status, `${file}: ${JSON.stringify(d.json)}`).toBe(200);
    }
  });

  // The contractor form's fields (contractorForm.xhtml / the start event's form properties).
  const contractor = {
    userName: 'ccontractor',
    givenName: 'Casey',
    sn: 'Contractor',
    department: 'Engineering',
    jobTitle: 'Consultant',
    telephoneNumber: '+1 555 0100',
    mail: 'casey.contractor@example.com',
    startDate: '2027-01-04',
    endDate: '2027-06-30',
    description: 'Six months on the data platform',
    provisionToXML: false,
  };

  it(`contractor onboarding (provisioning-with-workflow sample): a manager accepts, the contractor is a managed user managed by the requester`, async () => {
    const id = await start('contractorOnboarding', BJENSEN, contractor);
    const task = await claimable(id, JDOE);
    expect(task).toMatchObject({ name: 'Approve Contractor', taskDefinitionKey: 'decideApprovalTask' });
    // Not for a user outside the `manager` group.
    const other = await call('GET', '/openidm/workflow/taskinstance?_queryId=unassignedTaskQuery', { user: BJENSEN });
    expect(other.json.result.map((t: { _id: string }) => t._id)).not.toContain(task._id);
    await claimAndComplete(task._id, JDOE, { decision: 'accept' });
    await ended(id);

    const [user] = await userByName('ccontractor');
    expect(user).toMatchObject({
      userName: 'ccontractor',
      givenName: 'Casey',
      sn: 'Contractor',
      mail: 'casey.contractor@example.com',
      department: 'Engineering',
      jobTitle: 'Consultant',
      telephoneNumber: '+1 555 0100',
      startDate: '2027-01-04',
      endDate: '2027-06-30',
      description: 'Six months on the data platform',
      provisionToXML: false,
      accountStatus: 'active',
    });
    expect(user!.manager).toMatchObject({ _ref: 'managed/user/bjensen' });
    const reports = await call('GET', '/openidm/managed/user/bjensen?_fields=reports');
    expect(reports.json.reports.map((r: { _ref: string }) => r._ref)).toEqual([`managed/user/${user!._id}`]);

    // The accept notice: a UI notification for each, and the password-reset call it makes over external/rest.
    const notes = await repoDocuments('ui/notification');
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          receiverId: user!._id,
          message: 'Welcome! Your work days are from 2027-01-04 to 2027-06-30',
        }),
        expect.objectContaining({ receiverId: 'bjensen', message: 'OpenIDM created user ccontractor' }),
      ]),
    );
    const rest = await repoDocuments('external/rest');
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatchObject({
      method: 'POST',
      url: 'https://localhost:8443/openidm/selfservice/reset?_action=submitRequirements',
      headers: { 'X-OpenIDM-Username': 'anonymous', 'Accept-Language': 'en-US,en' },
      status: 'recorded',
      calledBy: 'bjensen',
    });
    expect(JSON.parse(rest[0]!.body)).toEqual({ input: { queryFilter: '/userName eq "ccontractor"' } });
  });

  it('contractor onboarding: a manager rejects, no user is created and the requester is told', async () => {
    const id = await start('contractorOnboarding', BJENSEN, { ...contractor, userName: 'rcontractor' });
    const task = await claimable(id, JDOE);
    await claimAndComplete(task._id, JDOE, { decision: 'reject' });
    await ended(id);
    expect(await userByName('rcontractor')).toEqual([]);
    expect(await repoDocuments('ui/notification')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          receiverId: 'bjensen',
          notificationType: 'warning',
          message: 'Your request to create user rcontractor was denied.',
        }),
      ]),
    );
  });

  // The usecase sample's onboarding (nUCStartForm.xhtml, then nUCDecideApprovalForm.xhtml for the department's
  // manager, who is a candidate user by managed user id).
  it('user onboarding with approval (usecase sample newUserCreate): the department manager accepts, the employee exists', async () => {
    const id = await start('newUserCreate', BJENSEN, {
      userName: 'nemployee',
      givenName: 'Noor',
      sn: 'Employee',
      mail: 'noor.employee@example.com',
      country: 'US',
      city: 'Springfield',
      stateProvince: 'IL',
      postalCode: '62701',
      address1: '1 Main St',
      telephoneNumber: '+1 555 0111',
      department: 'Human Resources',
      employeeNumber: '1042',
      displayName: 'Noor Employee',
      userType: 'employee',
      emailEnabled: true,
    });
    const task = await claimable(id, HRMANAGER);
    expect(task).toMatchObject({ name: 'Onboarding Approval', taskDefinitionKey: 'decideApprovalTask' });
    expect(
      (
        await call('GET', '/openidm/workflow/taskinstance?_queryId=unassignedTaskQuery', { user: JDOE })
      ).json.result.map((t: { _id: string }) => t._id),
    ).not.toContain(task._id);
    await claimAndComplete(task._id, HRMANAGER, {
      decision: 'accept',
      title: 'no',
      startDate: '2027-02-01',
      endDate: '2027-12-31',
    });
    await ended(id);

    const read = await call('GET', '/openidm/managed/user/nemployee?_fields=*,manager');
    expect(read.status, JSON.stringify(read.json)).toBe(200);
    expect(read.json).toMatchObject({
      _id: 'nemployee',
      userName: 'nemployee',
      givenName: 'Noor',
      department: 'Human Resources',
      employeeNumber: '1042',
      userType: 'employee',
      accounts: ['Business'],
      accountStatus: 'inactive',
      sunrise: { date: '2027-02-01T00:00:00.0Z' },
      sunset: { date: '2027-12-31T00:00:00.0Z' },
      manager: { _ref: 'managed/user/hrmanager' },
    });
    expect(read.json.password).toBeUndefined();
    const emails = await repoDocuments('external/email');
    expect(emails.map((e) => e.body).sort()).toEqual([
      'The requested user nemployee was successfully created',
      'Welcome! Your work days are from 2027-02-01 to 2027-12-31',
    ]);
  });

  // The usecase sample's access request: the user asks for systems, a manager (from the sample's getusermanager
  // endpoint) and then the system administrator approve, and the user's accounts are patched.
  it('access request with two approvals (usecase sample accessRequest): the managed user gets the systems asked for', async () => {
    const id = await start('accessRequest', UEMPLOYEE, {});
    const vars = (await call('GET', `/openidm/workflow/processinstance/${id}`)).json.processVariables;
    expect(vars.candidateManagers).toEqual(['superadmin', 'umanager']);
    const mine = await call('GET', `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${id}`, {
      user: UEMPLOYEE,
    });
    const request = mine.json.result[0];
    expect(request).toMatchObject({ name: 'User Access Request', assignee: 'uemployee' });
    const form = await call('GET', `/openidm/workflow/taskinstance/${request._id}`, { user: UEMPLOYEE });
    expect(form.json.formProperties).toEqual(expect.arrayContaining([{ business: false }, { project: true }]));
    const asked = await call('POST', `/openidm/workflow/taskinstance/${request._id}?_action=complete`, {
      user: UEMPLOYEE,
      body: { business: true, project: false, emailEnabled: true, request: 'accept' },
    });
    expect(asked.json).toEqual({ 'Task action performed': 'complete' });

    const approval = await claimable(id, UMANAGER);
    expect(approval).toMatchObject({ name: 'User Access Request Approval', taskDefinitionKey: 'managerApproval' });
    await claimAndComplete(approval._id, UMANAGER, { managerDecision: 'accept' });
    const admin = await call('GET', `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${id}`, {
      user: SYSTEMADMIN,
    });
    expect(admin.json.result[0]).toMatchObject({ taskDefinitionKey: 'administratorApproval', assignee: 'systemadmin' });
    const done = await call('POST', `/openidm/workflow/taskinstance/${admin.json.result[0]._id}?_action=complete`, {
      user: SYSTEMADMIN,
      body: { adminDecision: 'accept' },
    });
    expect(done.json).toEqual({ 'Task action performed': 'complete' });
    await ended(id);

    const user = await call('GET', '/openidm/managed/user/uemployee');
    expect(user.json.accounts).toEqual(['Business']);
    expect(await repoDocuments('ui/notification')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ receiverId: 'uemployee', message: 'The access request was accepted' }),
      ]),
    );
    expect(await repoDocuments('external/email')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ to: 'notification@example.com', body: 'The access request was accepted' }),
      ]),
    );
  });

  /** A contractor of the usecase sample, with the dates its task scanner looks at. */
  async function contractorWithDates(id: string, dates: Record<string, unknown>) {
    const r = await call('POST', '/openidm/managed/user?_action=create', {
      body: {
        _id: id,
        userName: id,
        givenName: 'Terry',
        sn: 'Term',
        mail: `${id}@example.com`,
        department: 'Production Planning',
        employeeNumber: '77',
        manager: { _ref: 'managed/user/umanager' },
        ...dates,
      },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
  }

  // The usecase's task scanner (schedule-taskscan_sunrise.json, script/sunrise.js) starts sunrise with
  // {_key: 'sunrise', userId: objectID}; wfkit has no task scanner, so the test starts it the same way over the API.
  it('sunrise (usecase sample): the user whose start date has come is activated', async () => {
    await contractorWithDates('srise', { accountStatus: 'inactive', sunrise: { date: '2027-02-01T00:00:00.0Z' } });
    const id = await start('sunrise', ADMIN, { userId: 'managed/user/srise' });
    await ended(id);
    const user = (await call('GET', '/openidm/managed/user/srise')).json;
    expect(user.accountStatus).toBe('active');
    expect(user.sunrise).toEqual({ dateProcessed: '2027-02-01T00:00:00.0Z' });
    expect(await repoDocuments('ui/notification')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ receiverId: 'srise', message: 'Your account was successfully activated.' }),
      ]),
    );
  });

  it('sunset (usecase sample): the manager accepts the termination, the user is deactivated', async () => {
    await contractorWithDates('sset', { sunset: { date: '2027-06-30T00:00:00.0Z' } });
    const id = await start('sunset', ADMIN, { userId: 'managed/user/sset' });
    const tasks = await call('GET', `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${id}`, {
      user: UMANAGER,
    });
    expect(tasks.json.result[0]).toMatchObject({ name: 'Contract Termination', assignee: 'umanager' });
    const done = await call('POST', `/openidm/workflow/taskinstance/${tasks.json.result[0]._id}?_action=complete`, {
      user: UMANAGER,
      body: { decision: 'accept' },
    });
    expect(done.json).toEqual({ 'Task action performed': 'complete' });
    await ended(id);
    const user = (await call('GET', '/openidm/managed/user/sset')).json;
    expect(user.accountStatus).toBe('inactive');
    expect(user.sunset).toEqual({ dateProcessed: '2027-06-30T00:00:00.0Z' });
  });

  it('sunset (usecase sample): the manager extends the contract, the end date moves', async () => {
    await contractorWithDates('sext', { sunset: { date: '2027-06-30T00:00:00.0Z' } });
    const id = await start('sunset', ADMIN, { userId: 'managed/user/sext' });
    const tasks = await call('GET', `/openidm/workflow/taskinstance?_queryId=filtered-query&processInstanceId=${id}`, {
      user: UMANAGER,
    });
    await call('POST', `/openidm/workflow/taskinstance/${tasks.json.result[0]._id}?_action=complete`, {
      user: UMANAGER,
      body: { decision: 'modify', endDate: '2027-12-31' },
    });
    await ended(id);
    const user = (await call('GET', '/openidm/managed/user/sext')).json;
    expect(user.accountStatus).toBe('active');
    expect(user.sunset).toEqual({ date: '2027-12-31T00:00:00.0Z' });
    expect(await repoDocuments('ui/notification')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ receiverId: 'umanager', message: 'Contract of sext was extended' }),
      ]),
    );
  });
});
