/**
 * Authentication and optional rate limiting.
 *
 * - `Authorization: Bearer <key>` (scheme matched case-insensitively: the JS SDK sends `bearer`). The configured
 *   `WFKIT_KONTENT_API_KEY` is a Management API key: it is not a user and has every permission (no role). More keys
 *   can be configured as `config.kontent.keys: [{ key, roleId }]` (personal API keys: the permissions of a role, so
 *   workflow step `role_ids` apply to them).
 * - A missing, malformed or unknown key: 401 (`error_code` 0).
 * - A valid key used with another environment id: 403 (`error_code` 4). Kontent.ai's keys are scoped to environments
 *   and it answers a key without access to the environment with 403 / 4 (its `retrieve_project_information`
 *   sample); the environment exists for somebody else, so it is not a 404. The spec (bearerAuth) says the same.
 * - Rate limiting (`config.kontent.rateLimit: { perSecond?, perMinute? }`, off when absent): over the limit a 429 with
 *   `Retry-After` in seconds and `error_code` 10000, as Kontent.ai (10/s and 400/min per environment).
 */

import type { WfkitConfig } from '../../config.js';
import type { AuthRequest, AuthResult } from '../../http/api-module.js';
import type { Clock } from '../../runtime/clock.js';
import { CODE, KontentError } from './errors.js';
import type { Principal } from './variants.js';

/** Kontent settings: keys with roles and rate limits come from the environment (WfkitConfig); page size from code. */
export interface KontentExtras {
  keys?: { key: string; roleId: string }[];
  rateLimit?: { perSecond?: number; perMinute?: number };
  pageSize?: number;
}

export const extras = (config: WfkitConfig): KontentExtras => config.kontent as WfkitConfig['kontent'] & KontentExtras;

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
  const key = m[1]!;
  let principal: Principal | undefined;
  if (key === config.kontent.apiKey) principal = { roleId: null };
  else {
    const personal = extras(config).keys?.find((k) => k.key === key);
    if (personal) principal = { roleId: personal.roleId.toLowerCase() };
  }
  if (!principal) return { ok: false, status: 401, message: 'The API key is invalid.' };
  const env = req.params.environment_id;
  if (env !== undefined && env.toLowerCase() !== config.kontent.environmentId.toLowerCase()) {
    return { ok: false, status: 403, message: `The API key has no access to the environment ${env}.` };
  }
  return { ok: true, principal };
}

/** Fixed-window counters per second and per minute, in memory, per app (one environment per server). */
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
