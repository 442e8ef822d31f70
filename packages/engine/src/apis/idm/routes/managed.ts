/**
 * `/openidm/managed/{type}` and `/openidm/managed/{type}/{id}`: CREST create, read, update (`PUT` with `If-Match` /
 * `If-None-Match`), patch (`PATCH` or `?_action=patch`), delete and query over managed objects (managed/objects.ts).
 * Admin only, except that a user may read the user object carrying their own `userName` (IDM's default access.js).
 */
import type { RequestContext } from '../../../http/api-module.js';
import type { IdmContext, IdmRouter } from '../context.js';
import { forbidden, notFound } from '../crest/errors.js';
import { type FieldList, parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest } from '../crest/query.js';
import { created, crestReply } from '../crest/resource.js';
import type { ManagedObject } from '../managed/objects.js';
import type { PatchOperation } from '../managed/patch.js';
import type { IdmPrincipal } from '../security.js';

type Ctx = RequestContext<IdmPrincipal>;

/** `_fields`, where `*` means "every default field" as in IDM. */
function fieldsOf(ctx: Ctx): FieldList | undefined {
  return parseFields(ctx.rawQuery.get('_fields') ?? undefined);
}

export function register(router: IdmRouter, idm: IdmContext): void {
  const objects = idm.managed;
  const admin = (ctx: Ctx) => idm.security.assertAdmin(ctx.principal);
  const reply = (ctx: Ctx, o: ManagedObject, status = 200) => crestReply(ctx, o, { status, rev: o._rev });
  /** The answer of a write: the object as read with the request's `_fields`. */
  const reread = async (ctx: Ctx, type: string, id: string) => {
    const o = await objects.read(idm.db, type, id, fieldsOf(ctx));
    if (!o) throw notFound();
    return o;
  };

  router.operation('queryManagedObjects', async (ctx) => {
    admin(ctx);
    const q = parseQueryRequest(ctx, { queryIds: ['query-all-ids'], what: 'managed objects' });
    return crestReply(ctx, await objects.query(idm.db, ctx.params.type!, q));
  });

  router.operation('createManagedObject', async (ctx) => {
    admin(ctx);
    const type = ctx.params.type!;
    const o = await idm.db.transaction((tx) => objects.create(tx, type, ctx.body as Record<string, unknown>));
    const fields = fieldsOf(ctx);
    const body = fields ? await reread(ctx, type, o._id) : o;
    return created(ctx, body, o._id, { rev: o._rev });
  });

  router.operation('readManagedObject', async (ctx) => {
    const { type, id } = ctx.params as { type: string; id: string };
    const o = await objects.read(idm.db, type, id, fieldsOf(ctx));
    if (!idm.security.isAdmin(ctx.principal)) {
      // A user sees their own user object and nothing else (not even whether another id exists).
      const own = type === 'user' && o && (await objects.read(idm.db, 'user', id))?.userName === ctx.principal.username;
      if (!own) throw forbidden();
    }
    if (!o) throw notFound();
    return reply(ctx, o);
  });

  router.operation('updateManagedObject', async (ctx) => {
    admin(ctx);
    const { type, id } = ctx.params as { type: string; id: string };
    const body = ctx.body as Record<string, unknown>;
    const ifMatch = ctx.headers.get('if-match') ?? undefined;
    const createOnly = ctx.headers.get('if-none-match') === '*';
    const result = await idm.db.transaction(async (tx) => {
      if (createOnly || (ifMatch === undefined && !(await objects.read(tx, type, id))))
        return { created: true, o: await objects.create(tx, type, body, id) };
      return { created: false, o: await objects.update(tx, type, id, body, { ifMatch }) };
    });
    const answer = fieldsOf(ctx) ? await reread(ctx, type, id) : result.o;
    return result.created
      ? created(ctx, answer, id, { rev: result.o._rev, collectionPath: `/openidm/managed/${type}` })
      : reply(ctx, answer);
  });

  const patch = async (ctx: Ctx) => {
    admin(ctx);
    const { type, id } = ctx.params as { type: string; id: string };
    const ifMatch = ctx.headers.get('if-match') ?? undefined;
    await idm.db.transaction((tx) => objects.patch(tx, type, id, ctx.body as PatchOperation[], { ifMatch }));
    return reply(ctx, await reread(ctx, type, id));
  };
  router.operation('patchManagedObject', patch);
  router.operation('managedObjectAction', patch);

  router.operation('deleteManagedObject', async (ctx) => {
    admin(ctx);
    const { type, id } = ctx.params as { type: string; id: string };
    const ifMatch = ctx.headers.get('if-match') ?? undefined;
    const o = await idm.db.transaction((tx) => objects.delete(tx, type, id, { ifMatch }));
    return reply(ctx, projectFields(o, fieldsOf(ctx)));
  });
}
