/**
 * SDK clients for the contract tests, each over a fetch that records the method and path of every request (coverage
 * is computed from what was actually sent), and `callThroughSdk`, which makes one planned call with the SDK's typed
 * openapi-fetch client (`raw`).
 */
import { CONFIG_DEFAULTS } from '@wfkit/engine';
import { createFlowClient } from '@wfkit/flow';
import { createIdmClient } from '@wfkit/idm';
import { createIgaClient } from '@wfkit/iga';
import { createKontentClient } from '@wfkit/kontent';
import type { PlannedCall } from './requests.js';
import { type Api, matcher } from './spec.js';

export interface Recorded {
  api: Api;
  method: string;
  url: string;
  /** `METHOD /template` of the matched operation, or undefined for a request the spec does not have. */
  key: string | undefined;
  status?: number;
  /** Prism's `sl-violations` response header (violations below error level), when present. */
  violations?: string;
}

export class Recorder {
  readonly requests: Recorded[] = [];
  private readonly matchers = new Map<Api, ReturnType<typeof matcher>>();

  /** A fetch that records each request of `api` (path relative to `baseUrl`) and then calls the global fetch. */
  fetchFor(api: Api, baseUrl: string): typeof fetch {
    if (!this.matchers.has(api)) this.matchers.set(api, matcher(api));
    const match = this.matchers.get(api)!;
    const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
    return async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      const pathname = new URL(request.url).pathname.slice(prefix.length);
      const entry: Recorded = { api, method: request.method, url: request.url, key: match(request.method, pathname) };
      this.requests.push(entry);
      const response = await globalThis.fetch(request);
      entry.status = response.status;
      const violations = response.headers.get('sl-violations');
      if (violations) entry.violations = violations;
      return response;
    };
  }

  /** The requests of `api` that Prism answered with an `sl-violations` header. */
  withViolations(api: Api): Recorded[] {
    return this.requests.filter((r) => r.api === api && r.violations);
  }

  /** The operations (`METHOD /template`) of `api` that were requested at least once. */
  covered(api: Api): Set<string> {
    return new Set(this.requests.filter((r) => r.api === api && r.key).map((r) => r.key!));
  }
}

/** The credentials the clients send: the engine's documented defaults (Prism and MSW accept any). */
export const CREDENTIALS = {
  idm: { username: 'openidm-admin', password: 'openidm-admin' },
  iga: { token: CONFIG_DEFAULTS.WFKIT_IGA_TOKEN },
  kontent: {
    apiKey: CONFIG_DEFAULTS.WFKIT_KONTENT_API_KEY,
    environmentId: CONFIG_DEFAULTS.WFKIT_KONTENT_ENVIRONMENT_ID,
  },
  flow: { apiKey: CONFIG_DEFAULTS.WFKIT_FLOW_API_KEY, customerId: CONFIG_DEFAULTS.WFKIT_FLOW_CUSTOMER_ID },
};

export type BaseUrls = Record<Api, string>;

/** The raw typed client of each SDK (plus the SDK client itself), all recording into `recorder`. */
export async function createClients(baseUrls: BaseUrls, recorder: Recorder) {
  const common = (api: Api) => ({
    baseUrl: baseUrls[api],
    fetch: recorder.fetchFor(api, baseUrls[api]),
    maxRetries: 0,
  });
  const idm = createIdmClient({ ...CREDENTIALS.idm, ...common('idm') });
  const kontent = createKontentClient({ ...CREDENTIALS.kontent, ...common('kontent') });
  const flow = createFlowClient({ ...CREDENTIALS.flow, ...common('flow') });
  const iga = createIgaClient({ ...CREDENTIALS.iga, ...common('iga') });
  return { idm, iga, kontent, flow };
}

export type Clients = Awaited<ReturnType<typeof createClients>>;

export function rawClient(clients: Clients, api: Api): any {
  return clients[api].raw;
}

/** Makes one planned call through the SDK's typed client; resolves with the response. */
export async function callThroughSdk(clients: Clients, call: PlannedCall, headers: Record<string, string> = {}) {
  const raw = rawClient(clients, call.operation.api);
  const method = call.operation.method as 'GET';
  const path = { ...call.path };
  if (call.operation.api === 'kontent' && 'environment_id' in path)
    path.environment_id = CREDENTIALS.kontent.environmentId;
  const result = await raw[method](call.operation.path, {
    params: { path, query: call.query, header: { ...call.header, ...headers } },
    ...(call.body !== undefined ? { body: call.body } : {}),
    parseAs: 'text',
  });
  return result as { response: Response; data?: string; error?: string };
}
