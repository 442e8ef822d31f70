/**
 * `managed/{type}[/{id}]` for the `openidm` script object: the same rules as `/openidm/managed` over HTTP
 * (managed/objects.ts), on the script's queryable. As in IDM, `read` of a missing object is `null`; queries take
 * `_queryFilter`, `_queryId` (`query-all-ids`, `for-userName` with `uid`, `get-by-field-value` with `field` and
 * `value`), paging and sort keys.
 */
import { ApiError } from '../../../http/api-module.js';
import type { Queryable } from '../../../store/db.js';
import { parseFields } from '../crest/fields.js';
import { parseQueryRequest } from '../crest/query.js';
import type { ManagedObjects } from '../managed/objects.js';
import type { PatchOperation } from '../managed/patch.js';
import { OpenidmError, type OpenidmProvider, type OpenidmRequest } from './router.js';

const quote = (v: unknown) => JSON.stringify(String(v ?? ''));

/** A script's query params as CREST query parameters (named queries become filters). */
function queryParameters(params: Record<string, unknown>, fields: string[] | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (k.startsWith('_') && v !== undefined && v !== null) out.set(k, String(v));
  const id = params._queryId;
  if (id === 'for-userName') {
    out.delete('_queryId');
    out.set('_queryFilter', `userName eq ${quote(params.uid)}`);
  } else if (id === 'get-by-field-value') {
    out.delete('_queryId');
    out.set('_queryFilter', `${String(params.field ?? '_id')} eq ${quote(params.value)}`);
  }
  if (fields?.length) out.set('_fields', fields.join(','));
  return out;
}

/** The CREST query request of a script's `openidm.query` (no HTTP request behind it). */
function queryOf(req: OpenidmRequest) {
  const ctx = { rawQuery: queryParameters(req.params, req.fields), operation: { operation: {} } };
  return parseQueryRequest(ctx as unknown as Parameters<typeof parseQueryRequest>[0], { queryIds: ['query-all-ids'] });
}

async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) {
      const body = e.body as { message?: string; code?: number };
      throw new OpenidmError(e.status, body?.message ?? e.message);
    }
    throw e;
  }
}

export function managedProvider(objects: ManagedObjects): OpenidmProvider {
  return {
    handle(q: Queryable, req: OpenidmRequest) {
      const [type, id, ...extra] = req.path.split('/');
      if (!type || extra.length) throw new OpenidmError(400, `'managed/${req.path}' is not a managed object or type`);
      const fields = req.fields?.length ? parseFields(req.fields.join(',')) : undefined;
      const content = (req.content ?? {}) as Record<string, unknown>;
      const ifMatch = req.rev ?? undefined;
      const need = () => {
        if (!id) throw new OpenidmError(400, `${req.method} needs an object id: managed/${type}/<id>`);
        return id;
      };
      return translated(async () => {
        switch (req.method) {
          case 'create':
            return objects.create(q, type, content, id ?? req.newResourceId ?? undefined);
          case 'read':
            return objects.read(q, type, need(), fields);
          case 'update':
            return objects.update(q, type, need(), content, { ifMatch });
          case 'patch':
            return objects.patch(q, type, need(), req.content as PatchOperation[], { ifMatch });
          case 'delete':
            return objects.delete(q, type, need(), { ifMatch });
          case 'query':
            if (id) throw new OpenidmError(400, `query takes a type, not an object: managed/${type}`);
            return objects.query(q, type, queryOf(req));
          case 'action':
            if (req.action === 'patch')
              return objects.patch(q, type, need(), req.content as PatchOperation[], { ifMatch });
            throw new OpenidmError(400, `Unknown action '${req.action}'.`);
        }
      });
    },
  };
}
