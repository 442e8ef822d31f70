/**
 * Form mapping: IDM form properties (a start event's or a user task's `activiti:formProperty`) → input fields, and
 * the values a person typed → the body of `processInstances.create` / `tasks.complete`, typed as the property says.
 */

/** IDM's `FormPropertyDefinition` (the fields the console uses). */
export interface FormPropertyDefinition {
  _id: string;
  name?: string | null;
  type: { name: string; values?: Record<string, string | null> | null; datePattern?: string | null };
  readable: boolean;
  writable: boolean;
  required: boolean;
  variableName?: string | null;
  defaultExpression?: string | null;
}

export type FieldKind = 'text' | 'integer' | 'number' | 'checkbox' | 'select' | 'date';

export interface FormField {
  /** The form property id: the input's name, and the variable name sent back unless `variable` says otherwise. */
  id: string;
  /** The variable written (IDM: `variableName`, else the id). */
  variable: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  readOnly: boolean;
  options?: { value: string; label: string }[];
  /** For dates: the pattern the API expects (`dd-MM-yyyy`), the input itself gives ISO `yyyy-MM-dd`. */
  datePattern?: string;
  /** The initial value as the input holds it. */
  initial: string | boolean;
}

const KINDS: Record<string, FieldKind> = {
  string: 'text',
  long: 'integer',
  integer: 'integer',
  double: 'number',
  boolean: 'checkbox',
  enum: 'select',
  date: 'date',
};

/** Fields for the readable or writable properties; `values` are the current values (a task's `formProperties`). */
export function toFields(defs: readonly FormPropertyDefinition[], values: Record<string, unknown> = {}): FormField[] {
  return defs
    .filter((d) => d.readable || d.writable)
    .map((d) => {
      const kind = KINDS[d.type.name] ?? 'text';
      const current = values[d._id];
      const field: FormField = {
        id: d._id,
        variable: d.variableName || d._id,
        label: d.name || d._id,
        kind,
        required: d.required && d.writable,
        readOnly: !d.writable,
        initial: kind === 'checkbox' ? current === true || current === 'true' : current == null ? '' : String(current),
      };
      if (kind === 'select')
        field.options = Object.entries(d.type.values ?? {}).map(([value, label]) => ({ value, label: label || value }));
      if (kind === 'date') {
        field.datePattern = d.type.datePattern || 'dd-MM-yyyy';
        if (typeof field.initial === 'string' && field.initial)
          field.initial = parseDate(field.initial, field.datePattern) ?? '';
      }
      return field;
    });
}

/** A task's `formProperties` (`[{ id: value }]`) as one object. */
export function taskValues(formProperties: readonly Record<string, unknown>[] | undefined): Record<string, unknown> {
  return Object.assign({}, ...(formProperties ?? []));
}

/** Formats ISO `yyyy-MM-dd` in a Java-style pattern (`dd-MM-yyyy`, `MM/dd/yyyy`, `yyyy.MM.dd`). */
export function formatDate(iso: string, pattern: string): string {
  const [y, m, d] = iso.split('-');
  return pattern
    .replace('yyyy', y ?? '')
    .replace('MM', m ?? '')
    .replace('dd', d ?? '');
}

/** Reads a date written in `pattern` back to ISO `yyyy-MM-dd`; undefined when it does not fit. */
export function parseDate(text: string, pattern: string): string | undefined {
  const order: string[] = [];
  const re = new RegExp(
    `^${pattern.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/yyyy|MM|dd/g, (t) => {
      order.push(t);
      return t === 'yyyy' ? '(\\d{4})' : '(\\d{2})';
    })}$`,
  );
  const m = re.exec(text);
  if (!m) return undefined;
  const part = (t: string) => m[order.indexOf(t) + 1]!;
  return `${part('yyyy')}-${part('MM')}-${part('dd')}`;
}

export interface FormResult {
  body: Record<string, unknown>;
  /** Field id → what is wrong with its value. */
  errors: Record<string, string>;
}

/** Typed values for the writable fields (empty optional fields are left out), or the errors to show. */
export function toBody(fields: readonly FormField[], raw: Record<string, string | boolean | undefined>): FormResult {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  // Sent under the property id (what IDM checks `required` against) and, when it differs, the variable it writes.
  const put = (f: FormField, value: unknown) => {
    body[f.id] = value;
    if (f.variable !== f.id) body[f.variable] = value;
  };
  for (const f of fields) {
    if (f.readOnly) continue;
    const v = raw[f.id];
    if (f.kind === 'checkbox') {
      put(f, v === true || v === 'true' || v === 'on');
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (f.required) errors[f.id] = `${f.label} is required`;
      continue;
    }
    switch (f.kind) {
      case 'integer':
        if (!/^-?\d+$/.test(text)) errors[f.id] = `${f.label} must be a whole number`;
        else put(f, Number(text));
        break;
      case 'number':
        if (!Number.isFinite(Number(text))) errors[f.id] = `${f.label} must be a number`;
        else put(f, Number(text));
        break;
      case 'select':
        if (f.options && !f.options.some((o) => o.value === text))
          errors[f.id] = `${f.label}: choose one of the values`;
        else put(f, text);
        break;
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) errors[f.id] = `${f.label} must be a date`;
        else put(f, formatDate(text, f.datePattern ?? 'dd-MM-yyyy'));
        break;
      default:
        put(f, text);
    }
  }
  return { body, errors };
}
