/**
 * `_fields`: a comma list of JSON pointers (with or without the leading `/`). An empty entry means "every default
 * field", so `_fields=,diagram` is everything plus `diagram`. Some fields are always written (IDM's `_id`, IGA's `id`).
 */
import { type CrestDialect, IDM_DIALECT } from './dialect.js';
import { CrestQueryError } from './errors.js';
import { parsePointer } from './filter.js';

export interface FieldList {
  /** True when an empty entry asks for every default field. */
  all: boolean;
  /** The named fields, as pointer segments. */
  fields: string[][];
}

export function parseFields(value: string | undefined, dialect: CrestDialect = IDM_DIALECT): FieldList | undefined {
  if (value === undefined) return undefined;
  let all = false;
  const fields: string[][] = [];
  for (const e of value.split(',')) {
    const t = e.trim();
    if (t === '') {
      all = true;
      continue;
    }
    fields.push(
      parsePointer(
        t,
        (m) => {
          throw new CrestQueryError(`Invalid _fields: ${m}.`);
        },
        dialect.dottedPointers,
      ),
    );
  }
  if (fields.length === 0) all = true;
  return { all, fields };
}

/** Whether `_fields` names this top-level field (for fields only returned on request: `diagram`, `bpmnXML`). */
export function fieldRequested(list: FieldList | undefined, name: string): boolean {
  return Boolean(list?.fields.some((f) => f[0] === name));
}

function get(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function set(target: Record<string, unknown>, path: string[], value: unknown) {
  let cur = target;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    if (cur[seg] === null || typeof cur[seg] !== 'object') cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * Projects a resource: without `_fields` (or with an empty entry) the resource as given; otherwise the `always` fields
 * plus the named ones (nested pointers give nested objects, or the whole top-level field in a dialect that keeps
 * them whole). Named fields absent from the resource are left out.
 */
export function projectFields<T extends object>(
  resource: T,
  list: FieldList | undefined,
  always: readonly string[] = ['_id'],
  dialect: CrestDialect = IDM_DIALECT,
): T {
  if (!list || list.all) return resource;
  const out: Record<string, unknown> = {};
  const r = resource as Record<string, unknown>;
  for (const f of always) if (f in r) out[f] = r[f];
  for (const f of list.fields) {
    const path = dialect.wholeTopLevelFields ? f.slice(0, 1) : f;
    const v = get(resource, path);
    if (v !== undefined) set(out, path, v);
  }
  return out as T;
}
