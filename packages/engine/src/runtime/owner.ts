/**
 * Ownership (migration 060): every runtime row records the API that owns it and the tenant inside that API. A
 * Runtime scoped to an owner (`runtime.scoped({ api: 'idm' })`) sees and changes only that owner's rows: another
 * owner's id is not found, exactly as an id that does not exist.
 */

/** The owner written on a row: the API (`idm`, `iga`, `flow`, `kontent`) and its tenant (`''` when it has none). */
export interface Owner {
  api: string;
  tenant: string;
}

/**
 * What a scoped runtime sees: one API, and one tenant of it (FLOW: `<customer id>/<child id>`; Kontent: the
 * environment id) or, with `tenant` left out, every tenant of the API.
 */
export interface OwnerScope {
  api: string;
  tenant?: string;
}

/** The owner a scope writes: its API and its tenant ('' when the scope spans every tenant). */
export function ownerOf(scope: OwnerScope): Owner {
  return { api: scope.api, tenant: scope.tenant ?? '' };
}

/** Whether a row (`owner_api`, `tenant` columns) is in the scope; an unscoped view (undefined) sees everything. */
export function inScope(scope: OwnerScope | undefined, row: { owner_api: string; tenant: string }): boolean {
  if (!scope) return true;
  return row.owner_api === scope.api && (scope.tenant === undefined || row.tenant === scope.tenant);
}

/**
 * The SQL condition for a scope over a table alias (`d` → `d.owner_api = $n AND d.tenant = $m`); parameters are
 * appended to `params`. `TRUE` for an unscoped view.
 */
export function scopeSql(scope: OwnerScope | undefined, alias: string, params: unknown[]): string {
  if (!scope) return 'TRUE';
  const a = alias ? `${alias}.` : '';
  params.push(scope.api);
  let sql = `${a}owner_api = $${params.length}`;
  if (scope.tenant !== undefined) {
    params.push(scope.tenant);
    sql += ` AND ${a}tenant = $${params.length}`;
  }
  return sql;
}
