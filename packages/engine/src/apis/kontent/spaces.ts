/**
 * Spaces: a channel's view of the environment (Kontent's Spaces API). A space names the collections that belong to it
 * and, for Web Spotlight, a root item. Rules: codenames unique per environment (generated from the name when absent),
 * every referenced collection and item must exist, a modification is a list of `replace` operations applied in order
 * and stored only when all of them are valid.
 */
import type { IdGenerator } from '../../runtime/ids.js';
import { invalid, type KontentValidationError } from './errors.js';
import type { Ref, Scope, SpaceRecord } from './repository.js';
import * as repo from './repository.js';
import { codenameFrom, describeRef, uniqueCodename } from './workflows.js';

export interface SpaceInput {
  name: string;
  codename?: string;
  web_spotlight_root_item?: Ref | null;
  collections?: Ref[];
}

export type SpaceOperation =
  | { op: 'replace'; property_name: 'name' | 'codename'; value: string }
  | { op: 'replace'; property_name: 'web_spotlight_root_item'; value: Ref | null }
  | { op: 'replace'; property_name: 'collections'; value: Ref[] };

export function spaceToApi(s: SpaceRecord) {
  return {
    id: s.id,
    name: s.name,
    codename: s.codename,
    web_spotlight_root_item: s.web_spotlight_root_item_id ? { id: s.web_spotlight_root_item_id } : null,
    collections: s.collections.map((id) => ({ id })),
  };
}

const lower = (ref: Ref): Ref => (ref.id !== undefined ? { ...ref, id: ref.id.toLowerCase() } : ref);

async function collectionIds(q: Scope, refs: Ref[], path: string, errors: KontentValidationError[]) {
  const out: string[] = [];
  for (const [i, ref] of refs.entries()) {
    const c = await repo.findCollection(q, lower(ref));
    if (!c) errors.push({ path: `${path}[${i}]`, message: `The collection ${describeRef(ref)} doesn't exist.` });
    else if (out.includes(c.id))
      errors.push({ path: `${path}[${i}]`, message: `The collection ${describeRef(ref)} is listed twice.` });
    else out.push(c.id);
  }
  return out;
}

async function rootItemId(q: Scope, ref: Ref | null | undefined, path: string, errors: KontentValidationError[]) {
  if (!ref) return null;
  const item = await repo.findItem(q, lower(ref));
  if (!item) errors.push({ path, message: `The content item ${describeRef(ref)} doesn't exist.` });
  return item?.id ?? null;
}

async function checkCodename(q: Scope, codename: string, path: string, errors: KontentValidationError[], id?: string) {
  if (await repo.spaceCodenameTaken(q, codename, id))
    errors.push({ path, message: `The codename "${codename}" is already used by another space.` });
}

const refused = (errors: KontentValidationError[]) =>
  invalid('The provided space is invalid. See validation_errors for details.', errors);

export async function addSpace(q: Scope, ids: IdGenerator, input: SpaceInput): Promise<SpaceRecord> {
  const errors: KontentValidationError[] = [];
  if (input.codename !== undefined) await checkCodename(q, input.codename, 'codename', errors);
  const collections = await collectionIds(q, input.collections ?? [], 'collections', errors);
  const root = await rootItemId(q, input.web_spotlight_root_item, 'web_spotlight_root_item', errors);
  if (errors.length > 0) throw refused(errors);
  const space: SpaceRecord = {
    id: ids.uuid(),
    name: input.name,
    codename: input.codename ?? (await uniqueCodename(codenameFrom(input.name), (c) => repo.spaceCodenameTaken(q, c))),
    web_spotlight_root_item_id: root,
    collections,
  };
  await repo.insertSpace(q, space);
  return space;
}

export async function modifySpace(q: Scope, space: SpaceRecord, ops: SpaceOperation[]): Promise<SpaceRecord> {
  const errors: KontentValidationError[] = [];
  const next = { ...space };
  for (const [i, op] of ops.entries()) {
    const path = `[${i}].value`;
    switch (op.property_name) {
      case 'name':
        next.name = op.value;
        break;
      case 'codename':
        await checkCodename(q, op.value, path, errors, space.id);
        next.codename = op.value;
        break;
      case 'web_spotlight_root_item':
        next.web_spotlight_root_item_id = await rootItemId(q, op.value, path, errors);
        break;
      case 'collections':
        next.collections = await collectionIds(q, op.value, path, errors);
        break;
    }
  }
  if (errors.length > 0) throw refused(errors);
  await repo.updateSpace(q, next);
  return next;
}
