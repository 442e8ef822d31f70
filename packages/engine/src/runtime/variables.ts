/** Typed variable values as stored in wf_variable / wf_hi_variable (type + JSON value). */

export type VariableType = 'string' | 'integer' | 'double' | 'boolean' | 'date' | 'json' | 'null';

export function typeOfValue(v: unknown): VariableType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'double';
  if (v instanceof Date) return 'date';
  return 'json';
}

export function encodeValue(v: unknown): { type: VariableType; value: unknown } {
  const type = typeOfValue(v);
  if (type === 'date') return { type, value: (v as Date).toISOString() };
  if (type === 'null') return { type, value: null };
  if (type === 'json') return { type, value: JSON.parse(JSON.stringify(v, dateReplacer)) };
  if (type === 'double' && !Number.isFinite(v as number)) return { type: 'null', value: null };
  return { type, value: v };
}

function dateReplacer(_k: string, x: unknown) {
  return x instanceof Date ? x.toISOString() : x;
}

export function decodeValue(type: string, value: unknown): unknown {
  if (type === 'date' && typeof value === 'string') return new Date(value);
  if (type === 'null') return null;
  return value;
}

/** A value as JSON for API output (dates as ISO strings). */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v === undefined ? null : v;
}
