/**
 * The signed-in session: the credentials of the four APIs, kept in sessionStorage (gone when the tab closes), and
 * the SDK clients made from them. The console talks to the APIs only through these clients.
 */
import { createFlowClient, type FlowClient } from '@wfkit/flow';
import { createIdmClient, type IdmClient } from '@wfkit/idm';
import { createIgaClient, type IgaClient } from '@wfkit/iga';
import { createKontentClient, type KontentClient } from '@wfkit/kontent';

export interface Credentials {
  idm: { username: string; password: string };
  kontent: { environmentId: string; apiKey: string };
  iga: {
    token: string /** The user whose approvals inbox is shown, e.g. `managed/user/<id>`; empty: every open request. */;
    actor: string;
  };
  flow: { apiKey: string; customerId: string };
}

export interface Clients {
  idm: IdmClient;
  kontent: KontentClient;
  iga: IgaClient;
  flow: FlowClient;
}

const KEY = 'wfkit-console-credentials';

export const emptyCredentials = (): Credentials => ({
  idm: { username: '', password: '' },
  kontent: { environmentId: '', apiKey: '' },
  iga: { token: '', actor: '' },
  flow: { apiKey: '', customerId: '' },
});

/** An IGA user a dev server offers to sign in as: its token and the actor id it acts as. */
export interface IgaUserChoice {
  token: string;
  actor: string;
}

function defaultsJson(doc: Document): (Partial<Credentials> & { igaUsers?: IgaUserChoice[] }) | undefined {
  const el = doc.getElementById('wfkit-console-defaults');
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent);
  } catch {
    return undefined;
  }
}

/** The dev server's defaults, when the server that serves the console says it runs with them (see apps/server). */
export function devDefaults(doc: Document = document): Credentials | undefined {
  const json = defaultsJson(doc);
  if (!json) return undefined;
  const { igaUsers: _users, ...credentials } = json;
  return { ...emptyCredentials(), ...credentials };
}

/** The IGA users of a demo server (`--demo`), each with its own token. */
export function devIgaUsers(doc: Document = document): IgaUserChoice[] {
  const users = defaultsJson(doc)?.igaUsers;
  return Array.isArray(users) ? users.filter((u) => typeof u?.token === 'string' && typeof u?.actor === 'string') : [];
}

export function loadCredentials(storage: Storage = sessionStorage): Credentials | undefined {
  const raw = storage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Credentials;
  } catch {
    return undefined;
  }
}

export function saveCredentials(c: Credentials, storage: Storage = sessionStorage): void {
  storage.setItem(KEY, JSON.stringify(c));
}

export function clearCredentials(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}

/** SDK clients against the origin that serves the console. */
export function createClients(c: Credentials, origin: string = location.origin): Clients {
  // A console shows what is there now: one retry, short timeouts, so a dead server is reported quickly.
  const common = { maxRetries: 1, timeout: 15_000 };
  return {
    idm: createIdmClient({ ...common, baseUrl: origin, username: c.idm.username, password: c.idm.password }),
    kontent: createKontentClient({
      ...common,
      baseUrl: `${origin}/v2`,
      apiKey: c.kontent.apiKey,
      environmentId: c.kontent.environmentId,
    }),
    iga: createIgaClient({ ...common, baseUrl: origin, token: c.iga.token }),
    flow: createFlowClient({ ...common, baseUrl: origin, apiKey: c.flow.apiKey, customerId: c.flow.customerId }),
  };
}
