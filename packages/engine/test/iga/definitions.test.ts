import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStores } from '../../src/store/test-stores.js';
import { definition, type IgaHarness, igaHarness } from './helpers.js';

const ORCH = '/auto/orchestration/definition';
const GOV = '/iga/governance/workflow';
const BUILT_INS = [
  'BasicApplicationGrant',
  'BasicApplicationRemove',
  'BasicEntitlementGrant',
  'BasicEntitlementRemove',
  'BasicRoleGrant',
  'BasicRoleRemove',
];

describe.each(testStores())('IGA workflow definitions on $name', (factory) => {
  let h: IgaHarness;
  beforeAll(async () => {
    h = await igaHarness(factory);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('built-in definitions and request types', () => {
    it('starts with the built-in published, immutable definitions, each of which validates', async () => {
      const r = await h.call('GET', `${ORCH}?_queryFilter=${encodeURIComponent('mutable eq false')}`);
      const ids = r.body.result.map((d: { id: string }) => d.id);
      for (const id of [...BUILT_INS, 'BasicRoleCreate', 'BasicViolationProcess', 'CreateUser', 'extendGrantEndDate'])
        expect(ids).toContain(id);
      expect(r.body.totalCount).toBe(17);
      expect(r.body.result.every((d: { status: string }) => d.status === 'published')).toBe(true);
      const one = await h.call('GET', `${GOV}/BasicApplicationGrant/published`);
      expect(one.body).toMatchObject({ id: 'BasicApplicationGrant', status: 'published', mutable: false, _rev: 1 });
      const v = await h.call('POST', `${ORCH}?_action=validate`, { body: one.body });
      expect(v.body).toEqual({ valid: true, errors: [] });
    });

    it('binds the request types to the built-in workflows', async () => {
      const r = await h.call('GET', '/iga/governance/requestTypes');
      const byId = Object.fromEntries(
        r.body.result.map((t: { id: string; workflow: { id: string } }) => [t.id, t.workflow.id]),
      );
      expect(byId).toMatchObject({
        applicationGrant: 'BasicApplicationGrant',
        applicationRemove: 'BasicApplicationRemove',
        entitlementGrant: 'BasicEntitlementGrant',
        entitlementRemove: 'BasicEntitlementRemove',
        roleGrant: 'BasicRoleGrant',
        roleRemove: 'BasicRoleRemove',
        extendEndDate: 'extendGrantEndDate',
      });
      const filtered = await h.call(
        'GET',
        `/iga/governance/requestTypes?_queryFilter=${encodeURIComponent('workflow/id eq "BasicRoleGrant"')}`,
      );
      expect(filtered.body.result.map((t: { id: string }) => t.id)).toEqual(['roleGrant']);
      expect((await h.call('GET', '/iga/governance/requestTypes/grantEntitlement')).status).toBe(404);
    });

    it('refuses drafts, updates and deletes of built-in definitions (403)', async () => {
      const body = { ...(await h.call('GET', `${GOV}/BasicRoleGrant/published`)).body };
      expect((await h.call('POST', `${GOV}?_action=create`, { body })).status).toBe(403);
      expect((await h.call('PUT', `${GOV}/BasicRoleGrant`, { body })).status).toBe(403);
      expect((await h.call('POST', `${ORCH}?_action=publish`, { body: { id: 'BasicRoleGrant' } })).status).toBe(403);
      expect((await h.call('DELETE', `${ORCH}/BasicRoleGrant/published`)).status).toBe(403);
      expect((await h.call('DELETE', `${GOV}/BasicRoleGrant/published?force=true`)).status).toBe(403);
      expect((await h.call('GET', `${GOV}/BasicRoleGrant/published`)).status).toBe(200);
    });

    it('rebinds a request type to another published workflow (and only to a published one)', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('rebindTarget') });
      const refused = await h.call('PATCH', '/iga/governance/requestTypes/entitlementGrant?_useLowLevelApi=true', {
        body: [{ operation: 'replace', field: '/workflow/id', value: 'rebindTarget' }],
      });
      expect(refused.status).toBe(400);
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'rebindTarget' } });
      const before = (await h.call('GET', '/iga/governance/requestTypes/entitlementGrant')).body;
      const r = await h.call('PATCH', '/iga/governance/requestTypes/entitlementGrant?_useLowLevelApi=true', {
        body: [{ operation: 'replace', field: '/workflow/id', value: 'rebindTarget' }],
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ workflow: { id: 'rebindTarget' }, _rev: before._rev + 1 });
      expect((await h.call('GET', '/iga/governance/requestTypes/entitlementGrant')).body.workflow.id).toBe(
        'rebindTarget',
      );
      // A bound definition can't be deleted, even by force.
      expect((await h.call('DELETE', `${ORCH}/rebindTarget/published`)).status).toBe(409);
    });
  });

  describe('drafts', () => {
    it('creates a draft (201, _rev 0, Location) and reads it; the published slot stays 404 {message}', async () => {
      const r = await h.call('POST', `${ORCH}?_action=create`, {
        body: definition('wfCreate', { displayName: undefined, description: undefined }),
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        id: 'wfCreate',
        status: 'draft',
        _rev: 0,
        mutable: true,
        displayName: 'wfCreate',
        description: '',
        childType: false,
      });
      expect(r.headers.get('location')).toBe(`${ORCH}/wfCreate/draft`);
      expect((await h.call('GET', `${GOV}/wfCreate/draft`)).body.id).toBe('wfCreate');
      const miss = await h.call('GET', `${GOV}/wfCreate/published`);
      expect(miss.status).toBe(404);
      expect(miss.body.message).toBe('Workflow with id: wfCreate was not found');
    });

    it('refuses a second draft for the same id (409)', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfTwice') });
      const r = await h.call('POST', `${ORCH}?_action=create`, { body: definition('wfTwice', { name: 'other' }) });
      expect(r.status).toBe(409);
      expect(r.body.message).toContain('A draft already exists');
      expect((await h.call('GET', `${GOV}/wfTwice/draft`)).body.name).toBe('wfTwice');
    });

    it('lets exactly one of two simultaneous creates win', async () => {
      const [a, b] = await Promise.all([
        h.call('POST', `${GOV}?_action=create`, { body: definition('wfRace', { name: 'A' }) }),
        h.call('POST', `${ORCH}?_action=create`, { body: definition('wfRace', { name: 'B' }) }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const winner = a.status === 201 ? 'A' : 'B';
      expect((await h.call('GET', `${GOV}/wfRace/draft`)).body.name).toBe(winner);
    });

    it('updates the draft with PUT, keeping _rev; refuses an id mismatch, a published-only id and an unknown id', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfPut') });
      const r = await h.call('PUT', `${GOV}/wfPut`, { body: definition('wfPut', { displayName: 'Edited' }) });
      expect(r.body).toMatchObject({ displayName: 'Edited', _rev: 0, status: 'draft' });
      const mismatch = await h.call('PUT', `${ORCH}/wfPut`, { body: definition('other') });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.errors).toEqual([expect.objectContaining({ rule: 'idMismatch', field: '/id' })]);
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'wfPut' } });
      const notDraft = await h.call('PUT', `${GOV}/wfPut`, { body: definition('wfPut') });
      expect(notDraft.status).toBe(409);
      expect(notDraft.body.message).toBe('Workflow must be in draft to update');
      expect((await h.call('PUT', `${GOV}/nobody`, { body: definition('nobody') })).status).toBe(404);
    });

    it('deletes a draft with the recorded message and keeps the published definition', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfDel') });
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'wfDel' } });
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfDel') });
      const r = await h.call('DELETE', `${GOV}/wfDel/draft`);
      expect(r.body).toEqual({ message: 'Definition with id:wfDel deleted successfully' });
      expect((await h.call('GET', `${GOV}/wfDel/draft`)).status).toBe(404);
      expect((await h.call('GET', `${ORCH}/wfDel/published`)).status).toBe(200);
      expect((await h.call('DELETE', `${ORCH}/wfDel/draft`)).status).toBe(404);
    });
  });

  describe('publishing', () => {
    it('publishes the draft (_rev + 1), removes it, and a later draft starts at the published _rev', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfPub') });
      const p1 = await h.call('POST', `${ORCH}?_action=publish`, { body: { id: 'wfPub' } });
      expect(p1.body).toMatchObject({ id: 'wfPub', status: 'published', _rev: 1 });
      expect((await h.call('GET', `${GOV}/wfPub/draft`)).status).toBe(404);
      const d2 = await h.call('POST', `${GOV}?_action=create`, { body: definition('wfPub', { displayName: 'v2' }) });
      expect(d2.body._rev).toBe(1);
      const p2 = await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'wfPub' } });
      expect(p2.body).toMatchObject({ _rev: 2, displayName: 'v2' });
      const list = await h.call('GET', `${GOV}?_queryFilter=${encodeURIComponent('id eq "wfPub"')}`);
      expect(list.body.result.map((d: { status: string }) => d.status)).toEqual(['published']);
    });

    it('publishes a full body by replacing the draft first, as the UI and frodo do', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfFull') });
      const r = await h.call('POST', `${GOV}?_action=publish`, {
        body: { ...definition('wfFull', { displayName: 'Full' }), status: 'draft', _rev: 0 },
      });
      expect(r.body).toMatchObject({ displayName: 'Full', status: 'published', _rev: 1 });
    });

    it('refuses to publish an invalid draft (400 with every problem) and keeps the draft unchanged', async () => {
      const bad = definition('wfBad');
      bad.steps[2].approvalTask.nextStep[1].step = 'scriptTask-000000000000';
      await h.call('POST', `${GOV}?_action=create`, { body: bad });
      const r = await h.call('POST', `${GOV}?_action=publish`, { body: { ...bad, displayName: 'changed' } });
      expect(r.status).toBe(400);
      expect(r.body.message).toBe("Workflow wfBad is not valid and can't be published");
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          rule: 'unknownNextStep',
          step: 'approvalTask-000000000003',
          field: '/steps/2/approvalTask/nextStep/1/step',
        }),
      ]);
      expect((await h.call('GET', `${GOV}/wfBad/draft`)).body.displayName).toBe('Workflow wfBad');
      expect((await h.call('GET', `${GOV}/wfBad/published`)).status).toBe(404);
    });

    it('answers 404 when there is no draft to publish', async () => {
      const r = await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'noDraftHere' } });
      expect(r.status).toBe(404);
    });
  });

  describe('deleting published definitions', () => {
    it('refuses the governance delete without force (409) and deletes an unused one with force', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfGone') });
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'wfGone' } });
      expect((await h.call('DELETE', `${GOV}/wfGone/published`)).status).toBe(409);
      const r = await h.call('DELETE', `${GOV}/wfGone/published?force=true`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: 'wfGone', status: 'published' });
      expect((await h.call('GET', `${GOV}/wfGone/published`)).status).toBe(404);
      expect((await h.call('DELETE', `${ORCH}/wfGone/published`)).status).toBe(404);
    });

    it('refuses a forced delete while an in-progress request runs the definition', async () => {
      await h.call('POST', `${GOV}?_action=create`, { body: definition('wfBusy') });
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'wfBusy' } });
      await h.app
        .db()
        .query(
          `INSERT INTO iga_requests (id, request_type, workflow_id, status, created_at) VALUES ('r1', 'applicationGrant', 'wfBusy', 'in-progress', now())`,
        );
      const r = await h.call('DELETE', `${ORCH}/wfBusy/published`);
      expect(r.status).toBe(409);
      expect(r.body.message).toContain('1 in-progress requests');
      await h.app.db().query(`UPDATE iga_requests SET status = 'complete' WHERE id = 'r1'`);
      expect((await h.call('DELETE', `${ORCH}/wfBusy/published`)).status).toBe(200);
    });
  });

  describe('listing', () => {
    it('lists drafts and published definitions with status, paged by offset and by searchAfterKey', async () => {
      for (const id of ['pgA', 'pgB', 'pgC']) await h.call('POST', `${GOV}?_action=create`, { body: definition(id) });
      await h.call('POST', `${GOV}?_action=publish`, { body: { id: 'pgB' } });
      await h.call('POST', `${GOV}?_action=create`, { body: definition('pgB') });
      const q = encodeURIComponent('id sw "pg"');
      const all = await h.call('GET', `${GOV}?_queryFilter=${q}`);
      expect(all.body.result.map((d: { id: string; status: string }) => `${d.id}:${d.status}`)).toEqual([
        'pgA:draft',
        'pgB:draft',
        'pgB:published',
        'pgC:draft',
      ]);
      const p1 = await h.call('GET', `${GOV}?_queryFilter=${q}&_pageSize=2`);
      expect(p1.body).toMatchObject({ resultCount: 2, totalCount: 4 });
      const p2 = await h.call('GET', `${GOV}?_queryFilter=${q}&_pageSize=2&_searchAfter=${p1.body.searchAfterKey}`);
      expect(p2.body.result.map((d: { id: string }) => d.id)).toEqual(['pgB', 'pgC']);
      expect(p2.body.searchAfterKey).toBeNull();
      const off = await h.call('GET', `${ORCH}?_queryFilter=${q}&_pageSize=1&_pagedResultsOffset=3&_fields=name`);
      expect(off.body.result).toEqual([{ id: 'pgC', status: 'draft', name: 'pgC' }]);
      const drafts = await h.call(
        'GET',
        `${ORCH}?_queryFilter=${encodeURIComponent('status eq "draft" and id sw "pg"')}&_sortKeys=-id`,
      );
      expect(drafts.body.result.map((d: { id: string }) => d.id)).toEqual(['pgC', 'pgB', 'pgA']);
      const text = await h.call('GET', `${GOV}?_queryString=WORKFLOW%20PGA`);
      expect(text.body.result.map((d: { id: string }) => d.id)).toEqual(['pgA']);
      expect((await h.call('GET', `${GOV}?_queryFilter=${encodeURIComponent('id eq')}`)).status).toBe(400);
    });
  });

  describe('authentication and helpers', () => {
    it('answers 401 Access Denied without a valid bearer token', async () => {
      const r = await h.call('GET', ORCH, { headers: { authorization: undefined } });
      expect(r.status).toBe(401);
      expect(r.body.message).toBe('Access Denied');
      expect((await h.call('GET', ORCH, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    });

    it('validates scripts and expressions with line and column, and serves the default script', async () => {
      const ok = await h.call('POST', '/auto/orchestration/script?_action=validate', {
        body: { script: 'var a = 1;\nreturn a;' },
      });
      expect(ok.body).toEqual({ valid: true, errors: [] });
      const bad = await h.call('POST', '/auto/orchestration/script?_action=validate', {
        body: { script: 'a ==', isExpression: true },
      });
      expect(bad.body.valid).toBe(false);
      expect(bad.body.errors[0]).toMatchObject({ line: 1 });
      const d = await h.call('GET', '/auto/orchestration/defaultScript');
      expect(d.headers.get('content-type')).toContain('text/plain');
      expect(d.body).toMatch(/^\/\*\nScript nodes are used to invoke APIs or execute business logic\.[\s\S]*\*\/$/);
    });
  });
});
