/** IDM's workflow access rules (`process-access.json`): which roles may start which process definitions. */

export const ADMIN_ROLE = 'openidm-admin';
export const AUTHORIZED_ROLE = 'openidm-authorized';

/** One rule of `process-access.json`: `definition[property]` matches the JS regex `matches` (unanchored, as IDM's `String.match`) and the user has `requiresRole`. */
export interface ProcessAccessRule {
  property: string;
  matches: string;
  requiresRole: string;
}

/** IDM's default `process-access.json`: every definition for `openidm-authorized` and for `openidm-admin`. */
export const DEFAULT_PROCESS_ACCESS: readonly ProcessAccessRule[] = [
  { property: '_id', matches: '.*', requiresRole: AUTHORIZED_ROLE },
  { property: '_id', matches: '.*', requiresRole: ADMIN_ROLE },
];

/** Reads IDM's `process-access.json` shape `{workflowAccess: [{propertiesCheck: {property, matches, requiresRole}}]}`. */
export function parseProcessAccess(json: unknown): ProcessAccessRule[] {
  const list = (json as { workflowAccess?: unknown })?.workflowAccess;
  if (!Array.isArray(list)) throw new Error('process-access: expected {"workflowAccess": [...]}');
  return list.map((entry, i) => {
    const c = (entry as { propertiesCheck?: Record<string, unknown> })?.propertiesCheck;
    if (!c || typeof c.property !== 'string' || typeof c.matches !== 'string' || typeof c.requiresRole !== 'string')
      throw new Error(`process-access: workflowAccess[${i}].propertiesCheck needs property, matches and requiresRole`);
    new RegExp(c.matches);
    return { property: c.property, matches: c.matches, requiresRole: c.requiresRole };
  });
}
