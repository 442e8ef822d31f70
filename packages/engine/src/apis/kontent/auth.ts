/**
 * Authentication and optional rate limiting.
 *
 * - `Authorization: Bearer <key>` (scheme matched case-insensitively: the JS SDK sends `bearer`). Management API keys
 *   (`WFKIT_KONTENT_API_KEY`, and per environment in `WFKIT_KONTENT_ENVIRONMENTS`) are not users and have every
 *   permission (no role). Personal API keys (`config.kontent.keys: [{ key, roleId, environments? }]`) have the
 *   permissions of a role, so workflow step `role_ids` apply to them. Keys are compared in constant time.
 * - A missing, malformed or unknown key: 401 (`error_code` 0).
 * - A valid key used with an environment id it does not open (another environment, or one that does not exist):
 *   403 (`error_code` 4). Kontent.ai's keys are scoped to environments and it answers a key without access to the
 *   environment with 403 / 4 (its `retrieve_project_information` sample); a key cannot tell environments that exist
 *   for somebody else from ones that don't, so it is never a 404. The spec (bearerAuth) says the same.
 * - Rate limiting (`config.kontent.rateLimit: { perSecond?, perMinute? }`, off when absent): over the limit a 429 with
 *   `Retry-After` in seconds and `error_code` 10000, as Kontent.ai (10/s and 400/min per environment).
 */

import type { WfkitConfig } from '../../config.js';
import type { AuthRequest, AuthResult } from '../../http/api-module.js';
import type { Clock } from '../../runtime/clock.js';
import { type Environments, environmentsOf } from './environments.js';
import { CODE, KontentError } from './errors.js';
import type { Principal } from './variants.js';

/** Kontent settings: keys with roles and rate limits come from the environment (WfkitConfig); page size from code. */
export interface KontentExtras {
  keys?: { key: string; roleId: string; environments?: string[] }[];
  rateLimit?: { perSecond?: number; perMinute?: number };
  pageSize?: number;
}

export const extras = (config: WfkitConfig): KontentExtras => config.kontent as WfkitConfig['kontent'] & KontentExtras;

// The configuration object of an app does not change after start; its key table is built once.
const tables = new WeakMap<WfkitConfig, Environments>();
export function environments(config: WfkitConfig): Environments {
  let e = tables.get(config);
  if (!e) {
    e = environmentsOf(config);
    tables.set(config, e);
  }
  return e;
}

export function authenticate(req: AuthRequest, config: WfkitConfig): AuthResult<Principal> {
  const header = req.headers.get('authorization');
  const m = header ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) {
    return {
      ok: false,
      status: 401,
      message: 'The Authorization header is missing or malformed; send "Authorization: Bearer <API key>".',
    };
  }
  const grant = environments(config).grantOf(m[1]!);
  if (!grant) return { ok: false, status: 401, message: 'The API key is invalid.' };
  const env = (req.params.environment_id ?? '').toLowerCase();
  if (!grant.environments.has(env)) {
    return {
      ok: false,
      status: 403,
      message: `The API key has no access to the environment ${req.params.environment_id}.`,
    };
  }
  return { ok: true, principal: { roleId: grant.roleId, environmentId: env } };
}

/** Fixed-window counters per second and per minute, in memory, per app and environment (routes keep one each). */
export function rateLimiter(config: KontentExtras['rateLimit'], clock: Clock) {
  let second = -1;
  let minute = -1;
  let inSecond = 0;
  let inMinute = 0;
  return () => {
    if (!config || (!config.perSecond && !config.perMinute)) return;
    const now = clock.now().getTime();
    const s = Math.floor(now / 1000);
    const m = Math.floor(now / 60_000);
    if (s !== second) {
      second = s;
      inSecond = 0;
    }
    if (m !== minute) {
      minute = m;
      inMinute = 0;
    }
    let retryAfter = 0;
    if (config.perSecond && inSecond >= config.perSecond)
      retryAfter = Math.max(retryAfter, Math.ceil(((s + 1) * 1000 - now) / 1000));
    if (config.perMinute && inMinute >= config.perMinute)
      retryAfter = Math.max(retryAfter, Math.ceil(((m + 1) * 60_000 - now) / 1000));
    if (retryAfter > 0) {
      throw new KontentError(
        429,
        CODE.rateLimited,
        'API rate limit exceeded. Please retry your request later.',
        undefined,
        {
          'retry-after': String(retryAfter),
        },
      );
    }
    inSecond++;
    inMinute++;
  };
}
