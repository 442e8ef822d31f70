/**
 * Publishing: publish now or scheduled, schedule-publish-and-unpublish, cancelling either schedule, unpublish,
 * unpublish-and-archive. Scheduled publishing and unpublishing are durable jobs (src/runtime/jobs.ts) with one key
 * per variant and kind, written in the request's transaction: they fire at their time, after a restart too, and once
 * (the executor deletes a job in the transaction that runs it).
 */
import type { JobHandler } from '../../runtime/jobs.js';
import { badState, CODE, forbidden, invalid, invalidAt, type KontentValidationError } from './errors.js';
import type { ItemRecord, Scope, VariantRecord, WorkflowRecord } from './repository.js';
import * as repo from './repository.js';
import { assertTimeZones } from './timezones.js';
import { assertMayWorkInStep, loadWorkflow, type RuleContext } from './variants.js';
import { ARCHIVED_STEP_ID, PUBLISHED_STEP_ID, roleAllowed, SCHEDULED_STEP_ID } from './workflows.js';

export const PUBLISH_JOB = 'kontent.publish';
export const UNPUBLISH_JOB = 'kontent.unpublish';

export interface ScheduleJobPayload {
  /** The variant's environment (absent in jobs written before environments: the primary environment's). */
  environmentId?: string;
  itemId: string;
  languageId: string;
  /** The time the job was scheduled for (a stale job whose time no longer matches does nothing). */
  at: string;
}

/** One job per environment, variant and kind (environments may share item ids only by chance, never jobs). */
export const jobKey = (env: string, kind: 'publish' | 'unpublish', v: VariantRecord) =>
  `kontent:${env}:${kind}:${v.itemId}:${v.languageId}`;
/** The scope id of an item's jobs: deleting the item cancels them. */
export const itemJobScope = (env: string, itemId: string) => `kontent:${env}:${itemId}`;

type JobScope = { scope: Scope; jobs: RuleContext['jobs'] };

async function schedulePublishJob(ctx: RuleContext, v: VariantRecord, at: Date) {
  await ctx.jobs.enqueue<ScheduleJobPayload>(ctx.scope.q, {
    type: PUBLISH_JOB,
    key: jobKey(ctx.scope.env, 'publish', v),
    scopeId: itemJobScope(ctx.scope.env, v.itemId),
    // Owned by Kontent and its environment (runtime ownership): no other API lists or changes these jobs.
    owner: { api: 'kontent', tenant: ctx.scope.env },
    dueAt: at,
    payload: { environmentId: ctx.scope.env, itemId: v.itemId, languageId: v.languageId, at: at.toISOString() },
  });
}

async function scheduleUnpublishJob(ctx: RuleContext, v: VariantRecord, at: Date) {
  await ctx.jobs.enqueue<ScheduleJobPayload>(ctx.scope.q, {
    type: UNPUBLISH_JOB,
    key: jobKey(ctx.scope.env, 'unpublish', v),
    scopeId: itemJobScope(ctx.scope.env, v.itemId),
    // Owned by Kontent and its environment (runtime ownership): no other API lists or changes these jobs.
    owner: { api: 'kontent', tenant: ctx.scope.env },
    dueAt: at,
    payload: { environmentId: ctx.scope.env, itemId: v.itemId, languageId: v.languageId, at: at.toISOString() },
  });
}

async function cancelPublish(ctx: JobScope, v: VariantRecord) {
  v.publishTime = null;
  v.publishTimezone = null;
  await ctx.jobs.cancel(ctx.scope.q, { key: jobKey(ctx.scope.env, 'publish', v) });
}

async function cancelUnpublish(ctx: JobScope, v: VariantRecord) {
  v.unpublishTime = null;
  v.unpublishTimezone = null;
  await ctx.jobs.cancel(ctx.scope.q, { key: jobKey(ctx.scope.env, 'unpublish', v) });
}

/** Makes the latest version the published one. */
function publishNow(v: VariantRecord, now: Date) {
  v.published = {
    elements: v.elements,
    workflow_id: v.workflowId,
    contributors: v.contributors,
    due_date: v.dueDate ? v.dueDate.toISOString() : null,
    note: v.note,
    last_modified: now.toISOString(),
  };
  v.stepId = PUBLISHED_STEP_ID;
  v.publishTime = null;
  v.publishTimezone = null;
  v.lastModified = now;
}

/** A variant in a custom step may be published when the step lists Published and the role is allowed there. */
async function assertMayPublish(ctx: RuleContext, v: VariantRecord, item: ItemRecord, w: WorkflowRecord) {
  if (v.stepId === ARCHIVED_STEP_ID)
    throw invalid('An archived language variant cannot be published; restore it to a workflow step first.');
  if (v.stepId === SCHEDULED_STEP_ID)
    throw invalid('The language variant is already scheduled for publishing; cancel or reschedule it.');
  const step = w.steps.find((s) => s.id === v.stepId);
  assertMayWorkInStep(w, v.stepId, ctx.principal);
  if (!step?.transitions_to.includes(PUBLISHED_STEP_ID)) {
    throw invalid(`The workflow step "${step?.codename}" has no transition to the Published step.`);
  }
  // Required elements need a value.
  const type = await repo.findType(ctx.scope, { id: item.type_id });
  const errors: KontentValidationError[] = [];
  for (const el of type?.elements ?? []) {
    if (!el.is_required) continue;
    const i = v.elements.findIndex((e) => e.element.id === el.id);
    const value = i >= 0 ? v.elements[i]!.value : null;
    if (value === null || value === '') {
      errors.push({
        path: i >= 0 ? `elements[${i}].value` : 'elements',
        message: `The required element "${el.codename}" has no value.`,
      });
    }
  }
  if (errors.length > 0)
    throw invalid('The language variant cannot be published. See validation_errors for details.', errors);
}

function future(ctx: RuleContext, value: string, path: string): Date {
  const at = new Date(value);
  if (!(at.getTime() > ctx.now.getTime())) throw invalidAt(path, 'The date must be in the future.');
  return at;
}

export interface ScheduleInput {
  scheduled_to?: string;
  display_timezone?: string;
}

export async function publish(ctx: RuleContext, v: VariantRecord, item: ItemRecord, input: ScheduleInput | undefined) {
  assertTimeZones({ display_timezone: input?.display_timezone });
  // Publishing or scheduling an already published variant has no effect.
  if (v.stepId === PUBLISHED_STEP_ID) return;
  const w = await loadWorkflow(ctx.scope, v.workflowId);
  const at = input?.scheduled_to !== undefined ? future(ctx, input.scheduled_to, 'scheduled_to') : undefined;
  await assertMayPublish(ctx, v, item, w);
  if (at) {
    v.stepId = SCHEDULED_STEP_ID;
    v.publishTime = at;
    v.publishTimezone = input?.display_timezone ?? null;
    v.lastModified = ctx.now;
    await schedulePublishJob(ctx, v, at);
  } else {
    publishNow(v, ctx.now);
  }
  await repo.saveVariant(ctx.scope, v);
}

export interface SchedulePublishAndUnpublishInput {
  publish_scheduled_to?: string;
  publish_display_timezone?: string;
  unpublish_scheduled_to?: string;
  unpublish_display_timezone?: string;
  display_timezone?: string;
}

export async function schedulePublishAndUnpublish(
  ctx: RuleContext,
  v: VariantRecord,
  item: ItemRecord,
  input: SchedulePublishAndUnpublishInput,
) {
  assertTimeZones({
    publish_display_timezone: input.publish_display_timezone,
    unpublish_display_timezone: input.unpublish_display_timezone,
    display_timezone: input.display_timezone,
  });
  if (input.publish_scheduled_to === undefined && input.unpublish_scheduled_to === undefined) {
    throw invalid('Give publish_scheduled_to, unpublish_scheduled_to or both.', [
      { message: 'Give publish_scheduled_to, unpublish_scheduled_to or both.' },
    ]);
  }
  const publishAt =
    input.publish_scheduled_to !== undefined
      ? future(ctx, input.publish_scheduled_to, 'publish_scheduled_to')
      : undefined;
  const unpublishAt =
    input.unpublish_scheduled_to !== undefined
      ? future(ctx, input.unpublish_scheduled_to, 'unpublish_scheduled_to')
      : undefined;
  const w = await loadWorkflow(ctx.scope, v.workflowId);
  if (publishAt && v.stepId !== PUBLISHED_STEP_ID) {
    if (v.stepId === SCHEDULED_STEP_ID) assertMayWorkInStep(w, w.steps[0]!.id, ctx.principal);
    else await assertMayPublish(ctx, v, item, w);
    v.stepId = SCHEDULED_STEP_ID;
    v.publishTime = publishAt;
    v.publishTimezone = input.publish_display_timezone ?? input.display_timezone ?? null;
    await schedulePublishJob(ctx, v, publishAt);
  }
  if (unpublishAt) {
    if (!v.published && v.stepId !== SCHEDULED_STEP_ID) {
      throw invalidAt(
        'unpublish_scheduled_to',
        'Only a published language variant, or one scheduled for publishing, can be scheduled for unpublishing.',
      );
    }
    if (v.stepId === SCHEDULED_STEP_ID && v.publishTime && unpublishAt.getTime() <= v.publishTime.getTime()) {
      throw invalidAt('unpublish_scheduled_to', 'The unpublish date must be after the publish date.');
    }
    if (!roleAllowed(w.unpublishRoleIds, ctx.principal.roleId)) {
      throw forbidden("The API key's role may not unpublish language variants in this workflow.");
    }
    v.unpublishTime = unpublishAt;
    v.unpublishTimezone = input.unpublish_display_timezone ?? input.display_timezone ?? null;
    await scheduleUnpublishJob(ctx, v, unpublishAt);
  }
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

export async function cancelScheduledPublish(ctx: RuleContext, v: VariantRecord) {
  if (v.stepId !== SCHEDULED_STEP_ID) {
    throw badState(CODE.nothingScheduled, 'The language variant is not scheduled for publishing.');
  }
  const w = await loadWorkflow(ctx.scope, v.workflowId);
  v.stepId = w.steps[0]!.id;
  await cancelPublish(ctx, v);
  await cancelUnpublish(ctx, v);
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

export async function cancelScheduledUnpublish(ctx: RuleContext, v: VariantRecord) {
  if (!v.unpublishTime)
    throw badState(CODE.nothingScheduled, 'The language variant is not scheduled for unpublishing.');
  await cancelUnpublish(ctx, v);
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

export async function unpublishAndArchive(ctx: RuleContext, v: VariantRecord, input: ScheduleInput | undefined) {
  assertTimeZones({ display_timezone: input?.display_timezone });
  const w = await loadWorkflow(ctx.scope, v.workflowId);
  if (input?.scheduled_to !== undefined) {
    const at = future(ctx, input.scheduled_to, 'scheduled_to');
    if (!v.published && v.stepId !== SCHEDULED_STEP_ID) {
      throw badState(
        CODE.notPublished,
        'Only a published language variant, or one scheduled for publishing, can be scheduled for unpublishing.',
      );
    }
    if (v.stepId === SCHEDULED_STEP_ID && v.publishTime && at.getTime() <= v.publishTime.getTime()) {
      throw invalidAt('scheduled_to', 'The unpublish date must be after the publish date.');
    }
    if (!roleAllowed(w.unpublishRoleIds, ctx.principal.roleId)) {
      throw forbidden("The API key's role may not unpublish language variants in this workflow.");
    }
    v.unpublishTime = at;
    v.unpublishTimezone = input.display_timezone ?? null;
    v.lastModified = ctx.now;
    await scheduleUnpublishJob(ctx, v, at);
    await repo.saveVariant(ctx.scope, v);
    return;
  }
  if (v.published) {
    if (!roleAllowed(w.unpublishRoleIds, ctx.principal.roleId)) {
      throw forbidden("The API key's role may not unpublish language variants in this workflow.");
    }
    // A newer version in progress stays where it is; only the published version goes.
    if (v.stepId === PUBLISHED_STEP_ID) v.stepId = ARCHIVED_STEP_ID;
    v.published = null;
    await cancelUnpublish(ctx, v);
  } else {
    const step = w.steps.find((s) => s.id === v.stepId);
    if (!step?.transitions_to.includes(ARCHIVED_STEP_ID)) {
      throw badState(
        CODE.notPublished,
        'The language variant is not published, and its workflow step has no transition to Archived.',
      );
    }
    assertMayWorkInStep(w, v.stepId, ctx.principal);
    v.stepId = ARCHIVED_STEP_ID;
  }
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

/** The deprecated unpublish: back to the first step of the workflow. */
export async function unpublishToFirstStep(ctx: RuleContext, v: VariantRecord) {
  if (!v.published) throw badState(CODE.notPublished, 'The language variant is not published.');
  const w = await loadWorkflow(ctx.scope, v.workflowId);
  if (!roleAllowed(w.unpublishRoleIds, ctx.principal.roleId)) {
    throw forbidden("The API key's role may not unpublish language variants in this workflow.");
  }
  if (v.stepId === PUBLISHED_STEP_ID) v.stepId = w.steps[0]!.id;
  v.published = null;
  await cancelUnpublish(ctx, v);
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

// --- jobs -----------------------------------------------------------------------------------------------------------

/**
 * The scope of a scheduled job: its environment, in the job's transaction. Jobs written before environments existed
 * name none: their item's environment is found by its id (item ids are generated UUIDs).
 */
async function jobScope(job: { payload: ScheduleJobPayload }, ctx: Parameters<JobHandler>[1]): Promise<Scope> {
  const env = job.payload.environmentId ?? (await repo.environmentOfItem(ctx.tx, job.payload.itemId)) ?? '';
  return { q: ctx.tx, env };
}

export const publishJob: JobHandler<ScheduleJobPayload> = async (job, ctx) => {
  const scope = await jobScope(job, ctx);
  const v = await repo.findVariant(scope, job.payload.itemId, job.payload.languageId, true);
  if (!v || v.stepId !== SCHEDULED_STEP_ID || v.publishTime?.toISOString() !== job.payload.at) return;
  publishNow(v, ctx.clock.now());
  await repo.saveVariant(scope, v);
  ctx.logger.info('kontent: scheduled publish done', {
    environmentId: scope.env,
    itemId: v.itemId,
    languageId: v.languageId,
  });
};

export const unpublishJob: JobHandler<ScheduleJobPayload> = async (job, ctx) => {
  const scope = await jobScope(job, ctx);
  const v = await repo.findVariant(scope, job.payload.itemId, job.payload.languageId, true);
  if (!v || v.unpublishTime?.toISOString() !== job.payload.at) return;
  const now = ctx.clock.now();
  if (v.stepId === PUBLISHED_STEP_ID) v.stepId = ARCHIVED_STEP_ID;
  else if (v.stepId === SCHEDULED_STEP_ID && !v.published) {
    v.stepId = ARCHIVED_STEP_ID;
    await cancelPublish({ scope, jobs: ctx.jobs }, v);
  }
  v.published = null;
  v.unpublishTime = null;
  v.unpublishTimezone = null;
  v.lastModified = now;
  await repo.saveVariant(scope, v);
  ctx.logger.info('kontent: scheduled unpublish done', {
    environmentId: scope.env,
    itemId: v.itemId,
    languageId: v.languageId,
  });
};
