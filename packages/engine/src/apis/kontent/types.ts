/**
 * Modifying and deleting content types (Kontent's JSON Patch-like operations on a type). Operations apply in order
 * and are stored only when all are valid:
 * - `replace` `/name`, `/codename`, `/elements/<ref>/{name|codename|guidelines|is_required}`;
 * - `addInto` `/elements` (a new element, optionally `before`/`after` another);
 * - `move` `/elements/<ref>` `before`/`after` another;
 * - `remove` `/elements/<ref>`: the element's values go from every variant of the type.
 * `<ref>` is `id:<uuid>`, `codename:<codename>` or `external_id:<id>`. A type that items use cannot be deleted.
 */
import type { IdGenerator } from '../../runtime/ids.js';
import { badState, CODE, invalid, type KontentValidationError } from './errors.js';
import { newElement, type TypeInput } from './model.js';
import type { ElementRecord, Ref, Scope, TypeRecord } from './repository.js';
import * as repo from './repository.js';
import { codenameFrom, uniqueCodename } from './workflows.js';

type ElementInput = Pick<ElementRecord, 'name' | 'type'> & Partial<Omit<ElementRecord, 'id' | 'name' | 'type'>>;

export interface TypeOperation {
  op: 'replace' | 'addInto' | 'remove' | 'move';
  path: string;
  value?: unknown;
  before?: Ref;
  after?: Ref;
}

const ELEMENT_PROPS = new Set(['name', 'codename', 'guidelines', 'is_required']);

/** `id:…`, `codename:…` or `external_id:…` (a path segment, or a `before`/`after` reference). */
function parseRef(segment: string): Ref | undefined {
  const m = /^(id|codename|external_id):(.+)$/.exec(segment);
  if (!m) return undefined;
  return m[1] === 'id' ? { id: m[2]!.toLowerCase() } : m[1] === 'codename' ? { codename: m[2] } : { external_id: m[2] };
}

const indexOf = (elements: ElementRecord[], ref: Ref | undefined) =>
  ref
    ? elements.findIndex((e) =>
        ref.id !== undefined
          ? e.id === ref.id.toLowerCase()
          : ref.codename !== undefined
            ? e.codename === ref.codename
            : ref.external_id !== undefined && e.external_id === ref.external_id,
      )
    : -1;

/** Where `before`/`after` put an element in `elements`: an index, the end, or undefined for an unknown reference. */
function position(elements: ElementRecord[], op: TypeOperation): number | undefined {
  if (op.before) {
    const i = indexOf(elements, op.before);
    return i < 0 ? undefined : i;
  }
  if (op.after) {
    const i = indexOf(elements, op.after);
    return i < 0 ? undefined : i + 1;
  }
  return elements.length;
}

export async function modifyContentType(
  q: Scope,
  ids: IdGenerator,
  now: Date,
  type: TypeRecord,
  ops: TypeOperation[],
): Promise<{ type: TypeRecord; removed: string[] }> {
  const errors: KontentValidationError[] = [];
  const next: TypeRecord = { ...type, elements: type.elements.map((e) => ({ ...e })) };
  const removed: string[] = [];
  for (const [i, op] of ops.entries()) {
    const at = `[${i}]`;
    const fail = (field: string, message: string) => errors.push({ path: `${at}.${field}`, message });
    const parts = op.path.split('/').slice(1);
    if (op.op === 'replace' && parts.length === 1 && (parts[0] === 'name' || parts[0] === 'codename')) {
      if (typeof op.value !== 'string' || op.value.length === 0) {
        fail('value', `/${parts[0]} takes a non-empty string.`);
      } else if (parts[0] === 'codename' && (await repo.codenameTaken(q, 'kontent_types', op.value, type.id))) {
        fail('value', `The codename "${op.value}" is already used by another content type.`);
      } else next[parts[0]] = op.value;
    } else if (op.op === 'addInto' && op.path === '/elements') {
      const v = op.value as ElementInput | undefined;
      if (!v || typeof v !== 'object' || typeof v.name !== 'string' || typeof v.type !== 'string') {
        fail('value', 'addInto /elements takes an element with a name and a type.');
        continue;
      }
      if (!['text', 'rich_text', 'number', 'date_time'].includes(v.type)) {
        fail('value.type', `wfkit models text, rich_text, number and date_time elements, not "${v.type}".`);
        continue;
      }
      const codename =
        v.codename ?? (await uniqueCodename(codenameFrom(v.name), (c) => indexOf(next.elements, { codename: c }) >= 0));
      if (indexOf(next.elements, { codename }) >= 0) {
        fail('value.codename', `Another element of the type has the codename "${codename}".`);
        continue;
      }
      const where = position(next.elements, op);
      if (where === undefined) {
        fail(op.before ? 'before' : 'after', 'The element to place the new one by does not exist.');
        continue;
      }
      next.elements.splice(where, 0, newElement(ids, v as TypeInput['elements'][number], codename));
    } else if (parts[0] === 'elements' && parts.length >= 2) {
      const ref = parseRef(decodeURIComponent(parts[1]!));
      const idx = indexOf(next.elements, ref);
      if (!ref || idx < 0) {
        fail('path', `The element ${parts[1]} does not exist in the content type.`);
        continue;
      }
      const el = next.elements[idx]!;
      if (op.op === 'remove' && parts.length === 2) {
        next.elements.splice(idx, 1);
        removed.push(el.id);
      } else if (op.op === 'move' && parts.length === 2) {
        next.elements.splice(idx, 1);
        const where = position(next.elements, op);
        if (where === undefined || (!op.before && !op.after)) {
          fail(op.before ? 'before' : 'after', 'move takes a before or after reference to an element of the type.');
          next.elements.splice(idx, 0, el);
        } else next.elements.splice(where, 0, el);
      } else if (op.op === 'replace' && parts.length === 3 && ELEMENT_PROPS.has(parts[2]!)) {
        const prop = parts[2] as 'name' | 'codename' | 'guidelines' | 'is_required';
        if (prop === 'is_required') {
          if (typeof op.value !== 'boolean') fail('value', 'is_required takes true or false.');
          else el.is_required = op.value;
        } else if (prop === 'guidelines') {
          if (op.value !== null && typeof op.value !== 'string') fail('value', 'guidelines takes a string or null.');
          else el.guidelines = op.value as string | null;
        } else if (typeof op.value !== 'string' || op.value.length === 0) {
          fail('value', `${prop} takes a non-empty string.`);
        } else if (prop === 'codename' && next.elements.some((e) => e !== el && e.codename === op.value)) {
          fail('value', `Another element of the type has the codename "${op.value}".`);
        } else el[prop] = op.value;
      } else fail('path', `The operation ${op.op} is not supported on ${op.path}.`);
    } else fail('path', `The operation ${op.op} is not supported on ${op.path}.`);
  }
  if (errors.length > 0)
    throw invalid('The provided content type operations are invalid. See validation_errors for details.', errors);
  next.last_modified = now;
  await repo.updateType(q, next);
  if (removed.length > 0) await repo.removeElementValues(q, type.id, removed);
  return { type: next, removed };
}

export async function deleteContentType(q: Scope, type: TypeRecord): Promise<void> {
  if (await repo.typeInUse(q, type.id))
    throw badState(CODE.invalid, `The content type "${type.codename}" is used by content items or workflow scopes.`);
  await repo.deleteType(q, type.id);
}
