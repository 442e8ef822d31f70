/**
 * Workflow rules: the predefined steps, validation of add/update bodies (every problem at once, with paths), scope
 * matching and overlap, and the API representation.
 */
import { invalid, type KontentValidationError } from './errors.js';
import type { Ref, Scope, ScopeRecord, StepRecord, WorkflowRecord } from './repository.js';
import * as repo from './repository.js';

export const DEFAULT_WORKFLOW_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_COLLECTION_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_LANGUAGE_ID = '00000000-0000-0000-0000-000000000000';
export const PUBLISHED_STEP_ID = 'c199950d-99f0-4983-b711-6c4c91624b22';
export const SCHEDULED_STEP_ID = '9d2b0228-4d0d-4c23-8b49-01a698857709';
export const ARCHIVED_STEP_ID = '7a535a69-ad34-47f8-806a-def1fdf4d391';
export const PREDEFINED_STEP_IDS = [PUBLISHED_STEP_ID, SCHEDULED_STEP_ID, ARCHIVED_STEP_ID];
export const RESERVED_STEP_CODENAMES: Record<string, string> = {
  published: PUBLISHED_STEP_ID,
  scheduled: SCHEDULED_STEP_ID,
  archived: ARCHIVED_STEP_ID,
};

export const isCustomStep = (w: WorkflowRecord, stepId: string) => w.steps.some((s) => s.id === stepId);

/** Empty role lists allow every role; a key without a role (the Management API key) may do everything. */
/** The Project manager role (seeded in every environment). */
export const PROJECT_MANAGER_ROLE_ID = 'f58733b9-520b-406b-9d45-eb15a2baee96';

/**
 * Managing workflows (add, update, delete) is a permission of its own, not a step's `role_ids`: a Management API key
 * (no role) has it, and a personal key only with the Project manager role.
 */
export function mayManageWorkflows(principal: { roleId: string | null }): boolean {
  return principal.roleId === null || principal.roleId === PROJECT_MANAGER_ROLE_ID;
}

export function roleAllowed(allowed: readonly string[], roleId: string | null): boolean {
  return roleId === null || allowed.length === 0 || allowed.includes(roleId);
}

export function workflowToApi(w: WorkflowRecord) {
  return {
    id: w.id,
    name: w.name,
    codename: w.codename,
    scopes: w.scopes.map((s) => ({
      content_types: s.content_types.map((id) => ({ id })),
      collections: s.collections.map((id) => ({ id })),
    })),
    steps: w.steps.map((s) => ({
      id: s.id,
      name: s.name,
      codename: s.codename,
      color: s.color,
      transitions_to: s.transitions_to.map((id) => ({ step: { id } })),
      role_ids: s.role_ids,
    })),
    published_step: {
      id: PUBLISHED_STEP_ID,
      name: 'Published',
      codename: 'published',
      unpublish_role_ids: w.unpublishRoleIds,
      create_new_version_role_ids: w.createNewVersionRoleIds,
    },
    scheduled_step: { id: SCHEDULED_STEP_ID, name: 'Scheduled', codename: 'scheduled' },
    archived_step: { id: ARCHIVED_STEP_ID, name: 'Archived', codename: 'archived', role_ids: w.archivedRoleIds },
  };
}

/** The deprecated `GET /workflow`: the default workflow's steps, then Scheduled, Published and Archived. */
export function legacySteps(w: WorkflowRecord) {
  return [
    ...w.steps.map((s) => ({ id: s.id, name: s.name, codename: s.codename, transitions_to: s.transitions_to })),
    { id: SCHEDULED_STEP_ID, name: 'Scheduled', codename: 'scheduled', transitions_to: [] },
    { id: PUBLISHED_STEP_ID, name: 'Published', codename: 'published', transitions_to: [] },
    { id: ARCHIVED_STEP_ID, name: 'Archived', codename: 'archived', transitions_to: [] },
  ];
}

/** A codename from a display name: `My workflow` → `my_workflow`. */
export function codenameFrom(name: string): string {
  let c = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!c) c = 'n';
  if (/^[0-9]/.test(c)) c = `n${c}`;
  return c.slice(0, 60);
}

/** The first free codename among `base`, `base_2`, `base_3`, ... */
export async function uniqueCodename(base: string, taken: (c: string) => boolean | Promise<boolean>): Promise<string> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `_${n}`;
    const candidate = base.slice(0, 60 - suffix.length) + suffix;
    if (!(await taken(candidate))) return candidate;
  }
}

// --- scopes ---------------------------------------------------------------------------------------------------------

/** Whether a scope matches an item: each list is empty or contains the item's type / collection. */
export function scopeMatches(s: ScopeRecord, item: { type_id: string; collection_id: string }): boolean {
  return (
    (s.content_types.length === 0 || s.content_types.includes(item.type_id)) &&
    (s.collections.length === 0 || s.collections.includes(item.collection_id))
  );
}

const specificity = (s: ScopeRecord) => (s.content_types.length > 0 ? 1 : 0) + (s.collections.length > 0 ? 1 : 0);

/** The workflow a new variant of the item enters: the most specific matching scope; the default workflow if none. */
export function workflowForItem(
  workflows: WorkflowRecord[],
  item: { type_id: string; collection_id: string },
): WorkflowRecord {
  let best: { w: WorkflowRecord; score: number } | undefined;
  for (const w of workflows) {
    for (const s of w.scopes) {
      if (!scopeMatches(s, item)) continue;
      const score = specificity(s);
      if (!best || score > best.score) best = { w, score };
    }
  }
  return best?.w ?? workflows.find((w) => w.id === DEFAULT_WORKFLOW_ID)!;
}

/** Two scopes overlap when the same lists are empty in both and every non-empty list shares an entry. */
export function scopesOverlap(a: ScopeRecord, b: ScopeRecord): boolean {
  const listOverlap = (x: string[], y: string[]) =>
    x.length === 0 ? y.length === 0 : y.length > 0 && x.some((v) => y.includes(v));
  return listOverlap(a.content_types, b.content_types) && listOverlap(a.collections, b.collections);
}

// --- validation -----------------------------------------------------------------------------------------------------

export interface WorkflowInput {
  name: string;
  codename?: string;
  scopes: { content_types?: Ref[]; collections?: Ref[] }[];
  steps: {
    id?: string;
    name: string;
    codename: string;
    color: string;
    transitions_to: { step: { id?: string; codename?: string } }[];
    role_ids: string[];
  }[];
  published_step: { unpublish_role_ids?: string[]; create_new_version_role_ids?: string[] };
  archived_step: { role_ids?: string[] };
}

/**
 * Checks an add (existing undefined) or update body against every rule and returns the workflow to store; throws a
 * 400 (error code 5) listing every problem. Call inside a transaction holding lockWorkflows().
 */
export async function buildWorkflow(
  q: Scope,
  input: WorkflowInput,
  existing: WorkflowRecord | undefined,
  newId: () => string,
): Promise<WorkflowRecord> {
  const errors: KontentValidationError[] = [];
  const all = await repo.listWorkflows(q);
  const others = all.filter((w) => w.id !== existing?.id);
  const id = existing?.id ?? newId();
  const codename = await workflowCodename(input, existing, all, others, errors);

  const roleIds = new Set((await repo.listRoles(q)).map((r) => r.id));
  const checkRoles: CheckRoles = (list, path) =>
    (list ?? []).forEach((r, j) => {
      if (!roleIds.has(r.toLowerCase()))
        errors.push({ path: `${path}[${j}]`, message: `The role ${r} doesn't exist.` });
    });

  const steps = buildSteps(input, existing, others, newId, checkRoles, errors);
  resolveTransitions(input, steps, errors);
  checkReachesPublished(steps, errors);
  checkRoles(input.published_step.unpublish_role_ids, 'published_step.unpublish_role_ids');
  checkRoles(input.published_step.create_new_version_role_ids, 'published_step.create_new_version_role_ids');
  checkRoles(input.archived_step.role_ids, 'archived_step.role_ids');
  const scopes = await buildScopes(q, input, id, others, errors);
  if (existing) await checkRemovedStepsUnused(q, existing, steps, errors);

  if (errors.length > 0) throw invalid('The provided workflow is invalid. See validation_errors for details.', errors);
  return {
    id,
    name: input.name,
    codename,
    scopes,
    steps,
    unpublishRoleIds: (input.published_step.unpublish_role_ids ?? []).map((r) => r.toLowerCase()),
    createNewVersionRoleIds: (input.published_step.create_new_version_role_ids ?? []).map((r) => r.toLowerCase()),
    archivedRoleIds: (input.archived_step.role_ids ?? []).map((r) => r.toLowerCase()),
  };
}

type CheckRoles = (list: string[] | undefined, path: string) => void;

/** The codename given (unique among workflows), the existing one, or one made from the name. */
async function workflowCodename(
  input: WorkflowInput,
  existing: WorkflowRecord | undefined,
  all: WorkflowRecord[],
  others: WorkflowRecord[],
  errors: KontentValidationError[],
): Promise<string> {
  let codename: string;
  if (input.codename !== undefined) {
    codename = input.codename;
    if (others.some((w) => w.codename === codename)) {
      errors.push({ path: 'codename', message: `The codename "${codename}" is already used by another workflow.` });
    }
  } else if (existing) {
    codename = existing.codename;
  } else {
    codename = await uniqueCodename(codenameFrom(input.name), (c) => all.some((w) => w.codename === c));
  }

  return codename;
}

/** The steps with their identities (an existing step keeps its id), before their transitions are resolved. */
function buildSteps(
  input: WorkflowInput,
  existing: WorkflowRecord | undefined,
  others: WorkflowRecord[],
  newId: () => string,
  checkRoles: CheckRoles,
  errors: KontentValidationError[],
): StepRecord[] {
  // Steps: identities first, so transitions can reference them.
  const otherStepCodenames = new Map<string, string>();
  for (const w of others) for (const s of w.steps) otherStepCodenames.set(s.codename, w.codename);
  const existingSteps = existing?.steps ?? [];
  // Maps, not scans: validation stays linear in the number of steps and transitions (a body of thousands of identical
  // steps must not cost quadratic time).
  const existingIds = new Set(existingSteps.map((e) => e.id));
  const unclaimedByCodename = new Map<string, string[]>();
  const claimedIds = new Set(input.steps.map((s) => s.id?.toLowerCase()).filter((x): x is string => Boolean(x)));
  for (const e of existingSteps) {
    if (claimedIds.has(e.id)) continue;
    const list = unclaimedByCodename.get(e.codename) ?? [];
    list.push(e.id);
    unclaimedByCodename.set(e.codename, list);
  }
  const seenCodenames = new Set<string>();
  const seenIds = new Set<string>();
  return input.steps.map((s, i) => {
    const path = `steps[${i}]`;
    if (RESERVED_STEP_CODENAMES[s.codename]) {
      errors.push({
        path: `${path}.codename`,
        message: `The codename "${s.codename}" is reserved for a predefined step.`,
      });
    } else if (seenCodenames.has(s.codename)) {
      errors.push({
        path: `${path}.codename`,
        message: `Another step of this workflow has the codename "${s.codename}".`,
      });
    } else if (otherStepCodenames.has(s.codename)) {
      errors.push({
        path: `${path}.codename`,
        message: `The codename "${s.codename}" is used by a step of the workflow "${otherStepCodenames.get(s.codename)}"; step codenames are unique across workflows.`,
      });
    }
    seenCodenames.add(s.codename);
    let stepId: string;
    if (s.id !== undefined) {
      stepId = s.id.toLowerCase();
      if (!existingIds.has(stepId)) {
        errors.push({
          path: `${path}.id`,
          message: `The step ${s.id} is not a step of this workflow; omit the id for a new step.`,
        });
      } else if (seenIds.has(stepId)) {
        errors.push({ path: `${path}.id`, message: `The step ${s.id} is listed twice.` });
      }
    } else {
      const candidates = unclaimedByCodename.get(s.codename);
      let match: string | undefined;
      while (candidates?.length && match === undefined) {
        const c = candidates.shift()!;
        if (!seenIds.has(c)) match = c;
      }
      stepId = match ?? newId();
    }
    seenIds.add(stepId);
    checkRoles(s.role_ids, `${path}.role_ids`);
    return {
      id: stepId,
      name: s.name,
      codename: s.codename,
      color: s.color,
      transitions_to: [],
      role_ids: s.role_ids.map((r) => r.toLowerCase()),
    };
  });
}

/** Each step's transitions_to, by id or codename, to the workflow's steps, Published or Archived. */
function resolveTransitions(input: WorkflowInput, steps: StepRecord[], errors: KontentValidationError[]): void {
  const stepIds = new Set(steps.map((x) => x.id));
  const firstByCodename = new Map<string, string>();
  steps.forEach((x) => {
    if (!firstByCodename.has(x.codename)) firstByCodename.set(x.codename, x.id);
  });
  input.steps.forEach((s, i) => {
    const targets: string[] = [];
    const seenTargets = new Set<string>();
    s.transitions_to.forEach((t, j) => {
      const path = `steps[${i}].transitions_to[${j}]`;
      let target: string | undefined;
      if (t.step.id !== undefined) {
        const tid = t.step.id.toLowerCase();
        if (tid === PUBLISHED_STEP_ID || tid === ARCHIVED_STEP_ID || stepIds.has(tid)) target = tid;
        else if (tid === SCHEDULED_STEP_ID) {
          errors.push({
            path: `${path}.step.id`,
            message: 'The Scheduled step cannot be a transition target; use publish with a date.',
          });
          return;
        }
        if (!target) {
          errors.push({ path: `${path}.step.id`, message: `The step ${t.step.id} is not a step of this workflow.` });
          return;
        }
      } else {
        const c = t.step.codename!;
        if (c === 'published' || c === 'archived') target = RESERVED_STEP_CODENAMES[c];
        else if (c === 'scheduled') {
          errors.push({
            path: `${path}.step.codename`,
            message: 'The Scheduled step cannot be a transition target; use publish with a date.',
          });
          return;
        } else target = firstByCodename.get(c);
        if (!target) {
          errors.push({ path: `${path}.step.codename`, message: `No step of this workflow has the codename "${c}".` });
          return;
        }
      }
      if (seenTargets.has(target)) {
        errors.push({ path, message: 'The same step is listed twice in transitions_to.' });
        return;
      }
      seenTargets.add(target);
      targets.push(target);
    });
    steps[i]!.transitions_to = targets;
  });
}

/** Every step eventually reaches Published: a search backwards from Published over the transitions (linear). */
function checkReachesPublished(steps: StepRecord[], errors: KontentValidationError[]): void {
  const from = new Map<string, string[]>();
  for (const s of steps) {
    for (const t of s.transitions_to) {
      const list = from.get(t) ?? [];
      list.push(s.id);
      from.set(t, list);
    }
  }
  const reaches = new Set<string>([PUBLISHED_STEP_ID]);
  const queue = [PUBLISHED_STEP_ID];
  while (queue.length > 0) {
    for (const prev of from.get(queue.pop()!) ?? []) {
      if (!reaches.has(prev)) {
        reaches.add(prev);
        queue.push(prev);
      }
    }
  }
  steps.forEach((s, i) => {
    if (!reaches.has(s.id)) {
      errors.push({
        path: `steps[${i}].transitions_to`,
        message: `The step "${s.codename}" never reaches the Published step; every step must eventually transition to Published.`,
      });
    }
  });
}

/** The scopes (content types and collections that exist), none overlapping another workflow's. */
async function buildScopes(
  q: Scope,
  input: WorkflowInput,
  id: string,
  others: WorkflowRecord[],
  errors: KontentValidationError[],
): Promise<ScopeRecord[]> {
  const scopes: ScopeRecord[] = [];
  if (id === DEFAULT_WORKFLOW_ID && input.scopes.length > 0) {
    errors.push({
      path: 'scopes',
      message: 'The default workflow has no scopes: it covers the content no other workflow does.',
    });
  } else {
    for (const [i, s] of input.scopes.entries()) {
      const scope: ScopeRecord = { content_types: [], collections: [] };
      for (const [j, ref] of (s.content_types ?? []).entries()) {
        const t = await repo.findType(q, ref);
        if (!t)
          errors.push({
            path: `scopes[${i}].content_types[${j}]`,
            message: `The content type ${describeRef(ref)} doesn't exist.`,
          });
        else if (!scope.content_types.includes(t.id)) scope.content_types.push(t.id);
      }
      for (const [j, ref] of (s.collections ?? []).entries()) {
        const c = await repo.findCollection(q, ref);
        if (!c)
          errors.push({
            path: `scopes[${i}].collections[${j}]`,
            message: `The collection ${describeRef(ref)} doesn't exist.`,
          });
        else if (!scope.collections.includes(c.id)) scope.collections.push(c.id);
      }
      const clash = others.find((w) => w.scopes.some((o) => scopesOverlap(scope, o)));
      if (clash) {
        errors.push({
          path: `scopes[${i}]`,
          message: `The scope overlaps a scope of the workflow "${clash.codename}".`,
        });
      }
      scopes.push(scope);
    }
  }

  return scopes;
}

/** Removed steps must be unused: no language variant is in them. */
async function checkRemovedStepsUnused(
  q: Scope,
  existing: WorkflowRecord,
  steps: StepRecord[],
  errors: KontentValidationError[],
): Promise<void> {
  const kept = new Set(steps.map((s) => s.id));
  const removed = existing.steps.filter((e) => !kept.has(e.id));
  const used = await repo.stepsInUse(
    q,
    existing.id,
    removed.map((s) => s.id),
  );
  if (used.length > 0) {
    const names = removed.filter((s) => used.includes(s.id)).map((s) => `"${s.codename}"`);
    errors.push({
      path: 'steps',
      message: `The steps ${names.join(', ')} can't be removed: language variants are in them.`,
    });
  }
}

export function describeRef(ref: Ref): string {
  if (ref.id !== undefined) return `with ID ${ref.id}`;
  if (ref.codename !== undefined) return `with codename "${ref.codename}"`;
  return `with external ID "${ref.external_id}"`;
}
