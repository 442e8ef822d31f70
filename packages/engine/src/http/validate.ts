/**
 * Validates requests (and, for tests, responses) against a spec with Ajv (JSON Schema 2020-12, as OpenAPI 3.1).
 * The whole spec is registered once per Ajv instance and validators point into it by JSON pointer, so `$ref`s resolve
 * as written; each validator is compiled on first use and kept.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { ValidationIssue } from './api-module.js';
import {
  integerBounds,
  isJsonContentType,
  readBodyText,
  unsafeStringReason,
  unsafeValueIssues,
} from './input-safety.js';
import { deref, type MediaType, type OpenApiDocument, type Operation, type Parameter, type Ref } from './openapi.js';
import type { OperationEntry } from './operations.js';

// ajv-formats is CJS with `exports.default`: from ESM the plugin sits one or two `.default`s deep.
type FormatsPlugin = typeof ajvFormats.default.default;
const addFormats: FormatsPlugin =
  (ajvFormats.default as unknown as { default?: FormatsPlugin }).default ??
  (ajvFormats.default as unknown as FormatsPlugin);

const SPEC_ID = 'wfkit:spec';
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];

function newAjv(spec: OpenApiDocument, coerce: boolean, allErrors = true) {
  const ajv = new Ajv2020({
    strict: false,
    allErrors,
    validateSchema: false,
    coerceTypes: coerce ? 'array' : false,
    logger: false,
  });
  addFormats(ajv);
  for (const f of OPENAPI_FORMATS) ajv.addFormat(f, true);
  ajv.addSchema(spec as object, SPEC_ID);
  return ajv;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** `/steps/0/name` → `steps[0].name`. */
export function pointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** Turns Ajv errors into issues naming the field (for `required`, the missing property itself). */
export function toIssues(
  errors: ErrorObject[] | null | undefined,
  location: ValidationIssue['in'],
  rootPointer = '',
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const e of errors ?? []) {
    let pointer = rootPointer + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') pointer += `/${escapePointer(String(e.params.missingProperty))}`;
    if (e.keyword === 'additionalProperties') {
      pointer += `/${escapePointer(String(e.params.additionalProperty))}`;
      message = 'is not allowed';
    }
    if (e.keyword === 'required') message = 'is required';
    if (e.keyword === 'enum')
      message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    const issue: ValidationIssue = {
      in: location,
      field: pointerToField(pointer),
      pointer,
      message,
      keyword: e.keyword,
    };
    if (!issues.some((i) => i.pointer === issue.pointer && i.message === issue.message)) issues.push(issue);
  }
  return issues;
}

interface ParamPlan {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  isArray: boolean;
  explode: boolean;
  validate: ValidateFunction | undefined;
  /** Range of an integer parameter (the schema's, else 32-bit): larger numbers reach no handler. */
  bounds: { min: number; max: number } | undefined;
}

interface BodyPlan {
  required: boolean;
  json: boolean;
  /** A JSON media type other than the wildcard is declared: a body must say it is JSON (else 415). */
  strictJson: boolean;
  /** Validator for the operation's schema, and per `_action` value. */
  validate: ValidateFunction | undefined;
  actions: Map<string, ValidateFunction>;
  defaultAction: string | undefined;
  /** The schema pointers of `validate` and of each action, for the first-error validators of large bodies. */
  pointers: { body?: string; actions: Map<string, string> };
}

/**
 * Above this many JSON values a body is validated to its first error only. With every error collected, Ajv checks
 * each element of an array even after the array broke its `maxItems`: a 100,000-step definition took minutes of CPU.
 * Stopping at the first error, the size keywords (checked before the elements) end it at once.
 */
const LARGE_BODY_VALUES = 2_000;

/** Whether `value` holds more than `limit` JSON values (stops counting there). */
function holdsMoreThan(value: unknown, limit: number): boolean {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > limit) return true;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

export interface ValidatedRequest {
  issues: ValidationIssue[];
  /** The request is refused before validation: a body over the limit (413) or not JSON (415). */
  rejected?: { status: 413 | 415; message: string };
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

function isJsonMedia(type: string): boolean {
  return type === 'application/json' || /\+json$/.test(type) || type === '*/*';
}

export class SpecValidator {
  private paramsAjv: ReturnType<typeof newAjv> | undefined;
  private bodiesAjv: ReturnType<typeof newAjv> | undefined;
  private firstErrorAjv: ReturnType<typeof newAjv> | undefined;
  private readonly firstError = new Map<string, ValidateFunction>();
  private readonly plans = new Map<string, { params: ParamPlan[]; body: BodyPlan | undefined }>();
  private readonly responses = new Map<string, ValidateFunction>();

  constructor(readonly spec: OpenApiDocument) {}

  // Created on first use: registering a spec walks all of it (about 50 ms per instance), which start-up needn't wait for.
  private get params() {
    this.paramsAjv ??= newAjv(this.spec, true);
    return this.paramsAjv;
  }

  private get bodies() {
    this.bodiesAjv ??= newAjv(this.spec, false);
    return this.bodiesAjv;
  }

  /** A validator that stops at the first error, for large bodies (compiled on first need). */
  private firstErrorValidator(pointer: string): ValidateFunction {
    let v = this.firstError.get(pointer);
    if (!v) {
      this.firstErrorAjv ??= newAjv(this.spec, false, false);
      v = this.firstErrorAjv.compile(this.ref(pointer));
      this.firstError.set(pointer, v);
    }
    return v;
  }

  private ref(pointer: string) {
    return { $ref: `${SPEC_ID}#${pointer}` };
  }

  private plan(entry: OperationEntry) {
    const cached = this.plans.get(entry.pointer);
    if (cached) return cached;
    const pathItem = deref(this.spec, this.spec.paths?.[entry.path]) as
      | { parameters?: (Parameter | Ref)[] }
      | undefined;
    const params = new Map<string, ParamPlan>();
    const collect = (list: (Parameter | Ref)[] | undefined, base: string) => {
      (list ?? []).forEach((raw, i) => {
        const p = deref(this.spec, raw);
        if (!p || p.in === 'cookie') return;
        const schemaPointer =
          typeof (raw as Ref).$ref === 'string' && (raw as Ref).$ref.startsWith('#/')
            ? `${(raw as Ref).$ref.slice(1)}/schema`
            : `${base}/parameters/${i}/schema`;
        const schema = deref(this.spec, p.schema ?? {}) as Record<string, unknown>;
        const type = schema.type;
        const isArray = type === 'array' || (Array.isArray(type) && type.includes('array'));
        const validate = p.schema
          ? this.params.compile({ type: 'object', properties: { v: this.ref(schemaPointer) } })
          : undefined;
        const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
        params.set(key, {
          name: p.name,
          in: p.in,
          required: p.in === 'path' || Boolean(p.required),
          isArray,
          explode: p.explode !== false,
          validate,
          bounds: isArray ? undefined : integerBounds(schema),
        });
      });
    };
    // Operation-level parameters override path-level ones of the same name and location.
    collect(pathItem?.parameters, entry.pathPointer);
    collect(entry.operation.parameters, entry.pointer);

    let body: BodyPlan | undefined;
    const rb = entry.operation.requestBody ? deref(this.spec, entry.operation.requestBody) : undefined;
    if (rb && typeof rb === 'object' && 'content' in rb) {
      const content = (rb.content ?? {}) as Record<string, MediaType>;
      const jsonType = Object.keys(content).find(isJsonMedia);
      const base =
        typeof (entry.operation.requestBody as Ref).$ref === 'string'
          ? (entry.operation.requestBody as Ref).$ref.slice(1)
          : `${entry.pointer}/requestBody`;
      const bodyPointer =
        jsonType && content[jsonType]?.schema ? `${base}/content/${escapePointer(jsonType)}/schema` : undefined;
      body = {
        required: Boolean(rb.required),
        json: Boolean(jsonType) || Object.keys(content).length === 0,
        strictJson: jsonType !== undefined && jsonType !== '*/*',
        validate: bodyPointer ? this.bodies.compile(this.ref(bodyPointer)) : undefined,
        actions: new Map(),
        defaultAction: entry.operation['x-wfkit-default-action'],
        pointers: { ...(bodyPointer ? { body: bodyPointer } : {}), actions: new Map() },
      };
      for (const action of Object.keys(entry.operation['x-wfkit-action-bodies'] ?? {})) {
        const pointer = `${entry.pointer}/x-wfkit-action-bodies/${escapePointer(action)}`;
        body.actions.set(action, this.bodies.compile(this.ref(pointer)));
        body.pointers.actions.set(action, pointer);
      }
    }
    const plan = { params: [...params.values()], body };
    this.plans.set(entry.pointer, plan);
    return plan;
  }

  /** Compiles every operation's validators now (start-up), so the first requests don't pay for it. */
  precompile(entries: OperationEntry[]): void {
    for (const e of entries) this.plan(e);
  }

  /**
   * Validates path, header, query and body; returns the issues and the coerced values. Values no API can store (NUL,
   * lone surrogates, integers out of range, `__proto__` keys: input-safety.ts) are issues whatever the schema says.
   */
  async validateRequest(
    entry: OperationEntry,
    request: Request,
    url: URL,
    pathParams: Record<string, string>,
    limits: { maxBodyBytes?: number } = {},
  ): Promise<ValidatedRequest> {
    const plan = this.plan(entry);
    const issues: ValidationIssue[] = unsafeParameterIssues(url, pathParams);
    const query: Record<string, unknown> = {};
    this.validateParams(plan.params, request, url, pathParams, query, issues);
    const read = await readBodyText(request, limits.maxBodyBytes ?? Number.POSITIVE_INFINITY);
    if (!read.ok)
      return {
        issues,
        rejected: { status: 413, message: `The request body exceeds the limit of ${limits.maxBodyBytes} bytes` },
        params: pathParams,
        query,
        body: undefined,
      };
    const text = read.text;
    if (plan.body?.strictJson && text.length > 0 && !isJsonContentType(request.headers.get('content-type')))
      return {
        issues,
        rejected: {
          status: 415,
          message: `The request body must be JSON (Content-Type: application/json), not ${request.headers.get('content-type') ?? 'untyped'}`,
        },
        params: pathParams,
        query,
        body: undefined,
      };
    const body = this.validateBody(plan.body, text, url, issues);
    return { issues, params: pathParams, query, body };
  }

  /** Checks and coerces the declared parameters: path ones back into `pathParams`, query ones into `query`. */
  private validateParams(
    plans: ParamPlan[],
    request: Request,
    url: URL,
    pathParams: Record<string, string>,
    query: Record<string, unknown>,
    issues: ValidationIssue[],
  ): void {
    for (const p of plans) {
      let value: unknown;
      if (p.in === 'path') value = pathParams[p.name];
      else if (p.in === 'header') value = request.headers.get(p.name) ?? undefined;
      else {
        const all = url.searchParams.getAll(p.name);
        if (all.length > 0) value = p.isArray ? (!p.explode && all.length === 1 ? all[0]!.split(',') : all) : all[0];
      }
      if (value === undefined) {
        if (p.required) {
          issues.push({
            in: p.in,
            field: p.name,
            pointer: `/${escapePointer(p.name)}`,
            message: 'is required',
            keyword: 'required',
          });
        }
        continue;
      }
      if (p.validate) {
        const holder = { v: value };
        if (!p.validate(holder)) {
          for (const issue of toIssues(p.validate.errors, p.in)) {
            const rest = issue.pointer.replace(/^\/v/, '');
            const sub = pointerToField(rest);
            const field = !sub ? p.name : sub.startsWith('[') ? p.name + sub : `${p.name}.${sub}`;
            issues.push({ ...issue, pointer: `/${escapePointer(p.name)}${rest}`, field });
          }
          continue;
        }
        value = holder.v;
      }
      if (p.bounds && typeof value === 'number' && (value < p.bounds.min || value > p.bounds.max)) {
        issues.push({
          in: p.in,
          field: p.name,
          pointer: `/${escapePointer(p.name)}`,
          message: value < p.bounds.min ? `must be >= ${p.bounds.min}` : `must be <= ${p.bounds.max}`,
          keyword: value < p.bounds.min ? 'minimum' : 'maximum',
        });
        continue;
      }
      if (p.in === 'path') pathParams[p.name] = String(value);
      else if (p.in === 'query') query[p.name] = value;
    }
  }

  /** Parses and checks the body text (JSON against the action's or the operation's schema); the body to hand on. */
  private validateBody(plan: BodyPlan | undefined, text: string, url: URL, issues: ValidationIssue[]): unknown {
    let body: unknown;
    if (plan) {
      if (text.length === 0) {
        if (plan.required)
          issues.push({
            in: 'body',
            field: '',
            pointer: '',
            message: 'a request body is required',
            keyword: 'required-body',
          });
      } else if (plan.json) {
        try {
          body = JSON.parse(text);
        } catch {
          issues.push({ in: 'body', field: '', pointer: '', message: 'the body is not valid JSON', keyword: 'parse' });
        }
        const unsafe = body === undefined ? [] : unsafeValueIssues(body, 'body');
        if (unsafe.length > 0) {
          issues.push(...unsafe);
          body = undefined;
        }
        if (body !== undefined) {
          // Without `_action`, the operation's default action (IDM: create) decides the body's schema.
          const action = url.searchParams.get('_action') ?? plan.defaultAction;
          const actionValidate = action ? plan.actions.get(action) : undefined;
          let validate = actionValidate ?? plan.validate;
          if (validate && holdsMoreThan(body, LARGE_BODY_VALUES)) {
            const pointer = actionValidate ? plan.pointers.actions.get(action!) : plan.pointers.body;
            if (pointer) validate = this.firstErrorValidator(pointer);
          }
          if (validate && !validate(body)) issues.push(...toIssues(validate.errors, 'body'));
        }
      } else {
        body = text;
        issues.push(...unsafeValueIssues(body, 'body'));
      }
    } else if (text.length > 0) {
      // A body the operation doesn't take: keep it available (parsed when it is JSON), don't reject it.
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      issues.push(...unsafeValueIssues(body, 'body'));
    }
    return body;
  }

  /** A validator for the schema at a JSON pointer of the spec (response checks). */
  schemaAt(pointer: string): ValidateFunction {
    const cached = this.responses.get(pointer);
    if (cached) return cached;
    const v = this.bodies.compile(this.ref(pointer));
    this.responses.set(pointer, v);
    return v;
  }
}

export type { Operation };

/** Query and path values no API can store (input-safety.ts), declared or not: handlers may read the raw ones. */
function unsafeParameterIssues(url: URL, pathParams: Record<string, string>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  // Every query parameter, declared or not (handlers may read the raw ones), and every path parameter.
  for (const [name, value] of url.searchParams) {
    const reason = unsafeStringReason(name) ?? unsafeStringReason(value);
    if (reason && issues.length < 10)
      issues.push({
        in: 'query',
        field: name,
        pointer: `/${escapePointer(name)}`,
        message: reason,
        keyword: 'unsafe-string',
      });
  }
  for (const [name, value] of Object.entries(pathParams)) {
    const reason = unsafeStringReason(value);
    if (reason)
      issues.push({
        in: 'path',
        field: name,
        pointer: `/${escapePointer(name)}`,
        message: reason,
        keyword: 'unsafe-string',
      });
  }
  return issues;
}
