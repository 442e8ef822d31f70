/** Route handlers by operationId: they parse what the framework validated, run rules in one transaction, answer. */
import type { ApiContext, ApiRouter, Handler, HandlerResult, RequestContext } from '../../http/api-module.js';
import { environments, extras, rateLimiter } from './auth.js';
import { environmentSetup } from './environments.js';
import { badState, CODE, forbidden, invalid, KontentError, notFound } from './errors.js';
import * as withVariant from './items-with-variant.js';
import * as model from './model.js';
import * as publishing from './publishing.js';
import type { Scope } from './repository.js';
import * as repo from './repository.js';
import * as spaces from './spaces.js';
import * as types from './types.js';
import type { Principal, RuleContext, VariantTarget } from './variants.js';
import * as variants from './variants.js';
import {
  buildWorkflow,
  DEFAULT_LANGUAGE_ID,
  DEFAULT_WORKFLOW_ID,
  legacySteps,
  mayManageWorkflows,
  type WorkflowInput,
  workflowToApi,
} from './workflows.js';

type Ctx = RequestContext<Principal>;

/** The language of a filter (the default language when none is given): pairs name it. */
async function filterLanguage(s: Scope, input: { filters?: { language?: repo.Ref } }): Promise<string> {
  const ref = input.filters?.language;
  if (!ref) return DEFAULT_LANGUAGE_ID;
  return (
    (await repo.findLanguage(s, ref.id !== undefined ? { id: ref.id.toLowerCase() } : ref))?.id ?? DEFAULT_LANGUAGE_ID
  );
}

/** Reads of a request: the database, confined to the request's environment. */
const read = (ctx: Ctx): Scope => ({ q: ctx.db, env: ctx.principal.environmentId });
/** A transaction confined to the request's environment. */
const inTx = <T>(ctx: Ctx, fn: (s: Scope) => Promise<T>): Promise<T> =>
  ctx.db.transaction((q) => fn({ q, env: ctx.principal.environmentId }));

const continuation = (ctx: Ctx) => ctx.headers.get('x-continuation');
const ref = (ctx: Ctx, name: string): repo.Ref =>
  ctx.params[`${name}_id`] !== undefined
    ? { id: ctx.params[`${name}_id`]!.toLowerCase() }
    : ctx.params[`${name}_codename`] !== undefined
      ? { codename: ctx.params[`${name}_codename`] }
      : { external_id: ctx.params[`${name}_external_id`] };
// Changing the content model (types, spaces) takes the Management API key or the Project manager role.
const manageModel = (ctx: Ctx) => {
  if (!mayManageWorkflows(ctx.principal)) throw forbidden("The API key's role may not change the content model.");
};

/** The content type a route names. */
const typeOf = async (ctx: Ctx) => {
  const t = await repo.findType(read(ctx), ref(ctx, 'type'));
  if (!t) throw notFound(CODE.typeNotFound, 'The requested content type was not found.');
  return t;
};

/** Registers a route handler: rate limit, the environment set up, Kontent errors with the request id. */
type Op = (operationId: string, handler: (ctx: Ctx) => Promise<HandlerResult>) => void;

export function routes(router: ApiRouter<Principal>, app: ApiContext): void {
  const options = extras(app.config);
  const pageSize = options.pageSize ?? 100;
  // Kontent.ai limits requests per environment.
  const limiters = new Map<string, () => void>();
  const limit = (env: string) => {
    let l = limiters.get(env);
    if (!l) {
      l = rateLimiter(options.rateLimit, app.clock);
      limiters.set(env, l);
    }
    l();
  };
  const ensureEnvironment = environmentSetup(app.db, environments(app.config));

  const op = (operationId: string, handler: (ctx: Ctx) => Promise<HandlerResult>) => {
    const wrapped: Handler<Principal> = async (ctx) => {
      try {
        limit(ctx.principal.environmentId);
        await ensureEnvironment(ctx.principal.environmentId);
        return await handler(ctx);
      } catch (e) {
        if (e instanceof KontentError) throw e.withRequestId(ctx.requestId);
        throw e;
      }
    };
    router.operation(operationId, wrapped);
  };

  workflowRoutes(op);
  variantRoutes(op);
  variantCommandRoutes(op);
  variantListRoutes(op, pageSize);
  itemsWithVariantRoutes(op, pageSize);
  contentModelRoutes(op, pageSize);
  languageRoleItemRoutes(op, pageSize);
}

/** Workflows and their steps. */
function workflowRoutes(op: Op): void {
  const workflowRef = (ctx: Ctx) =>
    ctx.params.workflow_id !== undefined
      ? { id: ctx.params.workflow_id.toLowerCase() }
      : { codename: ctx.params.workflow_codename! };

  const workflowNotFound = () => notFound(CODE.workflowNotFound, 'The requested workflow was not found.');

  op('listWorkflows', async (ctx) => ({ body: (await repo.listWorkflows(read(ctx))).map(workflowToApi) }));

  /** Managing workflows is a permission of its own: Management API keys and the Project manager role have it. */
  const assertMayManageWorkflows = (ctx: Ctx) => {
    if (!mayManageWorkflows(ctx.principal)) throw forbidden("The API key's role may not manage workflows.");
  };

  op('addWorkflow', async (ctx) => {
    assertMayManageWorkflows(ctx);
    const w = await inTx(ctx, async (tx) => {
      await repo.lockWorkflows(tx);
      const built = await buildWorkflow(tx, ctx.body as WorkflowInput, undefined, () => ctx.ids.uuid());
      await repo.saveWorkflow(tx, built, true);
      return built;
    });
    return { status: 201, body: workflowToApi(w) };
  });

  const updateWorkflow = async (ctx: Ctx) => {
    assertMayManageWorkflows(ctx);
    const w = await inTx(ctx, async (tx) => {
      await repo.lockWorkflows(tx);
      const existing = await repo.findWorkflow(tx, workflowRef(ctx));
      if (!existing) throw workflowNotFound();
      const built = await buildWorkflow(tx, ctx.body as WorkflowInput, existing, () => ctx.ids.uuid());
      await repo.saveWorkflow(tx, built, false);
      return built;
    });
    return { status: 200, body: workflowToApi(w) };
  };
  op('updateWorkflow', updateWorkflow);
  op('updateWorkflowByCodename', updateWorkflow);

  const deleteWorkflow = async (ctx: Ctx) => {
    assertMayManageWorkflows(ctx);
    await inTx(ctx, async (tx) => {
      await repo.lockWorkflows(tx);
      const existing = await repo.findWorkflow(tx, workflowRef(ctx));
      if (!existing) throw workflowNotFound();
      if (existing.id === DEFAULT_WORKFLOW_ID)
        throw badState(CODE.defaultWorkflow, 'The default workflow cannot be deleted.');
      if (await repo.workflowInUse(tx, existing.id)) {
        throw invalid(
          `The workflow "${existing.codename}" is in use: language variants are in it. Move them to another workflow first.`,
        );
      }
      await repo.deleteWorkflow(tx, existing.id);
    });
    return { status: 204 };
  };
  op('deleteWorkflow', deleteWorkflow);
  op('deleteWorkflowByCodename', deleteWorkflow);

  op('listWorkflowSteps', async (ctx) => {
    const w = await repo.findWorkflow(read(ctx), { id: DEFAULT_WORKFLOW_ID });
    return { body: legacySteps(w!) };
  });
}

// Every identifier combination Kontent.ai accepts: item by id, codename or external id; language by id or codename.
const forms = [
  '',
  'ByCodename',
  'ByExternalId',
  'ByItemIdAndLanguageCodename',
  'ByItemCodenameAndLanguageId',
  'ByExternalIdAndLanguageId',
];
const rules = (ctx: Ctx, tx: Scope): RuleContext => ({
  scope: tx,
  now: ctx.clock.now(),
  jobs: ctx.jobs,
  principal: ctx.principal,
});

/** Runs a variant command in one transaction (the variant row locked); 204. */
const command =
  (fn: (rc: RuleContext, v: repo.VariantRecord, target: VariantTarget, ctx: Ctx) => Promise<void>) =>
  async (ctx: Ctx) => {
    await inTx(ctx, async (tx) => {
      const target = await variants.resolveTarget(tx, ctx.params);
      const v = await variants.loadVariant(tx, target, true);
      await fn(rules(ctx, tx), v, target, ctx);
    });
    return { status: 204 };
  };

/** Language variants, in every identifier form: read, upsert, delete. */
function variantRoutes(op: Op): void {
  for (const form of forms) {
    op(`getLanguageVariant${form}`, async (ctx) => {
      const target = await variants.resolveTarget(read(ctx), ctx.params);
      return { body: variants.variantToApi(await variants.loadVariant(read(ctx), target)) };
    });
    op(`getPublishedLanguageVariant${form}`, async (ctx) => {
      const target = await variants.resolveTarget(read(ctx), ctx.params);
      return { body: variants.publishedToApi(await variants.loadVariant(read(ctx), target)) };
    });
    op(`upsertLanguageVariant${form}`, async (ctx) => {
      const r = await inTx(ctx, async (tx) => {
        const target = await variants.resolveTarget(tx, ctx.params, true);
        return variants.upsertVariant(rules(ctx, tx), target, ctx.body as variants.UpsertInput);
      });
      return { status: r.status, body: variants.variantToApi(r.variant) };
    });
    op(`deleteLanguageVariant${form}`, async (ctx) => {
      await inTx(ctx, async (tx) => {
        const target = await variants.resolveTarget(tx, ctx.params);
        const v = await variants.loadVariant(tx, target, true);
        await variants.deleteVariant(rules(ctx, tx), v);
        await ctx.jobs.cancel(tx.q, { key: publishing.jobKey(tx.env, 'publish', v) });
        await ctx.jobs.cancel(tx.q, { key: publishing.jobKey(tx.env, 'unpublish', v) });
      });
      return { status: 204 };
    });
  }
}

/** Commands on a language variant, in every identifier form: workflow steps, new version, publishing. */
function variantCommandRoutes(op: Op): void {
  for (const form of forms) {
    op(
      `changeWorkflowOfLanguageVariant${form}`,
      command(async (rc, v, t, ctx) => {
        await variants.applyChangeWorkflow(rc, v, t.item, ctx.body as variants.ChangeWorkflowInput);
        await repo.saveVariant(rc.scope, v);
      }),
    );
    op(
      `changeWorkflowStepOfLanguageVariant${form}`,
      command(async (rc, v, t, ctx) => {
        const step =
          ctx.params.step_id !== undefined ? { id: ctx.params.step_id } : { codename: ctx.params.step_codename! };
        await variants.applyChangeStep(
          rc,
          v,
          t.item,
          step,
          ctx.params.step_id !== undefined ? 'step_id' : 'step_codename',
        );
        await repo.saveVariant(rc.scope, v);
      }),
    );
    op(
      `createNewVersionOfLanguageVariant${form}`,
      command((rc, v) => variants.createNewVersion(rc, v)),
    );
    op(
      `publishLanguageVariant${form}`,
      command((rc, v, t, ctx) => publishing.publish(rc, v, t.item, ctx.body as publishing.ScheduleInput | undefined)),
    );
    op(
      `schedulePublishAndUnpublishLanguageVariant${form}`,
      command((rc, v, t, ctx) =>
        publishing.schedulePublishAndUnpublish(rc, v, t.item, ctx.body as publishing.SchedulePublishAndUnpublishInput),
      ),
    );
    op(
      `cancelScheduledPublishingOfLanguageVariant${form}`,
      command((rc, v) => publishing.cancelScheduledPublish(rc, v)),
    );
    op(
      `cancelScheduledUnpublishingOfLanguageVariant${form}`,
      command((rc, v) => publishing.cancelScheduledUnpublish(rc, v)),
    );
    op(
      `unpublishAndArchiveLanguageVariant${form}`,
      command((rc, v, _t, ctx) =>
        publishing.unpublishAndArchive(rc, v, ctx.body as publishing.ScheduleInput | undefined),
      ),
    );
    op(
      `unpublishLanguageVariantToFirstStep${form}`,
      command((rc, v) => publishing.unpublishToFirstStep(rc, v)),
    );
  }
}

/** Variant lists: of an item, a content type, a collection, a space. */
function variantListRoutes(op: Op, pageSize: number): void {
  for (const form of ['', 'ByCodename', 'ByExternalId']) {
    op(`listLanguageVariantsOfItem${form}`, async (ctx) => {
      const s = read(ctx);
      const item = await repo.findItem(s, ref(ctx, 'item'));
      if (!item) throw notFound(CODE.itemNotFound, 'The requested content item was not found.');
      const all = await repo.pageVariants(s, { itemId: item.id }, 0, Number.MAX_SAFE_INTEGER);
      return { body: all.records.map(variants.variantToApi) };
    });
  }

  /** A page of a variant list; `list` names the token's list (a token of another list is refused, 1007). */
  const variantPage = async (ctx: Ctx, list: model.PagedList, filter: repo.VariantListFilter) => {
    const page = await repo.pageVariants(read(ctx), filter, model.parseContinuation(list, continuation(ctx)), pageSize);
    return {
      body: { variants: page.records.map(variants.variantToApi), pagination: model.pagination(list, ctx.url, page) },
    };
  };
  for (const form of ['', 'ByCodename', 'ByExternalId']) {
    op(`listLanguageVariantsOfContentType${form}`, async (ctx) =>
      variantPage(ctx, 'type-variants', { typeId: (await typeOf(ctx)).id }),
    );
    // wfkit models no rich text components: the variants that use the type are those of its items.
    op(`listLanguageVariantsOfContentTypeWithComponents${form}`, async (ctx) =>
      variantPage(ctx, 'type-components', { typeId: (await typeOf(ctx)).id }),
    );
    op(`listLanguageVariantsByCollection${form}`, async (ctx) => {
      const c = await repo.findCollection(read(ctx), ref(ctx, 'collection'));
      if (!c) throw notFound(CODE.generic, 'The requested collection was not found.');
      return variantPage(ctx, 'collection-variants', { collectionId: c.id });
    });
  }
  for (const form of ['', 'ByCodename']) {
    op(`listLanguageVariantsBySpace${form}`, async (ctx) => {
      const space = await repo.findSpace(read(ctx), ref(ctx, 'space'));
      if (!space) throw notFound(CODE.generic, 'The requested space was not found.');
      return variantPage(ctx, 'space-variants', { spaceId: space.id });
    });
  }
}

/** Items with their variants: filter and bulk get. */
function itemsWithVariantRoutes(op: Op, pageSize: number): void {
  op('filterItemsWithVariants', async (ctx) => {
    const input = (ctx.body ?? {}) as withVariant.FilterInput;
    const offset = model.parseContinuation('filter', continuation(ctx));
    const s = read(ctx);
    const all = await withVariant.filterItemsWithVariants(s, input);
    const languageId = all[0]?.variant?.languageId ?? (await filterLanguage(s, input));
    const page = all.slice(offset, offset + pageSize);
    const more = offset + pageSize < all.length;
    return {
      body: {
        variants: page.map((p) => withVariant.pairToApi(p, languageId)),
        pagination: model.pagination('filter', ctx.url, { lastSeq: offset + page.length, more }),
      },
    };
  });
  op('bulkGetItemsWithVariants', async (ctx) => {
    model.parseContinuation('bulk-get', continuation(ctx));
    const data = await withVariant.bulkGet(read(ctx), ctx.body as withVariant.BulkGetInput);
    return { body: { data, pagination: { continuation_token: null, next_page: null } } };
  });
}

/** The content model: content types, collections, spaces. */
function contentModelRoutes(op: Op, pageSize: number): void {
  op('listContentTypes', async (ctx) => {
    const page = await repo.pageTypes(read(ctx), model.parseContinuation('types', continuation(ctx)), pageSize);
    return { body: { types: page.records.map(model.typeToApi), pagination: model.pagination('types', ctx.url, page) } };
  });
  op('addContentType', async (ctx) => {
    const t = await inTx(ctx, (tx) => model.addContentType(tx, ctx.ids, ctx.clock.now(), ctx.body as never));
    return { status: 201, body: model.typeToApi(t) };
  });
  for (const form of ['', 'ByCodename', 'ByExternalId']) {
    op(`getContentType${form}`, async (ctx) => ({ body: model.typeToApi(await typeOf(ctx)) }));
    op(`modifyContentType${form}`, async (ctx) => {
      manageModel(ctx);
      const t = await inTx(ctx, async (tx) => {
        const found = await repo.findType(tx, ref(ctx, 'type'), true);
        if (!found) throw notFound(CODE.typeNotFound, 'The requested content type was not found.');
        return (await types.modifyContentType(tx, ctx.ids, ctx.clock.now(), found, ctx.body as never)).type;
      });
      return { body: model.typeToApi(t) };
    });
    op(`deleteContentType${form}`, async (ctx) => {
      manageModel(ctx);
      await inTx(ctx, async (tx) => {
        const found = await repo.findType(tx, ref(ctx, 'type'), true);
        if (!found) throw notFound(CODE.typeNotFound, 'The requested content type was not found.');
        await types.deleteContentType(tx, found);
      });
      return { status: 204 };
    });
  }

  op('listCollections', async (ctx) => ({ body: await model.collectionsListing(read(ctx)) }));
  op('modifyCollections', async (ctx) => ({
    body: await inTx(ctx, async (tx) => {
      await repo.lockWorkflows(tx);
      return model.modifyCollections(tx, ctx.ids, ctx.clock.now(), ctx.body as never);
    }),
  }));

  op('listSpaces', async (ctx) => ({ body: (await repo.listSpaces(read(ctx))).map(spaces.spaceToApi) }));

  op('addSpace', async (ctx) => {
    manageModel(ctx);
    const sp = await inTx(ctx, (tx) => spaces.addSpace(tx, ctx.ids, ctx.body as never));
    return { status: 201, body: spaces.spaceToApi(sp) };
  });
  const loadSpace = async (s: Scope, ctx: Ctx, forUpdate = false) => {
    const sp = await repo.findSpace(s, ref(ctx, 'space'), forUpdate);
    if (!sp) throw notFound(CODE.generic, 'The requested space was not found.');
    return sp;
  };
  for (const form of ['', 'ByCodename']) {
    op(`getSpace${form}`, async (ctx) => ({ body: spaces.spaceToApi(await loadSpace(read(ctx), ctx)) }));
    op(`modifySpace${form}`, async (ctx) => {
      manageModel(ctx);
      const sp = await inTx(ctx, async (tx) =>
        spaces.modifySpace(tx, await loadSpace(tx, ctx, true), ctx.body as never),
      );
      return { body: spaces.spaceToApi(sp) };
    });
    op(`deleteSpace${form}`, async (ctx) => {
      manageModel(ctx);
      await inTx(ctx, async (tx) => repo.deleteSpace(tx, (await loadSpace(tx, ctx, true)).id));
      return { status: 204 };
    });
  }
}

/** Languages, roles and content items. */
function languageRoleItemRoutes(op: Op, pageSize: number): void {
  op('listLanguages', async (ctx) => {
    const page = await repo.pageLanguages(read(ctx), model.parseContinuation('languages', continuation(ctx)), pageSize);
    return {
      body: {
        languages: page.records.map(model.languageToApi),
        pagination: model.pagination('languages', ctx.url, page),
      },
    };
  });
  op('addLanguage', async (ctx) => {
    const l = await inTx(ctx, (tx) => model.addLanguage(tx, ctx.ids, ctx.body as never));
    return { status: 201, body: model.languageToApi(l) };
  });
  const getLanguage = async (ctx: Ctx) => {
    const l = await repo.findLanguage(
      read(ctx),
      ctx.params.language_id !== undefined
        ? { id: ctx.params.language_id }
        : { codename: ctx.params.language_codename },
    );
    if (!l) throw notFound(CODE.languageNotFound, 'The requested language was not found.');
    return { body: model.languageToApi(l) };
  };
  op('getLanguage', getLanguage);
  op('getLanguageByCodename', getLanguage);
  for (const form of ['', 'ByCodename'])
    op(`modifyLanguage${form}`, async (ctx) => {
      const l = await inTx(ctx, async (tx) => {
        const found = await repo.findLanguage(tx, ref(ctx, 'language'));
        if (!found) throw notFound(CODE.languageNotFound, 'The requested language was not found.');
        return model.modifyLanguage(tx, found, ctx.body as never);
      });
      return { body: model.languageToApi(l) };
    });

  op('listRoles', async (ctx) => ({ body: { roles: (await repo.listRoles(read(ctx))).map(model.roleToApi) } }));
  const getRole = async (ctx: Ctx) => {
    const r = await repo.findRole(
      read(ctx),
      ctx.params.role_id !== undefined ? { id: ctx.params.role_id } : { codename: ctx.params.role_codename },
    );
    if (!r) throw notFound(CODE.roleNotFound, 'The requested role was not found.');
    return { body: model.roleToApi(r) };
  };
  op('getRole', getRole);
  op('getRoleByCodename', getRole);

  op('listContentItems', async (ctx) => {
    const page = await repo.pageItems(read(ctx), model.parseContinuation('items', continuation(ctx)), pageSize);
    return { body: { items: page.records.map(model.itemToApi), pagination: model.pagination('items', ctx.url, page) } };
  });
  op('addContentItem', async (ctx) => {
    const i = await inTx(ctx, (tx) => model.addContentItem(tx, ctx.ids, ctx.clock.now(), ctx.body as never));
    return { status: 201, body: model.itemToApi(i) };
  });
  const getItem = async (ctx: Ctx) => {
    const ref =
      ctx.params.item_id !== undefined
        ? { id: ctx.params.item_id }
        : ctx.params.item_codename !== undefined
          ? { codename: ctx.params.item_codename }
          : { external_id: ctx.params.item_external_id };
    const i = await repo.findItem(read(ctx), ref);
    if (!i) throw notFound(CODE.itemNotFound, 'The requested content item was not found.');
    return { body: model.itemToApi(i) };
  };
  op('getContentItem', getItem);
  op('getContentItemByCodename', getItem);
  op('getContentItemByExternalId', getItem);
  op('updateContentItem', async (ctx) => {
    const i = await inTx(ctx, (tx) =>
      model.updateContentItem(tx, ctx.clock.now(), ctx.params.item_id!, ctx.body as never),
    );
    return { body: model.itemToApi(i) };
  });
  op('deleteContentItem', async (ctx) => {
    await inTx(ctx, async (tx) => {
      const item = await repo.findItem(tx, { id: ctx.params.item_id! }, true);
      if (!item) throw notFound(CODE.itemNotFound, 'The requested content item was not found.');
      await ctx.jobs.cancel(tx.q, { scopeId: publishing.itemJobScope(tx.env, item.id) });
      await repo.deleteItem(tx, item.id);
    });
    return { status: 204 };
  });
}
