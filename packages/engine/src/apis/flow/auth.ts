/**
 * Who is calling and for whom: the `api_key` names a credential; `X-Frankie-CustomerID` and
 * `X-Frankie-CustomerChildID` name the owner the call acts for, which the credential must cover (403 otherwise).
 * The owner scope is decided here and nowhere else: FLOW rows are keyed by it, and it is the runtime tenant of the
 * FLOW processes (`<customer id>/<child id>`), so one customer's executions never meet another's.
 */
import type { WfkitConfig } from '../../config.js';
import type { AuthRequest, AuthResult, RequestContext } from '../../http/api-module.js';
import { sameSecret } from '../../runtime/digest.js';
import type { OwnerScope } from '../../runtime/owner.js';
import { frankieError } from './errors.js';
import type { Scope } from './repository/index.js';

export interface FlowCredential {
  apiKey: string;
  customerId: string;
  /** Child ids this key may act for; undefined: any child of the customer. */
  childIds?: string[];
}

export type FlowContext = RequestContext<FlowCredential>;

/** The runtime owner of a FLOW scope: the FLOW API, tenant `<customer id>/<child id>` (runtime/owner.ts). */
export const runtimeOwner = (s: Scope): OwnerScope => ({ api: 'flow', tenant: `${s.customerId}/${s.childId}` });

export function authenticator(extra: FlowCredential[] = []) {
  return (req: AuthRequest, config: WfkitConfig): AuthResult<FlowCredential> => {
    const key = req.headers.get('api_key');
    const all = [{ apiKey: config.flow.apiKey, customerId: config.flow.customerId }, ...extra];
    const cred = key ? all.find((k) => sameSecret(k.apiKey, key)) : undefined;
    if (!cred) return { ok: false, status: 401, message: 'Missing or invalid api_key' };
    return { ok: true, principal: cred };
  };
}

/** The (customer, child) scope of the call, after checking the key may act for it (403 otherwise). */
export function ownerScope(c: FlowContext, nextId: () => string): Scope {
  const customerId = (c.headers.get('x-frankie-customerid') ?? '').toLowerCase();
  const childId = (c.headers.get('x-frankie-customerchildid') ?? '').toLowerCase();
  const cred = c.principal;
  const customerOk = cred.customerId.toLowerCase() === customerId;
  const childOk = !childId || !cred.childIds || cred.childIds.map((x) => x.toLowerCase()).includes(childId);
  if (customerOk && childOk) return { customerId, childId };
  const childIssue = childId && customerOk;
  throw frankieError(
    403,
    'The api_key may not act for this customer',
    [
      {
        issue: childIssue
          ? `The api_key is not issued for child ${childId}`
          : `The api_key is not issued for customer ${customerId}`,
        issueLocation: childIssue ? 'header:X-Frankie-CustomerChildID' : 'header:X-Frankie-CustomerID',
        issueType: 'FORBIDDEN',
      },
    ],
    nextId(),
  );
}

const CHANNEL_MAX = 64;

/** Who and through what the call was made, as recorded on saves and executions. */
export function callerOf(c: FlowContext) {
  const channel = c.headers.get('x-frankie-channel');
  return {
    by: c.headers.get('x-frankie-username') ?? 'SYSTEM',
    channel: channel === null ? null : [...channel].slice(0, CHANNEL_MAX).join(''),
    clientRequestId: c.headers.get('x-frankie-requestid'),
  };
}
