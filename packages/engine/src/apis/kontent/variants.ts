/**
 * Language variants: identifying them, their API form, upsert (a new variant enters the first step of the workflow
 * whose scope matches its item), change-workflow and the deprecated step endpoint, new-version.
 */
import type { JobQueue } from '../../runtime/jobs.js';
import { badState, CODE, forbidden, invalid, invalidAt, type KontentValidationError, notFound } from './errors.js';
import type {
  ElementValueRecord,
  ItemRecord,
  LanguageRecord,
  Scope,
  VariantRecord,
  WorkflowRecord,
} from './repository.js';
import * as repo from './repository.js';
import { isIanaTimeZone } from './timezones.js';
import {
  ARCHIVED_STEP_ID,
  DEFAULT_WORKFLOW_ID,
  isCustomStep,
  PREDEFINED_STEP_IDS,
  PUBLISHED_STEP_ID,
  RESERVED_STEP_CODENAMES,
  roleAllowed,
  SCHEDULED_STEP_ID,
  scopeMatches,
  workflowForItem,
} from './workflows.js';

/** Who is calling: the configured Management API key has no role (may do everything); personal keys have one. */
export interface Principal {
  roleId: string | null;
  /** The environment of the request (lowercase): every statement of the request is confined to it. */
  environmentId: string;
}

/** What a variant rule needs: the transaction in the request's environment, the time, the job queue and the caller. */
export interface RuleContext {
  scope: Scope;
  now: Date;
  jobs: JobQueue;
  principal: Principal;
}

export interface VariantTarget {
  item: ItemRecord;
  language: LanguageRecord;
}

/** Finds the item and language of a variant route from its path parameters (404 100 / 111). */
export async function resolveTarget(
  q: Scope,
  params: Record<string, string>,
  lockItem = false,
): Promise<VariantTarget> {
  const itemRef =
    params.item_id !== undefined
      ? { id: params.item_id }
      : params.item_codename !== undefined
        ? { codename: params.item_codename }
        : { external_id: params.item_external_id };
  const item = await repo.findItem(q, itemRef, lockItem);
  if (!item) throw notFound(CODE.itemNotFound, 'The requested content item was not found.');
  const language = await repo.findLanguage(
    q,
    params.language_id !== undefined ? { id: params.language_id } : { codename: params.language_codename },
  );
  if (!language) throw notFound(CODE.languageNotFound, 'The requested language was not found.');
  return { item, language };
}

export async function loadVariant(q: Scope, target: VariantTarget, forUpdate = false): Promise<VariantRecord> {
  const v = await repo.findVariant(q, target.item.id, target.language.id, forUpdate);
  if (!v) throw notFound(CODE.variantNotFound, 'The requested language variant was not found.');
  return v;
}

export async function loadWorkflow(q: Scope, id: string): Promise<WorkflowRecord> {
  const w = await repo.findWorkflow(q, { id });
  if (!w) throw new Error(`variant refers to a missing workflow ${id}`);
  return w;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function variantToApi(v: VariantRecord) {
  return {
    item: { id: v.itemId },
    language: { id: v.languageId },
    elements: v.elements,
    workflow: { workflow_identifier: { id: v.workflowId }, step_identifier: { id: v.stepId } },
    workflow_step: { id: v.stepId },
    last_modified: v.lastModified.toISOString(),
    schedule: {
      publish_time: iso(v.publishTime),
      publish_display_timezone: v.publishTime ? v.publishTimezone : null,
      unpublish_time: iso(v.unpublishTime),
      unpublish_display_timezone: v.unpublishTime ? v.unpublishTimezone : null,
    },
    contributors: v.contributors,
    due_date: { value: iso(v.dueDate) },
    note: v.note,
  };
}

/** The published version (404 122 when there is none). */
export function publishedToApi(v: VariantRecord) {
  const p = v.published;
  if (!p) throw notFound(CODE.noPublishedVersion, 'The language variant has no published version.');
  return {
    item: { id: v.itemId },
    language: { id: v.languageId },
    elements: p.elements,
    workflow: { workflow_identifier: { id: p.workflow_id }, step_identifier: { id: PUBLISHED_STEP_ID } },
    workflow_step: { id: PUBLISHED_STEP_ID },
    last_modified: p.last_modified,
    schedule: {
      publish_time: null,
      publish_display_timezone: null,
      unpublish_time: iso(v.unpublishTime),
      unpublish_display_timezone: v.unpublishTime ? v.unpublishTimezone : null,
    },
    contributors: p.contributors,
    due_date: { value: p.due_date },
    note: p.note,
  };
}

/** Role check for working with a variant in its current step (Archived: the archived step's roles). */
export function assertMayWorkInStep(w: WorkflowRecord, stepId: string, principal: Principal): void {
  const allowed =
    stepId === ARCHIVED_STEP_ID ? w.archivedRoleIds : (w.steps.find((s) => s.id === stepId)?.role_ids ?? []);
  if (!roleAllowed(allowed, principal.roleId)) {
    throw forbidden("The API key's role may not work with language variants in the variant's current workflow step.");
  }
}

type StepRef = { id?: string; codename?: string };

const isPredefinedRef = (ref: StepRef) =>
  (ref.codename !== undefined && RESERVED_STEP_CODENAMES[ref.codename] !== undefined) ||
  (ref.id !== undefined && PREDEFINED_STEP_IDS.includes(ref.id.toLowerCase()));

const reservedStepError = () =>
  badState(
    CODE.reservedStep,
    'A language variant cannot be moved to the Published, Scheduled or Archived step with change-workflow. Use publish or unpublish-and-archive.',
  );

function findStep(w: WorkflowRecord, ref: StepRef) {
  return ref.id !== undefined
    ? w.steps.find((s) => s.id === ref.id!.toLowerCase())
    : w.steps.find((s) => s.codename === ref.codename);
}

export interface ChangeWorkflowInput {
  workflow_identifier: StepRef;
  step_identifier: StepRef;
  due_date?: { value: string | null };
  contributors?: repo.ContributorRecord[];
  note?: string | null;
}

/**
 * Moves the variant to a custom step of a workflow under the change-workflow rules; `paths` names the fields for
 * errors (the body's, or the deprecated endpoint's step parameter). Mutates v (the caller saves it).
 */
export async function applyChangeWorkflow(
  ctx: RuleContext,
  v: VariantRecord,
  item: ItemRecord,
  input: ChangeWorkflowInput,
  paths: { workflow: string; step: string } = { workflow: 'workflow_identifier', step: 'step_identifier' },
): Promise<void> {
  const target = await repo.findWorkflow(
    ctx.scope,
    input.workflow_identifier.id !== undefined
      ? { id: input.workflow_identifier.id.toLowerCase() }
      : input.workflow_identifier,
  );
  if (!target) throw invalidAt(paths.workflow, 'The workflow was not found.');
  if (isPredefinedRef(input.step_identifier)) throw reservedStepError();
  const step = findStep(target, input.step_identifier);
  if (!step) throw invalidAt(paths.step, `The step is not a step of the workflow "${target.codename}".`);
  if (v.stepId === PUBLISHED_STEP_ID || v.stepId === SCHEDULED_STEP_ID) {
    throw invalid(
      'The workflow step of a published or scheduled language variant cannot be changed. Create a new version, unpublish it or cancel the schedule first.',
    );
  }
  const current = await loadWorkflow(ctx.scope, v.workflowId);
  assertMayWorkInStep(current, v.stepId, ctx.principal);
  if (target.id === current.id) {
    if (v.stepId !== ARCHIVED_STEP_ID && v.stepId !== step.id) {
      const from = current.steps.find((s) => s.id === v.stepId);
      if (!from?.transitions_to.includes(step.id)) {
        throw invalidAt(paths.step, `The step "${from?.codename}" has no transition to the step "${step.codename}".`);
      }
    }
  } else if (target.id !== DEFAULT_WORKFLOW_ID && !target.scopes.some((s) => scopeMatches(s, item))) {
    throw invalidAt(
      paths.workflow,
      `The scope of the workflow "${target.codename}" doesn't include this content item.`,
    );
  }
  v.workflowId = target.id;
  v.stepId = step.id;
  if (input.due_date !== undefined) v.dueDate = input.due_date.value ? new Date(input.due_date.value) : null;
  if (input.contributors !== undefined) v.contributors = input.contributors;
  if (input.note !== undefined) v.note = input.note;
  v.lastModified = ctx.now;
}

/** The deprecated `PUT .../workflow/{step}`: change-workflow within the default workflow. */
export async function applyChangeStep(
  ctx: RuleContext,
  v: VariantRecord,
  item: ItemRecord,
  step: StepRef,
  paramName: string,
) {
  if (v.workflowId !== DEFAULT_WORKFLOW_ID) {
    throw invalid('The language variant is not in the default workflow; use change-workflow.');
  }
  await applyChangeWorkflow(
    ctx,
    v,
    item,
    { workflow_identifier: { id: DEFAULT_WORKFLOW_ID }, step_identifier: step },
    {
      workflow: paramName,
      step: paramName,
    },
  );
}

export interface UpsertInput {
  elements?: { element: repo.Ref; value: string | number | null; display_timezone?: string | null }[];
  workflow?: { workflow_identifier: StepRef; step_identifier: StepRef };
  contributors?: repo.ContributorRecord[];
  due_date?: { value: string | null };
  note?: string | null;
}

/** Resolves element references against the item's type and checks every value; merges into `current`. */
async function mergeElements(
  q: Scope,
  item: ItemRecord,
  current: ElementValueRecord[],
  input: UpsertInput['elements'],
) {
  if (!input) return current;
  const type = await repo.findType(q, { id: item.type_id });
  const errors: KontentValidationError[] = [];
  const merged = [...current];
  input.forEach((e, i) => {
    const el = type?.elements.find((x) =>
      e.element.id !== undefined
        ? x.id === e.element.id.toLowerCase()
        : e.element.codename !== undefined
          ? x.codename === e.element.codename
          : x.external_id === e.element.external_id,
    );
    if (!el) {
      errors.push({
        path: `elements[${i}].element`,
        message: "The element is not an element of the item's content type.",
      });
      return;
    }
    const v = e.value;
    const ok =
      v === null ||
      ((el.type === 'text' || el.type === 'rich_text') && typeof v === 'string') ||
      (el.type === 'number' && typeof v === 'number') ||
      (el.type === 'date_time' &&
        typeof v === 'string' &&
        !Number.isNaN(Date.parse(v)) &&
        /^\d{4}-\d{2}-\d{2}T/.test(v));
    if (!ok) {
      errors.push({
        path: `elements[${i}].value`,
        message: `The value doesn't fit the ${el.type} element "${el.codename}".`,
      });
      return;
    }
    if (typeof e.display_timezone === 'string' && !isIanaTimeZone(e.display_timezone)) {
      errors.push({
        path: `elements[${i}].display_timezone`,
        message: `'${e.display_timezone}' is not a valid IANA time zone.`,
      });
      return;
    }
    const record: ElementValueRecord = { element: { id: el.id }, value: v };
    if (el.type === 'date_time' && e.display_timezone !== undefined) record.display_timezone = e.display_timezone;
    const at = merged.findIndex((m) => m.element.id === el.id);
    if (at >= 0) merged[at] = record;
    else merged.push(record);
  });
  if (errors.length > 0)
    throw invalid('The provided language variant is invalid. See validation_errors for details.', errors);
  return merged;
}

/** Creates (201) or updates (200) a variant. */
export async function upsertVariant(ctx: RuleContext, target: VariantTarget, input: UpsertInput) {
  const { item, language } = target;
  const existing = await repo.findVariant(ctx.scope, item.id, language.id, true);
  if (!existing) {
    if (!language.is_active)
      throw invalid(
        `The language "${language.codename}" is not active; variants can be created only in active languages.`,
      );
    let workflow: WorkflowRecord;
    let stepId: string;
    if (input.workflow) {
      const ref = input.workflow.workflow_identifier;
      const w = await repo.findWorkflow(ctx.scope, ref.id !== undefined ? { id: ref.id.toLowerCase() } : ref);
      if (!w) throw invalidAt('workflow.workflow_identifier', 'The workflow was not found.');
      const step = isPredefinedRef(input.workflow.step_identifier)
        ? undefined
        : findStep(w, input.workflow.step_identifier);
      if (!step)
        throw invalidAt('workflow.step_identifier', `The step is not a custom step of the workflow "${w.codename}".`);
      workflow = w;
      stepId = step.id;
    } else {
      workflow = workflowForItem(await repo.listWorkflows(ctx.scope), item);
      stepId = workflow.steps[0]!.id;
    }
    assertMayWorkInStep(workflow, stepId, ctx.principal);
    const v: VariantRecord = {
      itemId: item.id,
      languageId: language.id,
      elements: await mergeElements(ctx.scope, item, [], input.elements),
      workflowId: workflow.id,
      stepId,
      contributors: input.contributors ?? [],
      dueDate: input.due_date?.value ? new Date(input.due_date.value) : null,
      note: input.note ?? null,
      lastModified: ctx.now,
      publishTime: null,
      publishTimezone: null,
      unpublishTime: null,
      unpublishTimezone: null,
      published: null,
    };
    await repo.saveVariant(ctx.scope, v);
    return { status: 201, variant: v };
  }
  const v = existing;
  if (v.stepId === PUBLISHED_STEP_ID || v.stepId === SCHEDULED_STEP_ID || v.stepId === ARCHIVED_STEP_ID) {
    throw invalid(
      'A language variant in the Published, Scheduled or Archived step cannot be updated. Create a new version, cancel the schedule or restore it first.',
    );
  }
  const workflow = await loadWorkflow(ctx.scope, v.workflowId);
  assertMayWorkInStep(workflow, v.stepId, ctx.principal);
  v.elements = await mergeElements(ctx.scope, item, v.elements, input.elements);
  if (input.workflow) {
    const w = input.workflow;
    const sameWorkflow =
      w.workflow_identifier.id !== undefined
        ? w.workflow_identifier.id.toLowerCase() === workflow.id
        : w.workflow_identifier.codename === workflow.codename;
    const sameStep = sameWorkflow && findStep(workflow, w.step_identifier)?.id === v.stepId;
    if (!sameStep) {
      await applyChangeWorkflow(ctx, v, item, w, {
        workflow: 'workflow.workflow_identifier',
        step: 'workflow.step_identifier',
      });
    }
  }
  if (input.contributors !== undefined) v.contributors = input.contributors;
  if (input.due_date !== undefined) v.dueDate = input.due_date.value ? new Date(input.due_date.value) : null;
  if (input.note !== undefined) v.note = input.note;
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
  return { status: 200, variant: v };
}

/**
 * Delete: not while published (a published version exists) or scheduled (for publishing or unpublishing); the role
 * must be allowed in the current step.
 */
export async function deleteVariant(ctx: RuleContext, v: VariantRecord): Promise<void> {
  if (v.published || v.stepId === PUBLISHED_STEP_ID || v.stepId === SCHEDULED_STEP_ID || v.unpublishTime) {
    throw invalid(
      'A published or scheduled language variant cannot be deleted. Unpublish it or cancel the schedule first.',
    );
  }
  assertMayWorkInStep(await loadWorkflow(ctx.scope, v.workflowId), v.stepId, ctx.principal);
  await repo.deleteVariant(ctx.scope, v.itemId, v.languageId);
}

/** new-version: a published variant (without a newer version) gets a new version in its workflow's first step. */
export async function createNewVersion(ctx: RuleContext, v: VariantRecord): Promise<void> {
  if (v.stepId !== PUBLISHED_STEP_ID) {
    throw badState(
      CODE.newVersionNotPublished,
      v.published
        ? 'A newer version of the language variant already exists.'
        : 'A new version cannot be created: the language variant is not published.',
    );
  }
  const workflow = await loadWorkflow(ctx.scope, v.workflowId);
  if (!roleAllowed(workflow.createNewVersionRoleIds, ctx.principal.roleId)) {
    throw forbidden("The API key's role may not create new versions of published language variants in this workflow.");
  }
  v.stepId = workflow.steps[0]!.id;
  v.lastModified = ctx.now;
  await repo.saveVariant(ctx.scope, v);
}

export { isCustomStep };
