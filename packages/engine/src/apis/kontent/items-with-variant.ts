/**
 * Items with variants: the filter (item + language pairs matching workflow steps, types, collections, spaces,
 * contributors, completion and publishing state, a search phrase; ordered) and bulk get (items with their variants).
 */
import { invalidAt } from './errors.js';
import { itemToApi } from './model.js';
import type { ItemRecord, Ref, Scope, VariantRecord } from './repository.js';
import * as repo from './repository.js';
import { variantToApi } from './variants.js';
import { ARCHIVED_STEP_ID, DEFAULT_LANGUAGE_ID, PUBLISHED_STEP_ID } from './workflows.js';

export interface FilterInput {
  filters?: {
    search_phrase?: string;
    language?: Ref;
    content_types?: Ref[];
    contributors?: { id?: string; email?: string }[];
    has_no_contributors?: boolean;
    completion_statuses?: ('unfinished' | 'ready' | 'not_translated' | 'all_done')[];
    workflow_steps?: { workflow_identifier: Ref; step_identifiers?: Ref[] }[];
    spaces?: Ref[];
    collections?: Ref[];
    publishing_states?: ('published' | 'unpublished' | 'not_published_yet')[];
  };
  order?: { by?: 'last_modified' | 'name' | 'due_date'; direction?: 'asc' | 'desc' };
}

type Pair = { item: ItemRecord; variant: VariantRecord | undefined };

/** Resolves references to ids; an unknown one is a 400 at its path (Kontent validates filter references). */
async function ids(
  refs: Ref[] | undefined,
  path: string,
  find: (r: Ref) => Promise<{ id: string } | undefined>,
): Promise<string[] | undefined> {
  if (!refs) return undefined;
  const out: string[] = [];
  for (const [i, r] of refs.entries()) {
    const found = await find(r.id !== undefined ? { id: r.id.toLowerCase() } : r);
    if (!found) throw invalidAt(`${path}[${i}]`, 'The referenced object does not exist.');
    out.push(found.id);
  }
  return out;
}

/** The matching pairs, ordered (the caller pages them). */
export async function filterItemsWithVariants(s: Scope, input: FilterInput): Promise<Pair[]> {
  const f = input.filters ?? {};
  if (f.has_no_contributors && f.contributors) {
    throw invalidAt('filters.contributors', 'has_no_contributors cannot be combined with contributors.');
  }
  let languageId = DEFAULT_LANGUAGE_ID;
  if (f.language) {
    const l = await repo.findLanguage(
      s,
      f.language.id !== undefined ? { id: f.language.id.toLowerCase() } : f.language,
    );
    if (!l) throw invalidAt('filters.language', 'The language does not exist.');
    languageId = l.id;
  }
  const typeIds = await ids(f.content_types, 'filters.content_types', (r) => repo.findType(s, r));
  const collectionIds = await ids(f.collections, 'filters.collections', (r) => repo.findCollection(s, r));
  const spaceIds = await ids(f.spaces, 'filters.spaces', (r) => repo.findSpace(s, r));
  const steps = await workflowStepFilters(s, f.workflow_steps ?? []);
  const types = new Map<string, repo.TypeRecord | undefined>();
  const requiredOf = async (typeId: string) => {
    if (!types.has(typeId)) types.set(typeId, await repo.findType(s, { id: typeId }));
    return (types.get(typeId)?.elements ?? []).filter((e) => e.is_required).map((e) => e.id);
  };
  const phrase = f.search_phrase?.toLowerCase();
  const pairs = await repo.itemsWithVariant(s, languageId, {
    ...(typeIds ? { typeIds } : {}),
    ...(collectionIds ? { collectionIds } : {}),
    ...(spaceIds ? { spaceIds } : {}),
  });
  const out: Pair[] = [];
  for (const p of pairs) {
    const v = p.variant;
    if (f.completion_statuses) {
      let status: string;
      if (!v) status = 'not_translated';
      else if (v.stepId === PUBLISHED_STEP_ID) status = 'all_done';
      else {
        const required = await requiredOf(p.item.type_id);
        const filled = required.every((id) => {
          const value = v.elements.find((e) => e.element.id === id)?.value;
          return value !== null && value !== undefined && value !== '';
        });
        status = filled ? 'ready' : 'unfinished';
      }
      if (!f.completion_statuses.includes(status as never)) continue;
    } else if (!v) continue;
    if (f.workflow_steps) {
      const stepKey = (id: string) =>
        id === PUBLISHED_STEP_ID ? 'published' : id === ARCHIVED_STEP_ID ? 'archived' : id;
      if (
        !v ||
        !steps.some(
          (ws) =>
            ws.workflowId === v.workflowId &&
            (!ws.stepIds || ws.stepIds.has(v.stepId) || ws.stepIds.has(stepKey(v.stepId))),
        )
      )
        continue;
    }
    if (f.has_no_contributors && (!v || v.contributors.length > 0)) continue;
    if (f.contributors) {
      const wanted = f.contributors;
      if (!v?.contributors.some((c) => wanted.some((w) => (w.id && w.id === c.id) || (w.email && w.email === c.email))))
        continue;
    }
    if (f.publishing_states) {
      const state = v?.published ? 'published' : v?.stepId === ARCHIVED_STEP_ID ? 'unpublished' : 'not_published_yet';
      if (!f.publishing_states.includes(state)) continue;
    }
    if (phrase) {
      const texts = [p.item.name, ...(v?.elements ?? []).map((e) => (typeof e.value === 'string' ? e.value : ''))];
      if (!texts.some((t) => t.toLowerCase().includes(phrase))) continue;
    }
    out.push(p);
  }
  return ordered(out, input.order);
}

/** A workflow and, when given, the steps in it a variant must be in. */
interface StepFilter {
  workflowId: string;
  stepIds: Set<string> | undefined;
}

/** `filters.workflow_steps` resolved: each workflow exists and names its own steps (or Published, Archived, Scheduled). */
async function workflowStepFilters(
  s: Scope,
  workflowSteps: NonNullable<NonNullable<FilterInput['filters']>['workflow_steps']>,
): Promise<StepFilter[]> {
  const steps: StepFilter[] = [];
  for (const [i, ws] of workflowSteps.entries()) {
    const ref = ws.workflow_identifier;
    const w = await repo.findWorkflow(s, ref.id !== undefined ? { id: ref.id.toLowerCase() } : ref);
    if (!w) throw invalidAt(`filters.workflow_steps[${i}].workflow_identifier`, 'The workflow does not exist.');
    let stepIds: Set<string> | undefined;
    if (ws.step_identifiers) {
      stepIds = new Set();
      for (const [j, sr] of ws.step_identifiers.entries()) {
        const predefined = ['published', 'archived', 'scheduled'].includes(sr.codename ?? '');
        const step = w.steps.find((x) =>
          sr.id !== undefined ? x.id === sr.id.toLowerCase() : x.codename === sr.codename,
        );
        const id = step?.id ?? (predefined ? sr.codename : sr.id?.toLowerCase());
        if (!id || (!step && !predefined && ![PUBLISHED_STEP_ID, ARCHIVED_STEP_ID].includes(id))) {
          throw invalidAt(
            `filters.workflow_steps[${i}].step_identifiers[${j}]`,
            'The step is not a step of the workflow.',
          );
        }
        stepIds.add(id);
      }
    }
    steps.push({ workflowId: w.id, stepIds });
  }
  return steps;
}

/** The pairs in `order` (last modified, newest first, by default); stable: equal keys keep creation order. */
function ordered(out: Pair[], order: FilterInput['order']): Pair[] {
  const by = order?.by ?? 'last_modified';
  const sign = (order?.direction ?? 'desc') === 'asc' ? 1 : -1;
  const key = (p: Pair): string | number =>
    by === 'name'
      ? p.item.name.toLowerCase()
      : by === 'due_date'
        ? (p.variant?.dueDate?.getTime() ?? Number.MAX_SAFE_INTEGER)
        : (p.variant?.lastModified ?? p.item.last_modified).getTime();
  return out
    .map((p, i) => ({ p, i, k: key(p) }))
    .sort((a, b) => (a.k < b.k ? -sign : a.k > b.k ? sign : a.i - b.i))
    .map((x) => x.p);
}

export const pairToApi = (p: Pair, languageId: string) => ({ item: { id: p.item.id }, language: { id: languageId } });

export interface BulkGetInput {
  variants: { item: Ref; language: Ref }[];
}

/** The items with their variants, in the order asked; unknown items are left out. */
export async function bulkGet(s: Scope, input: BulkGetInput) {
  const data: { item: ReturnType<typeof itemToApi>; variant?: ReturnType<typeof variantToApi> }[] = [];
  for (const pair of input.variants) {
    const item = await repo.findItem(s, pair.item.id !== undefined ? { id: pair.item.id.toLowerCase() } : pair.item);
    if (!item) continue;
    const lang = await repo.findLanguage(
      s,
      pair.language.id !== undefined ? { id: pair.language.id.toLowerCase() } : pair.language,
    );
    const v = lang ? await repo.findVariant(s, item.id, lang.id) : undefined;
    data.push(v ? { item: itemToApi(item), variant: variantToApi(v) } : { item: itemToApi(item) });
  }
  return data;
}
