import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdmContext, type IdmContext } from '../../src/apis/idm/context.js';
import { OpenidmError } from '../../src/apis/idm/openidm/router.js';
import { userGrantsProvider } from '../../src/apis/iga/openidm/user-grants.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/commands.js';
import { defaultIds } from '../../src/runtime/ids.js';
import { JobExecutor, JobQueue } from '../../src/runtime/jobs.js';
import { type TestStore, testStores } from '../../src/store/test-stores.js';

describe.each(testStores())('the openidm script object on $name', (factory) => {
  let store: TestStore;
  let idm: IdmContext;
  const ids = defaultIds(systemClock);

  beforeAll(async () => {
    store = await factory.create();
    idm = createIdmContext({
      db: store.db,
      clock: systemClock,
      ids,
      logger: silentLogger,
      config: parseConfig({}),
      jobs: new JobQueue(systemClock, ids),
      runtime: new Runtime({ db: store.db, clock: systemClock, ids }),
      executor: new JobExecutor({ db: store.db, clock: systemClock, ids }),
    });
  });
  afterAll(() => store.close());

  it('creates, reads, patches, queries and deletes managed objects with IDM script signatures', async () => {
    const openidm = idm.openidm.bind(store.db, 'openidm-admin');
    const role = (await openidm.create('managed/role', null, { name: 'Engineering' })) as { _id: string };
    const user = (await openidm.create('managed/user', 'bj', {
      userName: 'bjensen',
      givenName: 'B',
      sn: 'J',
      mail: 'b@example.com',
    })) as { _id: string; _rev: string };
    expect(user._id).toBe('bj');
    await openidm.patch('managed/user/bj', user._rev, [
      { operation: 'add', field: '/roles/-', value: { _ref: `managed/role/${role._id}` } },
    ]);
    const read = (await openidm.read('managed/user/bj', null, ['*', 'roles'])) as {
      roles: { _refResourceId: string }[];
    };
    expect(read.roles.map((r) => r._refResourceId)).toEqual([role._id]);
    const byName = (await openidm.query('managed/user', { _queryId: 'for-userName', uid: 'bjensen' })) as {
      result: { _id: string }[];
    };
    expect(byName.result.map((u) => u._id)).toEqual(['bj']);
    const filtered = (await openidm.query('managed/user', { _queryFilter: 'sn eq "J"' }, ['userName'])) as {
      result: object[];
    };
    expect(filtered.result).toEqual([{ _id: 'bj', _rev: '2', userName: 'bjensen' }]);
    expect(await openidm.read('managed/user/nobody')).toBeNull();
    await openidm.delete('managed/user/bj', null);
    expect(await openidm.read('managed/user/bj')).toBeNull();
  });

  it('grants and removes applications and roles through iga/governance/user/{id} (the IGA provisioning calls)', async () => {
    idm.openidm.mount('iga/governance/user', userGrantsProvider(idm.managed));
    const openidm = idm.openidm.bind(store.db, 'system');
    await openidm.create('managed/alpha_application', 'app1', { name: 'Payroll' });
    await openidm.create('managed/role', 'rg', { name: 'Grantees' });
    await openidm.create('managed/user', 'g1', { userName: 'g1', givenName: 'G', sn: 'One', mail: 'g1@example.com' });
    const payload = {
      applicationId: 'app1',
      startDate: '2026-01-01',
      endDate: null,
      auditContext: {},
      grantType: 'request',
    };
    expect(
      await openidm.action('iga/governance/user/g1/applications', 'POST', payload, { _action: 'add' }),
    ).toMatchObject({ changed: true });
    expect(
      await openidm.action('iga/governance/user/g1/applications', 'POST', payload, { _action: 'add' }),
    ).toMatchObject({ changed: false });
    await openidm.action('iga/governance/user/g1/roles', 'POST', { roleId: 'rg' }, { _action: 'add' });
    const user = (await openidm.read('managed/user/g1', null, ['applications', 'roles'])) as Record<
      string,
      { _refResourceId: string; _refProperties: Record<string, unknown> }[]
    >;
    expect(user.applications!.map((a) => a._refResourceId)).toEqual(['app1']);
    expect(user.applications![0]!._refProperties).toMatchObject({ startDate: '2026-01-01', grantType: 'request' });
    expect(user.roles!.map((a) => a._refResourceId)).toEqual(['rg']);
    await openidm.action('iga/governance/user/g1/roles', 'POST', { roleId: 'rg' }, { _action: 'remove' });
    expect(((await openidm.read('managed/user/g1', null, ['roles'])) as { roles: unknown[] }).roles).toEqual([]);
    await expect(
      openidm.action('iga/governance/user/g1/roles', 'POST', { roleId: 'rg' }, { _action: 'remove' }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(
      openidm.action('iga/governance/user/g1/roles', 'POST', { roleId: 'nope' }, { _action: 'add' }),
    ).rejects.toMatchObject({ code: 400 });
  });

  it('keeps repo documents (repo/ui/notification) and queries them', async () => {
    const openidm = idm.openidm.bind(store.db, 'system');
    const n = (await openidm.create('repo/ui/notification/', null, { receiverId: 'u1', message: 'Welcome' })) as {
      _id: string;
    };
    await openidm.create('repo/ui/notification', null, { receiverId: 'u2', message: 'Other' });
    expect(await openidm.read(`repo/ui/notification/${n._id}`)).toMatchObject({ _rev: '1', receiverId: 'u1' });
    const q = (await openidm.query('repo/ui/notification', { _queryFilter: 'receiverId eq "u1"' })) as {
      result: { message: string }[];
    };
    expect(q.result.map((r) => r.message)).toEqual(['Welcome']);
  });

  it('answers errors as OpenidmError with the CREST status: unknown resources, policy failures, stale revisions', async () => {
    const openidm = idm.openidm.bind(store.db, 'system');
    await expect(openidm.read('system/ldap/account/x')).rejects.toMatchObject({ code: 404 });
    await expect(openidm.create('managed/user', null, { userName: 'nobody' })).rejects.toBeInstanceOf(OpenidmError);
    await expect(openidm.create('managed/user', null, { userName: 'nobody' })).rejects.toMatchObject({
      code: 403,
      message: 'Policy validation failed',
    });
    const r = (await openidm.create('managed/role', null, { name: 'Rev' })) as { _id: string };
    await expect(openidm.update(`managed/role/${r._id}`, '7', { name: 'Rev2' })).rejects.toMatchObject({ code: 412 });
  });

  it("writes inside the caller's transaction: a rolled-back command leaves no managed object behind", async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await idm.openidm.bind(tx, 'system').create('managed/role', 'ghost', { name: 'Ghost' });
        expect(await idm.openidm.bind(tx, 'system').read('managed/role/ghost')).toMatchObject({ name: 'Ghost' });
        throw new Error('the script fails after the create');
      }),
    ).rejects.toThrow('the script fails');
    expect(await idm.openidm.bind(store.db, 'system').read('managed/role/ghost')).toBeNull();
  });
});

describe('realm-prefixed managed object names (PingOne AIC)', () => {
  it('reads and writes managed/alpha_user and alpha_role refs as the plain types', async () => {
    const [factory] = testStores();
    const store = await factory!.create();
    const ids = defaultIds(systemClock);
    const idm = createIdmContext({
      db: store.db,
      clock: systemClock,
      ids,
      logger: silentLogger,
      config: parseConfig({}),
      jobs: new JobQueue(systemClock, ids),
      runtime: new Runtime({ db: store.db, clock: systemClock, ids }),
      executor: new JobExecutor({ db: store.db, clock: systemClock, ids }),
    });
    const openidm = idm.openidm.bind(store.db, 'system');
    const role = (await openidm.create('managed/alpha_role', 'r1', { name: 'Sales' })) as { _id: string };
    await openidm.create('managed/alpha_user', 'u1', {
      userName: 'u1',
      givenName: 'U',
      sn: 'One',
      mail: 'u1@example.com',
      roles: [{ _ref: `managed/alpha_role/${role._id}` }],
    });
    expect(await openidm.read('managed/user/u1', null, ['roles/name'])).toMatchObject({
      roles: [{ _ref: 'managed/role/r1', name: 'Sales' }],
    });
    await store.close();
  });
});
