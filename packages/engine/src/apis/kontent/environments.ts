/**
 * Kontent environments on one server: which exist (configuration), which keys open which, and setting one up on first
 * use. Each environment is isolated: its own roles, collections, languages, types, items, workflows and variants
 * (every table is keyed by environment, see migration 080).
 *
 * - The primary environment is WFKIT_KONTENT_ENVIRONMENT_ID with WFKIT_KONTENT_API_KEY (the one-environment case of
 *   before); WFKIT_KONTENT_ENVIRONMENTS adds more, each with its own management key or the primary one.
 * - Personal keys (WFKIT_KONTENT_KEYS) act as a role in every environment, or in those they list.
 * - On its first request an environment gets its default content model (roles, default collection, language and
 *   workflow); the primary environment first adopts the rows written before environments existed.
 */
import type { KontentKey, WfkitConfig } from '../../config.js';
import type { Db } from '../../store/db.js';
import * as repo from './repository.js';

export interface EnvironmentGrant {
  /** The environments the key opens. */
  environments: ReadonlySet<string>;
  /** null: a Management API key (every permission); else the role of a personal key. */
  roleId: string | null;
}

/** Compares without leaking where the strings differ, or (beyond the length) how long the secret is. */
export function safeEqual(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  // charCodeAt past the end is NaN, and NaN | 0 is 0: both strings are read to the same length.
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

export interface Environments {
  /** Every configured environment id (lowercase), the primary first. */
  ids: readonly string[];
  primary: string;
  /** What a bearer key opens; undefined for an unknown key. Compares with every configured key in constant time. */
  grantOf(key: string): EnvironmentGrant | undefined;
}

export function environmentsOf(config: WfkitConfig): Environments {
  const k = config.kontent as WfkitConfig['kontent'] & { keys?: KontentKey[] };
  const primary = k.environmentId.toLowerCase();
  const all = [primary, ...(k.environments ?? []).map((e) => e.id.toLowerCase())];
  const management = new Map<string, Set<string>>();
  const add = (key: string, env: string) => {
    if (!management.has(key)) management.set(key, new Set());
    management.get(key)!.add(env);
  };
  add(k.apiKey, primary);
  for (const e of k.environments ?? []) add(e.apiKey ?? k.apiKey, e.id.toLowerCase());
  const grants: { key: string; grant: EnvironmentGrant }[] = [
    ...[...management].map(([key, environments]) => ({ key, grant: { environments, roleId: null } })),
    ...(k.keys ?? []).map((p) => ({
      key: p.key,
      grant: {
        environments: new Set((p.environments ?? all).map((e) => e.toLowerCase())),
        roleId: p.roleId.toLowerCase(),
      },
    })),
  ];
  return {
    ids: all,
    primary,
    grantOf(key) {
      let found: EnvironmentGrant | undefined;
      // No early exit: the time does not tell which key (if any) matched.
      for (const g of grants) if (safeEqual(g.key, key) && !found) found = g.grant;
      return found;
    },
  };
}

/** Sets up environments on first use, once per app (a cached set), safely when several servers start at once. */
export function environmentSetup(db: Db, environments: Environments) {
  const ready = new Set<string>();
  const pending = new Map<string, Promise<void>>();
  const setUp = (env: string) =>
    db.transaction(async (q) => {
      const s = { q, env };
      await repo.lockEnvironment(s);
      if (await repo.environmentReady(s)) return;
      if (env === environments.primary) await repo.adoptLegacyRows(s);
      if (!(await repo.environmentReady(s))) await repo.seedEnvironment(s);
    });
  return async (env: string): Promise<void> => {
    if (ready.has(env)) return;
    let p = pending.get(env);
    if (!p) {
      p = setUp(env).finally(() => pending.delete(env));
      pending.set(env, p);
    }
    await p;
    ready.add(env);
  };
}
