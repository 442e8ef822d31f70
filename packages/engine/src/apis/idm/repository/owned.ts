/**
 * IDM sees only IDM's processes (runtime/owner.ts): every read of the runtime's rows goes through these views of its
 * tables. A subquery in FROM is inlined by PostgreSQL, so the owner indexes (migration 060) still serve it.
 */

/** The condition for IDM's rows over a table alias: `i.owner_api = 'idm' AND i.tenant = ''`. */
export function idmOwned(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}owner_api = 'idm' AND ${a}tenant = ''`;
}

/** `(SELECT * FROM <table> WHERE <IDM's>)`, to use as `FROM ${idmRows('wf_task')} t`. */
export function idmRows(table: string): string {
  return `(SELECT * FROM ${table} WHERE ${idmOwned()})`;
}
