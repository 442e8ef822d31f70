import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSaveRecord } from '../../src/apis/flow/repository/index.js';
import { testStores } from '../../src/store/test-stores.js';
import {
  CHILD_A,
  CHILD_B,
  CHILD_KEY,
  CUSTOMER,
  definition,
  type FlowHarness,
  flowHarness,
  OTHER_CUSTOMER,
  OTHER_KEY,
  ULID,
} from './helpers.js';

const base = '/v2/workflowDefinitions';

describe.each(testStores())('FLOW workflow definitions on $name', (factory) => {
  let h: FlowHarness;
  beforeAll(async () => {
    h = await flowHarness(factory);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('saving, publishing and reading', () => {
    it('saves a draft as version -1 with a ULID versionId, defaults and the caller as createdBy', async () => {
      const r = await h.call('PUT', `${base}/draft-one`, {
        body: definition({ tags: undefined }),
        headers: { 'X-Frankie-Username': 'fred' },
      });
      expect(r.status).toBe(200);
      const d = r.body.workflowDefinition;
      expect(d).toMatchObject({
        id: 'draft-one',
        version: -1,
        isDraft: true,
        versions: [],
        owner: 'SYSTEM',
        isTemplate: false,
        tags: [],
      });
      expect(d.versionId).toMatch(ULID);
      expect(r.body.requestId).toMatch(ULID);
      expect(d.createdBy).toBe('fred');
      expect(d.createdAt).toBe(h.clock.now().toISOString());
    });

    it('replaces the draft on every save with a new versionId, keeping createdAt/By and updating updatedAt/By', async () => {
      const first = (
        await h.call('PUT', `${base}/draft-two`, { body: definition(), headers: { 'X-Frankie-Username': 'ann' } })
      ).body.workflowDefinition;
      h.clock.advance(60_000);
      const second = (await h.call('PUT', `${base}/draft-two`, { body: definition({ name: 'Renamed' }) })).body
        .workflowDefinition;
      expect(second.versionId).not.toBe(first.versionId);
      expect(second).toMatchObject({
        version: -1,
        name: 'Renamed',
        createdBy: 'ann',
        createdAt: first.createdAt,
        updatedBy: 'SYSTEM',
      });
      expect(second.updatedAt).toBe(h.clock.now().toISOString());
      const read = await h.call('GET', `${base}/draft-two/draft`);
      expect(read.body.workflowDefinition.name).toBe('Renamed');
    });

    it('publishes versions 1, 2, 3 with new versionIds and keeps the draft', async () => {
      await h.call('PUT', `${base}/pub/`.slice(0, -1), { body: definition({ name: 'draft body' }) });
      const ids = new Set<string>();
      for (const n of [1, 2, 3]) {
        const r = await h.call('PUT', `${base}/pub`, { body: definition({ isDraft: false, name: `v${n}` }) });
        expect(r.body.workflowDefinition).toMatchObject({
          version: n,
          isDraft: false,
          versions: Array.from({ length: n }, (_, i) => i + 1),
        });
        ids.add(r.body.workflowDefinition.versionId);
      }
      expect(ids.size).toBe(3);
      const draft = await h.call('GET', `${base}/pub/draft`);
      expect(draft.status).toBe(200);
      expect(draft.body.workflowDefinition).toMatchObject({ name: 'draft body', version: -1, versions: [1, 2, 3] });
    });

    it('reads the latest published version, a given version, and 404s for a missing one', async () => {
      for (const name of ['one', 'two'])
        await h.call('PUT', `${base}/reads`, { body: definition({ isDraft: false, name }) });
      const latest = await h.call('GET', `${base}/reads`);
      expect(latest.body.workflowDefinition).toMatchObject({ version: 2, name: 'two' });
      const v1 = await h.call('GET', `${base}/reads/versions/1`);
      expect(v1.body.workflowDefinition).toMatchObject({ version: 1, name: 'one', versions: [1, 2] });
      const v9 = await h.call('GET', `${base}/reads/versions/9`);
      expect(v9.status).toBe(404);
      expect(v9.body.errorCode).toBe('API-1010');
      expect((await h.call('GET', `${base}/nothing-here`)).status).toBe(404);
    });

    it('answers 404 "has no published version" for a draft-only definition', async () => {
      await h.call('PUT', `${base}/only-draft`, { body: definition() });
      const r = await h.call('GET', `${base}/only-draft`);
      expect(r.status).toBe(404);
      expect(r.body.errorMsg).toContain('has no published version');
    });

    it('lists versions paged and sorted, with the draft beside them', async () => {
      await h.call('PUT', `${base}/versioned`, { body: definition() });
      for (let i = 0; i < 3; i++) await h.call('PUT', `${base}/versioned`, { body: definition({ isDraft: false }) });
      const desc = await h.call('GET', `${base}/versioned/versions?limit=2`);
      expect(desc.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2]);
      expect(desc.body.meta).toMatchObject({ page: 1, limit: 2, count: 2, total: 3, sort: 'desc' });
      expect(desc.body.draft).toMatchObject({ version: -1, isDraft: true });
      const asc = await h.call('GET', `${base}/versioned/versions?limit=2&page=2&sort=asc`);
      expect(asc.body.versions.map((v: { version: number }) => v.version)).toEqual([3]);
      expect((await h.call('GET', `${base}/unknown/versions`)).status).toBe(404);
    });

    it("accepts FrankieOne's documented sample (an HTTP task without url) as a published version", async () => {
      const r = await h.call('PUT', `${base}/customer-verification-workflow`, {
        body: {
          id: 'customer-verification-workflow',
          name: 'Customer Verification Workflow',
          tasks: [
            {
              id: 'verify-identity',
              name: 'Verify identity',
              description: 'Calls the verification service',
              configuration: { type: 'HTTP' },
              errorHandling: {
                ignoreErrors: false,
                fallbackState: {},
                retryConfig: { maxAttempts: 3, delayMs: 1000, backoffFactor: 2 },
              },
            },
          ],
          description: 'Workflow to verify new customer identities',
          owner: 'SYSTEM',
          isDraft: false,
          isTemplate: false,
          tags: ['customer-verification', 'kyc'],
          initialState: { name: 'John Doe', age: 30 },
          versions: [1, 2, 3],
          version: 3,
          versionId: '01KCNG5VAH4ZQC5T1H4A2ZZHWA',
          createdAt: '2023-01-01T12:00:00Z',
          updatedAt: '2023-01-02T14:30:00Z',
          createdBy: 'John Doe',
          updatedBy: 'Jane Smith',
        },
      });
      expect(r.status).toBe(200);
      expect(r.body.workflowDefinition).toMatchObject({ version: 1, versions: [1] });
      expect(r.body.workflowDefinition.versionId).not.toBe('01KCNG5VAH4ZQC5T1H4A2ZZHWA');
    });
  });

  describe('listing and deleting', () => {
    it("lists the customer's definitions with latest version, hasDraft, paging and filters", async () => {
      const child = { 'X-Frankie-CustomerChildID': CHILD_B };
      await h.call('PUT', `${base}/list-a`, { body: definition({ tags: ['aml'] }), headers: child });
      h.clock.advance(1000);
      await h.call('PUT', `${base}/list-b`, { body: definition({ isDraft: false, isTemplate: true }), headers: child });
      h.clock.advance(1000);
      await h.call('PUT', `${base}/list-c`, { body: definition({ isDraft: false }), headers: child });
      const all = await h.call('GET', `${base}`, { headers: child });
      expect(all.body.workflowDefinitions.map((d: { id: string }) => d.id)).toEqual(['list-c', 'list-b', 'list-a']);
      expect(all.body.meta).toMatchObject({
        total: 3,
        count: 3,
        page: 1,
        limit: 20,
        sort: 'desc',
        sortFields: ['updatedAt'],
      });
      const a = all.body.workflowDefinitions[2];
      expect(a).toMatchObject({ latestVersion: null, latestVersionId: null, hasDraft: true, versions: [] });
      expect(all.body.workflowDefinitions[0]).toMatchObject({ latestVersion: 1, hasDraft: false, versions: [1] });
      const page2 = await h.call('GET', `${base}?limit=2&page=2&sort=asc&sortFields=id`, { headers: child });
      expect(page2.body.workflowDefinitions.map((d: { id: string }) => d.id)).toEqual(['list-c']);
      expect(page2.body.meta).toMatchObject({ total: 3, count: 1 });
      const tagged = await h.call('GET', `${base}?tag=aml`, { headers: child });
      expect(tagged.body.workflowDefinitions.map((d: { id: string }) => d.id)).toEqual(['list-a']);
      const templates = await h.call('GET', `${base}?isTemplate=true`, { headers: child });
      expect(templates.body.workflowDefinitions.map((d: { id: string }) => d.id)).toEqual(['list-b']);
    });

    it('deletes a draft, keeps published versions, and removes a draft-only definition altogether', async () => {
      await h.call('PUT', `${base}/del-1`, { body: definition({ isDraft: false }) });
      await h.call('PUT', `${base}/del-1`, { body: definition({ name: 'Work in progress' }) });
      expect((await h.call('DELETE', `${base}/del-1/draft`)).status).toBe(204);
      expect((await h.call('GET', `${base}/del-1/draft`)).status).toBe(404);
      expect((await h.call('GET', `${base}/del-1`)).body.workflowDefinition.version).toBe(1);
      const summary = (await h.call('GET', `${base}?sortFields=id&sort=asc&limit=100`)).body.workflowDefinitions.find(
        (d: { id: string }) => d.id === 'del-1',
      );
      expect(summary).toMatchObject({ hasDraft: false, latestVersion: 1, name: 'Customer Verification Workflow' });
      const again = await h.call('DELETE', `${base}/del-1/draft`);
      expect(again.status).toBe(404);
      expect(again.body.errorCode).toBe('API-1010');

      await h.call('PUT', `${base}/del-2`, { body: definition(), headers: { 'X-Frankie-Username': 'first' } });
      await h.call('DELETE', `${base}/del-2/draft`);
      expect((await h.call('GET', `${base}/del-2/versions`)).status).toBe(404);
      const fresh = await h.call('PUT', `${base}/del-2`, {
        body: definition(),
        headers: { 'X-Frankie-Username': 'second' },
      });
      expect(fresh.body.workflowDefinition.createdBy).toBe('second');
    });
  });

  describe('validation', () => {
    const invalid = async (id: string, body: unknown) => {
      const r = await h.call('PUT', `${base}/${id}`, { body });
      expect(r.status).toBe(400);
      expect(r.body.errorCode).toBe('VAL-0400');
      expect((await h.call('GET', `${base}/${id}/draft`)).status).toBe(404);
      return r.body.details as { issue: string; issueLocation: string; issueType: string }[];
    };
    const task = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      configuration: { type: 'HTTP', url: 'https://x.test' },
      ...extra,
    });

    it('refuses duplicate task ids', async () => {
      const d = await invalid('v-dup', definition({ tasks: [task('a'), task('a')] }));
      expect(d).toContainEqual(expect.objectContaining({ issueLocation: 'tasks[1].id', issueType: 'DUPLICATE' }));
    });

    it('refuses dependsOn naming a task that does not exist, and self-dependencies', async () => {
      const d = await invalid(
        'v-deps',
        definition({ tasks: [task('a'), task('b', { dependsOn: ['a', 'nope'] }), task('c', { dependsOn: ['c'] })] }),
      );
      expect(d).toContainEqual(
        expect.objectContaining({ issueLocation: 'tasks[1].dependsOn[1]', issueType: 'UNKNOWN_REFERENCE' }),
      );
      expect(d).toContainEqual(expect.objectContaining({ issueLocation: 'tasks[2].dependsOn[0]', issueType: 'CYCLE' }));
      expect(d).toHaveLength(2);
    });

    it('refuses a dependency cycle', async () => {
      const d = await invalid(
        'v-cycle',
        definition({
          tasks: [task('a', { dependsOn: ['c'] }), task('b', { dependsOn: ['a'] }), task('c', { dependsOn: ['b'] })],
        }),
      );
      expect(d).toEqual([expect.objectContaining({ issueType: 'CYCLE', issueLocation: 'tasks[0].dependsOn' })]);
      expect(d[0]!.issue).toContain('a → c → b → a');
    });

    it('refuses unknown task types and properties of another type', async () => {
      const d = await invalid(
        'v-types',
        definition({
          tasks: [
            { id: 'a', configuration: { type: 'FTP' } },
            { id: 'b', configuration: { type: 'WAIT', url: 'https://x.test' } },
          ],
        }),
      );
      expect(d.some((x) => x.issueLocation === 'tasks[0].configuration.type')).toBe(true);
      expect(d.some((x) => x.issueLocation.startsWith('tasks[1].configuration'))).toBe(true);
    });

    it('refuses errorHandling and defaultErrorHandling values out of range', async () => {
      const d = await invalid(
        'v-eh',
        definition({
          tasks: [task('a', { errorHandling: { retryConfig: { maxAttempts: 11 } } })],
          defaultErrorHandling: { retryConfig: { maxAttempts: 2, backoffFactor: 0.5, delayMs: -1 } },
        }),
      );
      expect(d).toContainEqual(
        expect.objectContaining({
          issueLocation: 'tasks[0].errorHandling.retryConfig.maxAttempts',
          issueType: 'OUT_OF_RANGE',
        }),
      );
      expect(d).toContainEqual(
        expect.objectContaining({
          issueLocation: 'defaultErrorHandling.retryConfig.backoffFactor',
          issueType: 'OUT_OF_RANGE',
        }),
      );
      expect(d).toContainEqual(
        expect.objectContaining({
          issueLocation: 'defaultErrorHandling.retryConfig.delayMs',
          issueType: 'OUT_OF_RANGE',
        }),
      );
    });

    it('refuses variables of unknown type, defaults of the wrong type, and duplicate names', async () => {
      const d1 = await invalid(
        'v-var1',
        definition({
          variables: [
            { name: 'x', type: 'DATE' },
            { name: 'n', type: 'NUMBER', default: 'ten' },
          ],
        }),
      );
      expect(d1.some((x) => x.issueLocation === 'variables[0].type')).toBe(true);
      expect(d1.some((x) => x.issueLocation === 'variables[1].default')).toBe(true);
      const d2 = await invalid(
        'v-var2',
        definition({
          variables: [
            { name: 'email', type: 'STRING' },
            { name: 'email', type: 'STRING' },
          ],
        }),
      );
      expect(d2).toContainEqual(
        expect.objectContaining({ issueLocation: 'variables[1].name', issueType: 'DUPLICATE' }),
      );
    });

    it('refuses template references that do not resolve, each with its location', async () => {
      const d = await invalid(
        'v-tpl',
        definition({
          tasks: [
            task('a', {
              configuration: {
                type: 'HTTP',
                url: 'https://x.test/{{variables.customerMail}}',
                headers: { 'X-Id': '{{state.unknownKey}}' },
              },
            }),
            task('b', {
              configuration: {
                type: 'HTTP',
                url: 'https://x.test',
                body: { items: ['{{tasks.c.output.id}}'], run: '{{execution.owner}}' },
              },
            }),
            task('c', { configuration: { type: 'HTTP', url: '{{tasks.a.output.url}}' } }),
          ],
        }),
      );
      expect(d).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ issueLocation: 'tasks[0].configuration.url', issueType: 'UNRESOLVED_REFERENCE' }),
          expect.objectContaining({
            issueLocation: 'tasks[0].configuration.headers.X-Id',
            issueType: 'UNRESOLVED_REFERENCE',
          }),
          expect.objectContaining({
            issueLocation: 'tasks[1].configuration.body.items[0]',
            issueType: 'UNRESOLVED_REFERENCE',
          }),
          expect.objectContaining({
            issueLocation: 'tasks[1].configuration.body.run',
            issueType: 'UNRESOLVED_REFERENCE',
          }),
          expect.objectContaining({ issueLocation: 'tasks[2].configuration.url', issueType: 'UNRESOLVED_REFERENCE' }),
        ]),
      );
      expect(d).toHaveLength(5);
    });

    it('refuses templates and conditions that do not parse', async () => {
      const d = await invalid(
        'v-syntax',
        definition({
          tasks: [
            task('a', {
              condition: 'variables.email == ',
              configuration: { type: 'HTTP', url: 'https://x.test/{{variables.email' },
            }),
            {
              id: 'b',
              dependsOn: ['a'],
              configuration: { type: 'DECISION', cases: [{ when: 'tasks.a.status = "COMPLETED"', result: 'OK' }] },
            },
            task('c', { configuration: { type: 'HTTP', url: 'https://x.test/{{ email }}' } }),
          ],
        }),
      );
      expect(d).toEqual([
        expect.objectContaining({ issueLocation: 'tasks[0].condition', issueType: 'INVALID_EXPRESSION' }),
        expect.objectContaining({ issueLocation: 'tasks[0].configuration.url', issueType: 'INVALID_TEMPLATE' }),
        expect.objectContaining({
          issueLocation: 'tasks[1].configuration.cases[0].when',
          issueType: 'INVALID_EXPRESSION',
        }),
        expect.objectContaining({ issueLocation: 'tasks[2].configuration.url', issueType: 'INVALID_TEMPLATE' }),
      ]);
    });

    it('accepts every kind of resolvable reference, literal braces and conditions', async () => {
      const r = await h.call('PUT', `${base}/v-ok`, {
        body: definition({
          tasks: [
            { id: 'set', configuration: { type: 'SET_VARIABLES', values: { riskLevel: 'LOW' } } },
            task('a', {
              dependsOn: ['set'],
              configuration: {
                type: 'HTTP',
                url: 'https://x.test/{{execution.id}}/{{state.riskLevel}}/{{state.name}}',
                body: '\\{{ not a template',
              },
            }),
            task('b', {
              dependsOn: ['a'],
              condition: '(tasks.set.status == "COMPLETED" && !state.age) || variables.email != null',
              configuration: { type: 'HTTP', url: '{{tasks.set.output.riskLevel}}' },
            }),
            {
              id: 'd',
              dependsOn: ['b'],
              configuration: { type: 'DECISION', cases: [{ when: 'tasks.b.output.status >= 200', result: 'OK' }] },
            },
          ],
        }),
      });
      expect(r.status).toBe(200);
    });

    it('refuses publishing a definition without tasks (a draft may have none)', async () => {
      const d = await invalid('v-empty', definition({ tasks: [], isDraft: false }));
      expect(d).toEqual([expect.objectContaining({ issueLocation: 'tasks', issueType: 'REQUIRED' })]);
      expect((await h.call('PUT', `${base}/v-empty-draft`, { body: definition({ tasks: [] }) })).status).toBe(200);
    });

    it("refuses a body id that differs from the path's", async () => {
      const d = await invalid('v-id', definition({ id: 'something-else' }));
      expect(d).toEqual([expect.objectContaining({ issueLocation: 'id', issueType: 'INVALID_VALUE' })]);
    });

    it('refuses a body that is not JSON, naming the whole body', async () => {
      const r = await h.call('PUT', `${base}/v-json`, { raw: '{"name":' });
      expect(r.status).toBe(400);
      expect(r.body.details[0].issueLocation).toBe('$');
    });
  });

  describe('headers, authentication and isolation', () => {
    it('answers 401 AUTH-0401 for a missing or unknown api_key, before validating', async () => {
      const missing = await h.call('GET', base, { headers: { api_key: undefined, 'X-Frankie-CustomerID': undefined } });
      expect(missing.status).toBe(401);
      expect(missing.body.errorCode).toBe('AUTH-0401');
      expect((await h.call('GET', base, { headers: { api_key: 'wrong' } })).status).toBe(401);
    });

    it('answers 400 naming header:X-Frankie-CustomerID when it is missing', async () => {
      const r = await h.call('GET', base, { headers: { 'X-Frankie-CustomerID': undefined } });
      expect(r.status).toBe(400);
      expect(r.body.details).toEqual([
        expect.objectContaining({ issueLocation: 'header:X-Frankie-CustomerID', issueType: 'REQUIRED' }),
      ]);
    });

    it('answers 403 AUTH-0403 when the key is not issued for the customer, after validating the request', async () => {
      const r = await h.call('GET', base, { headers: { 'X-Frankie-CustomerID': OTHER_CUSTOMER } });
      expect(r.status).toBe(403);
      expect(r.body.errorCode).toBe('AUTH-0403');
      const invalidToo = await h.call('PUT', `${base}/x`, {
        body: { name: 'x' },
        headers: { 'X-Frankie-CustomerID': OTHER_CUSTOMER },
      });
      expect(invalidToo.status).toBe(400);
      const put = await h.call('PUT', `${base}/x`, {
        body: definition(),
        headers: { 'X-Frankie-CustomerID': OTHER_CUSTOMER },
      });
      expect(put.status).toBe(403);
    });

    it('answers 403 for a child id the key is not issued for', async () => {
      const ok = await h.call('GET', base, { headers: { api_key: CHILD_KEY, 'X-Frankie-CustomerChildID': CHILD_A } });
      expect(ok.status).toBe(200);
      const r = await h.call('GET', base, { headers: { api_key: CHILD_KEY, 'X-Frankie-CustomerChildID': CHILD_B } });
      expect(r.status).toBe(403);
      expect(r.body.details).toEqual([
        expect.objectContaining({ issueLocation: 'header:X-Frankie-CustomerChildID', issueType: 'FORBIDDEN' }),
      ]);
    });

    it('keeps only the first 64 characters of X-Frankie-Channel and records X-Frankie-RequestID', async () => {
      const channel = `portal-${'x'.repeat(100)}`;
      const r = await h.call('PUT', `${base}/channel`, {
        body: definition(),
        headers: { 'X-Frankie-Channel': channel, 'X-Frankie-RequestID': 'caller-req-1' },
      });
      expect(r.status).toBe(200);
      const record = await readSaveRecord(h.app.db(), { customerId: CUSTOMER, childId: '' }, 'channel', -1);
      expect(record).toEqual({ channel: channel.slice(0, 64), client_request_id: 'caller-req-1' });
    });

    it('isolates definitions per customer and per child id (404, never 403)', async () => {
      await h.call('PUT', `${base}/isolated`, { body: definition({ isDraft: false }) });
      const other = { api_key: OTHER_KEY, 'X-Frankie-CustomerID': OTHER_CUSTOMER };
      const r = await h.call('GET', `${base}/isolated`, { headers: other });
      expect(r.status).toBe(404);
      expect(
        (await h.call('GET', base, { headers: other })).body.workflowDefinitions.map((d: { id: string }) => d.id),
      ).not.toContain('isolated');
      expect(
        (await h.call('GET', `${base}/isolated`, { headers: { 'X-Frankie-CustomerChildID': CHILD_A } })).status,
      ).toBe(404);
      await h.call('PUT', `${base}/child-only`, {
        body: definition({ isDraft: false }),
        headers: { 'X-Frankie-CustomerChildID': CHILD_A },
      });
      expect((await h.call('GET', `${base}/child-only`)).status).toBe(404);
      expect(
        (await h.call('GET', `${base}/child-only`, { headers: { 'X-Frankie-CustomerChildID': CHILD_B } })).status,
      ).toBe(404);
      expect(
        (await h.call('GET', `${base}/child-only`, { headers: { 'X-Frankie-CustomerChildID': CHILD_A } })).status,
      ).toBe(200);
      // The same id under another customer is a separate definition with its own versions.
      const theirs = await h.call('PUT', `${base}/isolated`, { body: definition({ isDraft: false }), headers: other });
      expect(theirs.body.workflowDefinition.version).toBe(1);
    });
  });

  describe('concurrency', () => {
    it('numbers concurrent publishes 1..n without skipping or repeating', async () => {
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          h.call('PUT', `${base}/race`, { body: definition({ isDraft: false, name: `r${i}` }) }),
        ),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const versions = results.map((r) => r.body.workflowDefinition.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.body.workflowDefinition.versionId)).size).toBe(n);
      const list = await h.call('GET', `${base}/race/versions?limit=100&sort=asc`);
      expect(list.body.versions.map((v: { version: number }) => v.version)).toEqual(versions);
    });
  });
});
