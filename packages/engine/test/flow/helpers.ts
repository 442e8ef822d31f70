import { createFlowModule } from '../../src/apis/flow/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { expectMatchesSpec } from '../../src/http/response-check.js';
import { TestClock } from '../../src/runtime/clock.js';
import { defaultIds } from '../../src/runtime/ids.js';
import type { TestStore, TestStoreFactory } from '../../src/store/test-stores.js';

export const CUSTOMER = '5a1f6c2e-3b4d-4e8f-9a0b-7c6d5e4f3a21'; // the configured default
export const KEY = 'wfkit-dev-flow-api-key';
export const OTHER_CUSTOMER = '12345678-1234-1234-1234-123456789012';
export const OTHER_KEY = 'other-customer-key';
export const CHILD_A = '87654321-4321-4321-4321-210987654321';
export const CHILD_B = '87654321-4321-4321-4321-210987654322';

export const CHILD_KEY = 'child-a-only-key';
export const flow = createFlowModule({
  credentials: [
    { apiKey: OTHER_KEY, customerId: OTHER_CUSTOMER },
    { apiKey: CHILD_KEY, customerId: CUSTOMER, childIds: [CHILD_A] },
  ],
});

export interface FlowHarness {
  app: WfkitApp;
  store: TestStore;
  clock: TestClock;
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string | undefined>; raw?: string; check?: boolean },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function flowHarness(factory: TestStoreFactory, module = flow): Promise<FlowHarness> {
  const store = await factory.create();
  const clock = new TestClock('2025-03-01T10:00:00.000Z');
  const app = createApp({
    store: store.db,
    clock,
    ids: defaultIds(clock),
    apis: [module],
    jobs: { start: false },
    docs: false,
  });
  await app.ready;
  return {
    app,
    store,
    clock,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      const given = { api_key: KEY, 'X-Frankie-CustomerID': CUSTOMER, ...options.headers };
      for (const [k, v] of Object.entries(given)) if (v !== undefined) headers[k] = v;
      if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
      const request = new Request(`http://localhost${path}`, {
        method,
        headers,
        ...(options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : options.raw !== undefined
            ? { body: options.raw }
            : {}),
      });
      const response = await app.fetch(request.clone());
      if (options.check !== false) await expectMatchesSpec(module, request, response);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A valid definition with `n` tasks in a chain, using variables, state and task templates. */
export function definition(overrides: Record<string, unknown> = {}, n = 3) {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `task-${i + 1}`,
    name: `Task ${i + 1}`,
    configuration:
      i === 0
        ? {
            type: 'HTTP',
            method: 'POST',
            url: 'https://example.test/verify',
            body: { email: '{{variables.email}}', name: '{{state.name}}' },
          }
        : { type: 'HTTP', url: `https://example.test/step/{{tasks.task-${i}.output.body.id}}` },
    ...(i > 0 ? { dependsOn: [`task-${i}`] } : {}),
    errorHandling: { ignoreErrors: false, retryConfig: { maxAttempts: 3, delayMs: 1000, backoffFactor: 2 } },
  }));
  return {
    name: 'Customer Verification Workflow',
    description: 'Workflow to verify new customer identities',
    tasks,
    isDraft: true,
    tags: ['kyc'],
    initialState: { name: 'John Doe', age: 30 },
    variables: [{ name: 'email', type: 'STRING', default: 'someone@example.test' }],
    ...overrides,
  };
}

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
