/** What the request rules take from a request: IGA's scope of the runtime, the caller and IDM's managed objects. */

import type { RequestContext } from '../../http/api-module.js';
import type { Runtime } from '../../runtime/commands.js';
import { RuntimeQueries } from '../../runtime/queries.js';
import type { Queryable } from '../../store/db.js';
import { ManagedObjects } from '../idm/managed/objects.js';
import { managedSchema } from '../idm/managed/schema.js';
import { ADMIN_CALLER, type IgaCaller } from './callers.js';

/** IGA owns its request workflows, with no tenants (runtime/owner.ts). */
const IGA_SCOPE = { api: 'iga', tenant: '' } as const;

/** IGA's view of the runtime's read model. */
export const queries = new RuntimeQueries(IGA_SCOPE);

/** The app's Runtime, scoped to IGA, its commands inside the caller's transaction (one request = one transaction). */
export function runtimeIn(tx: Queryable, c: RequestContext): Runtime {
  return c.runtime.scoped(IGA_SCOPE).in(tx);
}

/** Managed objects, for callers' roles and records (one per config: the rules hold no state). */
const managedByConfig = new WeakMap<object, ManagedObjects>();
export function managedOf(c: RequestContext): ManagedObjects {
  let m = managedByConfig.get(c.config);
  if (!m) {
    m = new ManagedObjects(managedSchema(c.config.idm.managed), c.ids, c.clock);
    managedByConfig.set(c.config, m);
  }
  return m;
}

export const callerOf = (c: RequestContext): IgaCaller => (c.principal as IgaCaller | undefined) ?? ADMIN_CALLER;

export const nowOf = (c: RequestContext): string => c.clock.now().toISOString();
