import { apiModule as iga } from '../../src/apis/iga/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import type { WfkitConfig } from '../../src/config.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { TestClock } from '../../src/runtime/clock.js';
import { defaultIds } from '../../src/runtime/ids.js';
import type { TestStore, TestStoreFactory } from '../../src/store/test-stores.js';

export const TOKEN = 'wfkit-dev-iga-token';
export { iga };

export interface IgaHarness {
  app: WfkitApp;
  store: TestStore;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string | undefined>; check?: boolean },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function igaHarness(factory: TestStoreFactory, config?: WfkitConfig): Promise<IgaHarness> {
  const store = await factory.create();
  const clock = new TestClock('2025-03-01T10:00:00.000Z');
  const app = createApp({
    store: store.db,
    clock,
    ids: defaultIds(clock),
    apis: [iga],
    ...(config ? { config } : {}),
    jobs: { start: false },
    docs: false,
  });
  await app.ready;
  return {
    app,
    store,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries({ authorization: `Bearer ${TOKEN}`, ...options.headers }))
        if (v !== undefined) headers[k] = v;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const request = new Request(`http://localhost${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const response = await app.fetch(request.clone());
      if (options.check !== false) await expectMatchesSpec(iga, request, response);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A valid definition: validation script → If/else → approval (APPROVE → provisioning, REJECT/EXPIRATION → reject). */
export function definition(id: string, overrides: Record<string, unknown> = {}): any {
  return {
    id,
    name: id,
    displayName: `Workflow ${id}`,
    description: 'test workflow',
    type: 'provisioning',
    childType: false,
    steps: [
      {
        name: 'scriptTask-000000000001',
        displayName: 'Validation',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [{ condition: 'true', outcome: 'done', step: 'exclusiveGateway-000000000002' }],
          language: 'javascript',
          script: "var failureReason = null;\nexecution.setVariable('failureReason', failureReason);",
        },
      },
      {
        name: 'exclusiveGateway-000000000002',
        displayName: 'Gateway',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [
            { condition: 'failureReason == null', outcome: 'validationSuccess', step: 'approvalTask-000000000003' },
            { condition: 'failureReason != null', outcome: 'validationFailure', step: 'scriptTask-000000000005' },
          ],
          language: 'javascript',
          script: 'logger.info("gateway");',
        },
      },
      {
        name: 'approvalTask-000000000003',
        displayName: 'Approval',
        type: 'approvalTask',
        approvalTask: {
          nextStep: [
            { condition: null, outcome: 'APPROVE', step: 'scriptTask-000000000004' },
            { condition: null, outcome: 'REJECT', step: 'scriptTask-000000000005' },
            { condition: null, outcome: 'EXPIRATION', step: 'scriptTask-000000000005' },
          ],
          approvalMode: 'any',
          actors: [
            { id: 'managed/role/approvers', permissions: { approve: true, reject: true, comment: true } },
            {
              id: { isExpression: true, value: '"managed/user/" + requestIndex.manager.id' },
              permissions: { approve: true, reject: true },
            },
          ],
          events: {
            assignment: { notification: 'requestAssigned' },
            expiration: {
              action: 'reject',
              notification: 'requestExpired',
              actors: [],
              date: { isExpression: true, value: 'new Date(Date.now() + 7 * 864e5).toISOString()' },
            },
          },
        },
      },
      {
        name: 'scriptTask-000000000004',
        displayName: 'Provision',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [{ condition: 'true', outcome: 'done', step: null }],
          language: 'javascript',
          script: 'logger.info("provision");',
        },
      },
      {
        name: 'scriptTask-000000000005',
        displayName: 'Reject',
        type: 'scriptTask',
        scriptTask: {
          nextStep: [{ condition: 'true', outcome: 'done', step: null }],
          language: 'javascript',
          script: 'logger.info("reject");',
        },
      },
    ],
    staticNodes: {
      startNode: { id: 'startNode', x: 70, y: 140, connections: { start: 'scriptTask-000000000001' } },
      endNode: { id: 'endNode', x: 1000, y: 140, connections: null },
      uiConfig: {},
    },
    ...overrides,
  };
}

/**
 * IDM managed objects the requests name: users (with an optional manager), applications, roles and entitlements
 * (each with optional owners). The built-in workflows validate against them and provision onto them.
 */
export async function seedIdentities(
  h: IgaHarness,
  seed: {
    users?: (string | { id: string; manager?: string })[];
    applications?: (string | { id: string; owners?: string[] })[];
    roles?: (string | { id: string; owners?: string[] })[];
    entitlements?: { id: string; application: string; owners?: string[] }[];
  },
): Promise<void> {
  const { ManagedObjects } = await import('../../src/apis/idm/managed/objects.js');
  const { managedSchema } = await import('../../src/apis/idm/managed/schema.js');
  const managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
  const db = h.app.db();
  const owners = (ids?: string[]) => (ids ? { owners: ids.map((id) => ({ _ref: `managed/user/${id}` })) } : {});
  for (const u of seed.users ?? []) {
    const { id, manager } = typeof u === 'string' ? { id: u, manager: undefined } : u;
    await managed.create(
      db,
      'user',
      {
        userName: id,
        givenName: id,
        sn: 'Test',
        mail: `${id}@example.com`,
        ...(manager ? { manager: { _ref: `managed/user/${manager}` } } : {}),
      },
      id,
    );
  }
  for (const a of seed.applications ?? []) {
    const { id, owners: o } = typeof a === 'string' ? { id: a, owners: undefined } : a;
    await managed.create(db, 'application', { name: `Application ${id}`, ...owners(o) }, id);
  }
  for (const r of seed.roles ?? []) {
    const { id, owners: o } = typeof r === 'string' ? { id: r, owners: undefined } : r;
    await managed.create(db, 'role', { name: `Role ${id}`, ...owners(o) }, id);
  }
  for (const e of seed.entitlements ?? []) {
    await managed.create(
      db,
      'entitlement',
      {
        name: `Entitlement ${e.id}`,
        application: { _ref: `managed/application/${e.application}` },
        ...owners(e.owners),
      },
      e.id,
    );
  }
}

/** The ids of a managed user's `applications`, `roles` or `entitlements`. */
export async function grantsOf(
  h: IgaHarness,
  userId: string,
  kind: 'applications' | 'roles' | 'entitlements',
): Promise<string[]> {
  const { ManagedObjects } = await import('../../src/apis/idm/managed/objects.js');
  const { managedSchema } = await import('../../src/apis/idm/managed/schema.js');
  const managed = new ManagedObjects(managedSchema(), h.app.ids, h.app.clock);
  const user = await managed.read(h.app.db(), 'user', userId, { all: false, fields: [[kind]] });
  return ((user?.[kind] as { _refResourceId: string }[] | undefined) ?? []).map((r) => r._refResourceId);
}
