/**
 * The minimal content model the workflows work on: content types, collections, languages, roles and content items,
 * with `x-continuation` paging for types, languages and items.
 */

import { decodeBase64Url, encodeBase64Url } from '../../base64url.js';
import type { IdGenerator } from '../../runtime/ids.js';
import { badState, CODE, invalid, invalidAt, type KontentValidationError, notFound } from './errors.js';
import type { ItemRecord, LanguageRecord, Ref, Scope, TypeRecord } from './repository.js';
import * as repo from './repository.js';
import { codenameFrom, DEFAULT_COLLECTION_ID, DEFAULT_LANGUAGE_ID, describeRef, uniqueCodename } from './workflows.js';

// --- paging ---------------------------------------------------------------------------------------------------------

export type PagedList =
  | 'types'
  | 'languages'
  | 'items'
  | 'type-variants'
  | 'type-components'
  | 'collection-variants'
  | 'space-variants'
  | 'filter'
  | 'bulk-get';

export function continuationToken(list: PagedList, lastSeq: number): string {
  return encodeBase64Url(`wfkit:${list}:${lastSeq}`);
}

/** The position after which the page starts (0: the first page); 400 (1007) for a token this list didn't issue. */
export function parseContinuation(list: PagedList, token: string | null): number {
  if (token === null || token === '') return 0;
  const m = /^wfkit:([a-z-]+):(\d{1,15})$/.exec(decodeBase64Url(token));
  if (!m || m[1] !== list || encodeBase64Url(`wfkit:${m[1]}:${m[2]}`) !== token) {
    throw badState(CODE.invalidContinuation, 'The continuation token is invalid.');
  }
  return Number(m[2]);
}

export function pagination(list: PagedList, url: URL, page: { lastSeq: number; more: boolean }) {
  return page.more
    ? { continuation_token: continuationToken(list, page.lastSeq), next_page: `${url.origin}${url.pathname}` }
    : { continuation_token: null, next_page: null };
}

// --- representations ------------------------------------------------------------------------------------------------

const withExternal = <T extends object>(o: T, externalId: string | null) =>
  externalId ? { ...o, external_id: externalId } : o;

export const typeToApi = (t: TypeRecord) =>
  withExternal(
    {
      id: t.id,
      name: t.name,
      codename: t.codename,
      last_modified: t.last_modified.toISOString(),
      elements: t.elements,
    },
    t.external_id,
  );

export const languageToApi = (l: LanguageRecord) =>
  withExternal(
    {
      id: l.id,
      name: l.name,
      codename: l.codename,
      is_active: l.is_active,
      is_default: l.is_default,
      fallback_language: { id: l.fallback_id },
    },
    l.external_id,
  );

export const itemToApi = (i: ItemRecord) =>
  withExternal(
    {
      id: i.id,
      name: i.name,
      codename: i.codename,
      type: { id: i.type_id },
      collection: { id: i.collection_id },
      spaces: i.spaces.map((id) => ({ id })),
      sitemap_locations: [],
      last_modified: i.last_modified.toISOString(),
    },
    i.external_id,
  );

export const roleToApi = (r: repo.RoleRecord) =>
  r.codename ? { id: r.id, name: r.name, codename: r.codename } : { id: r.id, name: r.name };

export async function collectionsListing(q: Scope) {
  const collections = (await repo.listCollections(q)).map((c) =>
    withExternal({ id: c.id, name: c.name, codename: c.codename }, c.external_id),
  );
  return { collections, last_modified: (await repo.getMeta<string | null>(q, 'collections_last_modified')) ?? null };
}

// --- commands -------------------------------------------------------------------------------------------------------

export interface TypeInput {
  name: string;
  codename?: string;
  external_id?: string;
  elements: {
    name: string;
    codename?: string;
    type: repo.ElementRecord['type'];
    is_required?: boolean;
    guidelines?: string | null;
    external_id?: string;
  }[];
}

/** A new element of a content type (add, or a type modification's `addInto`), its codename already decided. */
export function newElement(ids: IdGenerator, e: TypeInput['elements'][number], codename: string): repo.ElementRecord {
  const el: repo.ElementRecord = {
    id: ids.uuid(),
    name: e.name,
    codename,
    type: e.type,
    is_required: e.is_required ?? false,
    guidelines: e.guidelines ?? null,
  };
  if (e.external_id !== undefined) el.external_id = e.external_id;
  return el;
}

export async function addContentType(q: Scope, ids: IdGenerator, now: Date, input: TypeInput) {
  const errors: KontentValidationError[] = [];
  if (input.codename !== undefined && (await repo.codenameTaken(q, 'kontent_types', input.codename))) {
    errors.push({
      path: 'codename',
      message: `The codename "${input.codename}" is already used by another content type.`,
    });
  }
  if (input.external_id !== undefined && (await repo.externalIdTaken(q, 'kontent_types', input.external_id))) {
    errors.push({
      path: 'external_id',
      message: `The external ID "${input.external_id}" is already used by another content type.`,
    });
  }
  const used = new Set<string>();
  input.elements.forEach((e, i) => {
    if (e.codename !== undefined && used.has(e.codename)) {
      errors.push({
        path: `elements[${i}].codename`,
        message: `Another element of the type has the codename "${e.codename}".`,
      });
    }
    if (e.codename !== undefined) used.add(e.codename);
  });
  if (errors.length > 0)
    throw invalid('The provided content type is invalid. See validation_errors for details.', errors);
  const elements: repo.ElementRecord[] = [];
  for (const e of input.elements) {
    const codename = e.codename ?? (await uniqueCodename(codenameFrom(e.name), (c) => used.has(c)));
    used.add(codename);
    elements.push(newElement(ids, e, codename));
  }
  const t: TypeRecord = {
    id: ids.uuid(),
    name: input.name,
    codename:
      input.codename ??
      (await uniqueCodename(codenameFrom(input.name), (c) => repo.codenameTaken(q, 'kontent_types', c))),
    external_id: input.external_id ?? null,
    elements,
    last_modified: now,
  };
  await repo.insertType(q, t);
  return t;
}

interface CollectionPatch {
  op: 'addInto' | 'remove';
  value?: { name: string; codename?: string; external_id?: string };
  reference?: Ref;
}

export async function modifyCollections(q: Scope, ids: IdGenerator, now: Date, ops: CollectionPatch[]) {
  for (const [i, op] of ops.entries()) {
    if (op.op === 'addInto') {
      if (!op.value) throw invalidAt(`[${i}].value`, 'addInto needs a value.');
      const v = op.value;
      if (v.codename !== undefined && (await repo.codenameTaken(q, 'kontent_collections', v.codename))) {
        throw invalidAt(`[${i}].value.codename`, `The codename "${v.codename}" is already used by another collection.`);
      }
      if (v.external_id !== undefined && (await repo.externalIdTaken(q, 'kontent_collections', v.external_id))) {
        throw invalidAt(
          `[${i}].value.external_id`,
          `The external ID "${v.external_id}" is already used by another collection.`,
        );
      }
      const codename =
        v.codename ??
        (await uniqueCodename(codenameFrom(v.name), (c) => repo.codenameTaken(q, 'kontent_collections', c)));
      await repo.insertCollection(q, { id: ids.uuid(), name: v.name, codename, external_id: v.external_id ?? null });
    } else {
      if (!op.reference) throw invalidAt(`[${i}].reference`, 'remove needs a reference.');
      const c = await repo.findCollection(q, op.reference);
      if (!c) throw invalidAt(`[${i}].reference`, `The collection ${describeRef(op.reference)} doesn't exist.`);
      if (c.id === DEFAULT_COLLECTION_ID)
        throw invalidAt(`[${i}].reference`, 'The default collection cannot be removed.');
      if (await repo.collectionInUse(q, c.id)) {
        throw invalidAt(
          `[${i}].reference`,
          `The collection "${c.codename}" is used by content items or workflow scopes.`,
        );
      }
      await repo.deleteCollection(q, c.id);
    }
  }
  await repo.setMeta(q, 'collections_last_modified', now.toISOString());
  return collectionsListing(q);
}

interface LanguageInput {
  name: string;
  codename: string;
  external_id?: string;
  is_active?: boolean;
  fallback_language?: Ref;
}

export async function addLanguage(q: Scope, ids: IdGenerator, input: LanguageInput) {
  const errors: KontentValidationError[] = [];
  if (await repo.codenameTaken(q, 'kontent_languages', input.codename)) {
    errors.push({ path: 'codename', message: `The codename "${input.codename}" is already used by another language.` });
  }
  if (input.external_id !== undefined && (await repo.externalIdTaken(q, 'kontent_languages', input.external_id))) {
    errors.push({
      path: 'external_id',
      message: `The external ID "${input.external_id}" is already used by another language.`,
    });
  }
  let fallback = DEFAULT_LANGUAGE_ID;
  if (input.fallback_language) {
    const f = await repo.findLanguage(q, input.fallback_language);
    if (!f)
      errors.push({
        path: 'fallback_language',
        message: `The language ${describeRef(input.fallback_language)} doesn't exist.`,
      });
    else fallback = f.id;
  }
  if (errors.length > 0) throw invalid('The provided language is invalid. See validation_errors for details.', errors);
  const l: LanguageRecord = {
    id: ids.uuid(),
    name: input.name,
    codename: input.codename,
    external_id: input.external_id ?? null,
    is_active: input.is_active ?? true,
    is_default: false,
    fallback_id: fallback,
  };
  await repo.insertLanguage(q, l);
  return l;
}

export type LanguageOperation =
  | { op: 'replace'; property_name: 'name' | 'codename'; value: string }
  | { op: 'replace'; property_name: 'is_active'; value: boolean }
  | { op: 'replace'; property_name: 'fallback_language'; value: Ref };

/**
 * Applies `replace` operations in order; stores them only when all are valid. The default language stays active and
 * is its own fallback; a fallback must be another existing language and may not lead back to the language.
 */
export async function modifyLanguage(q: Scope, language: LanguageRecord, ops: LanguageOperation[]) {
  const errors: KontentValidationError[] = [];
  const next = { ...language };
  for (const [i, op] of ops.entries()) {
    const path = `[${i}].value`;
    if (op.property_name === 'name') next.name = op.value;
    else if (op.property_name === 'codename') {
      if (await repo.codenameTaken(q, 'kontent_languages', op.value, language.id))
        errors.push({ path, message: `The codename "${op.value}" is already used by another language.` });
      next.codename = op.value;
    } else if (op.property_name === 'is_active') {
      if (language.is_default && op.value === false)
        errors.push({ path, message: 'The default language cannot be deactivated.' });
      next.is_active = op.value;
    } else {
      const target = op.value as Ref;
      const f = await repo.findLanguage(q, target.id !== undefined ? { id: target.id.toLowerCase() } : target);
      if (!f) errors.push({ path, message: `The language ${describeRef(target)} doesn't exist.` });
      else if (language.is_default) errors.push({ path, message: 'The default language has no fallback language.' });
      else if (await leadsBackTo(q, f, language.id))
        errors.push({ path, message: `Falling back to "${f.codename}" would make a cycle of fallback languages.` });
      else next.fallback_id = f.id;
    }
  }
  if (errors.length > 0) throw invalid('The provided language is invalid. See validation_errors for details.', errors);
  await repo.updateLanguage(q, next);
  return next;
}

/** Whether the fallback chain from `from` reaches `target` (the default language ends every chain). */
async function leadsBackTo(q: Scope, from: LanguageRecord, target: string): Promise<boolean> {
  const seen = new Set<string>();
  let at: LanguageRecord | undefined = from;
  while (at && !seen.has(at.id)) {
    if (at.id === target) return true;
    seen.add(at.id);
    if (at.is_default) return false;
    at = await repo.findLanguage(q, { id: at.fallback_id });
  }
  return false;
}

interface ItemInput {
  name: string;
  codename?: string;
  type?: Ref;
  collection?: Ref;
  spaces?: Ref[];
  external_id?: string;
}

async function resolveItemFields(q: Scope, input: ItemInput, errors: KontentValidationError[]) {
  let collectionId: string | undefined;
  if (input.collection) {
    const c = await repo.findCollection(q, input.collection);
    if (!c)
      errors.push({ path: 'collection', message: `The collection ${describeRef(input.collection)} doesn't exist.` });
    else collectionId = c.id;
  }
  const spaces: string[] = [];
  (input.spaces ?? []).forEach((s, i) => {
    if (s.id === undefined) errors.push({ path: `spaces[${i}]`, message: 'wfkit models spaces by ID only.' });
    else spaces.push(s.id.toLowerCase());
  });
  return { collectionId, spaces };
}

export async function addContentItem(q: Scope, ids: IdGenerator, now: Date, input: ItemInput) {
  const errors: KontentValidationError[] = [];
  const type = input.type ? await repo.findType(q, input.type) : undefined;
  if (!type)
    errors.push({
      path: 'type',
      message: `The content type ${input.type ? describeRef(input.type) : ''} doesn't exist.`,
    });
  if (input.codename !== undefined && (await repo.codenameTaken(q, 'kontent_items', input.codename))) {
    errors.push({
      path: 'codename',
      message: `The codename "${input.codename}" is already used by another content item.`,
    });
  }
  if (input.external_id !== undefined && (await repo.externalIdTaken(q, 'kontent_items', input.external_id))) {
    errors.push({
      path: 'external_id',
      message: `The external ID "${input.external_id}" is already used by another content item.`,
    });
  }
  const { collectionId, spaces } = await resolveItemFields(q, input, errors);
  if (errors.length > 0)
    throw invalid('The provided content item is invalid. See validation_errors for details.', errors);
  const item: ItemRecord = {
    id: ids.uuid(),
    name: input.name,
    codename:
      input.codename ??
      (await uniqueCodename(codenameFrom(input.name), (c) => repo.codenameTaken(q, 'kontent_items', c))),
    external_id: input.external_id ?? null,
    type_id: type!.id,
    collection_id: collectionId ?? DEFAULT_COLLECTION_ID,
    spaces,
    last_modified: now,
  };
  await repo.insertItem(q, item);
  return item;
}

export async function updateContentItem(q: Scope, now: Date, id: string, input: ItemInput) {
  const item = await repo.findItem(q, { id }, true);
  if (!item) throw notFound(CODE.itemNotFound, 'The requested content item was not found.');
  const errors: KontentValidationError[] = [];
  if (input.codename !== undefined && (await repo.codenameTaken(q, 'kontent_items', input.codename, item.id))) {
    errors.push({
      path: 'codename',
      message: `The codename "${input.codename}" is already used by another content item.`,
    });
  }
  const { collectionId, spaces } = await resolveItemFields(q, input, errors);
  if (errors.length > 0)
    throw invalid('The provided content item is invalid. See validation_errors for details.', errors);
  const updated: ItemRecord = {
    ...item,
    name: input.name,
    codename: input.codename ?? item.codename,
    collection_id: collectionId ?? item.collection_id,
    spaces: input.spaces ? spaces : item.spaces,
    last_modified: now,
  };
  await repo.updateItem(q, updated);
  return updated;
}
