/** CREST resource conventions: property order, revisions and `If-Match`, `201` + `Location`, `_prettyPrint`. */
import type { RequestContext } from '../../../http/api-module.js';
import { preconditionFailed } from './errors.js';

/** `_id`, `_rev` first, then the other properties in alphabetical order (IDM's Jackson mix-ins sort them). */
export function ordered<T extends object>(resource: T): T {
  const r = resource as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if ('_id' in r) out._id = r._id;
  if ('_rev' in r) out._rev = r._rev;
  for (const k of Object.keys(r)
    .filter((k) => k !== '_id' && k !== '_rev')
    .sort())
    out[k] = r[k];
  return out as T;
}

/**
 * Checks `If-Match` against a resource's revision: absent or `*` matches; otherwise the (quoted or not) value must
 * equal `rev`. A resource without a revision (`rev` undefined) only matches `*`. A mismatch is a 412.
 */
export function checkIfMatch(headers: Headers, rev: string | number | undefined): void {
  const raw = headers.get('if-match');
  if (raw === null) return;
  const values = raw.split(',').map((v) =>
    v
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
  if (values.includes('*')) return;
  if (rev !== undefined && values.includes(String(rev))) return;
  throw preconditionFailed(
    rev === undefined
      ? `Resource has no revision; If-Match '${raw}' does not match.`
      : `Resource version '${rev}' does not match the requested version '${values[0]}'.`,
  );
}

function json(ctx: Pick<RequestContext, 'rawQuery'>, body: unknown): string {
  return ctx.rawQuery.get('_prettyPrint') === 'true' ? JSON.stringify(body, null, 2) : JSON.stringify(body);
}

/** A JSON answer honouring `_prettyPrint`; `rev` sets `ETag`. */
export function crestReply(
  ctx: Pick<RequestContext, 'rawQuery'>,
  body: unknown,
  opts: { status?: number; rev?: string | number; headers?: Record<string, string> } = {},
): Response {
  const headers = new Headers(opts.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  if (opts.rev !== undefined) headers.set('etag', `"${opts.rev}"`);
  return new Response(json(ctx, body), { status: opts.status ?? 200, headers });
}

/** `201 Created` with `Location: <collection path>/<id>` (the request path when it is the collection). */
export function created(
  ctx: Pick<RequestContext, 'rawQuery' | 'url'>,
  body: unknown,
  id: string,
  opts: { collectionPath?: string; rev?: string | number } = {},
): Response {
  const base = (opts.collectionPath ?? ctx.url.pathname).replace(/\/+$/, '');
  return crestReply(ctx, body, {
    status: 201,
    ...(opts.rev !== undefined ? { rev: opts.rev } : {}),
    headers: { location: `${base}/${encodeURIComponent(id)}` },
  });
}
