/**
 * Cron expressions as Flowable reads a timer cycle that is not ISO 8601 (Quartz syntax, in UTC): seconds, minutes,
 * hours, day of month, month, day of week and an optional year; `*`, `?`, lists, ranges, steps and names
 * (JAN–DEC, SUN–SAT, Sunday = 1). `L`, `W` and `#` are not supported.
 */

export interface Cron {
  fields: (Set<number> | null)[]; // null: any value
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const RANGES: [number, number, string[]?][] = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12, MONTHS],
  [1, 7, DAYS],
  [1970, 2199],
];

function value(text: string, names: string[] | undefined, base: number): number {
  const i = names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? i + base : /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

function field(text: string, [min, max, names]: [number, number, string[]?]): Set<number> | null | undefined {
  if (text === '*' || text === '?') return null;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([^/-]+|\*)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = m[1] === '*' ? min : value(m[1]!, names, min);
    const to = m[2] !== undefined ? value(m[2], names, min) : m[3] !== undefined || m[1] === '*' ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (![from, to, step].every(Number.isInteger) || from < min || to > max || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The cron of `text`, or null when it is not one. */
export function parseCron(text: string): Cron | null {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6 && parts.length !== 7) return null;
  const fields: (Set<number> | null)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const f = field(parts[i]!, RANGES[i]!);
    if (f === undefined) return null;
    fields.push(f);
  }
  if (fields.length === 6) fields.push(null);
  return { fields };
}

const sorted = (f: Set<number> | null, min: number, max: number) =>
  f ? [...f].sort((a, b) => a - b) : Array.from({ length: max - min + 1 }, (_, i) => min + i);

/** The first time strictly after `after` that the cron names (UTC), or null within the next five years. */
export function nextCron(cron: Cron, after: Date): Date | null {
  const [sec, min, hour, dom, month, dow, year] = cron.fields;
  const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  const hours = sorted(hour!, 0, 23);
  const minutes = sorted(min!, 0, 59);
  const seconds = sorted(sec!, 0, 59);
  const day = new Date(start);
  day.setUTCHours(0, 0, 0, 0);
  for (let i = 0; i < 366 * 5; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (year && !year.has(day.getUTCFullYear())) continue;
    if (month && !month.has(day.getUTCMonth() + 1)) continue;
    if (dom && !dom.has(day.getUTCDate())) continue;
    if (dow && !dow.has(day.getUTCDay() + 1)) continue;
    for (const h of hours)
      for (const m of minutes)
        for (const s of seconds) {
          const t = day.getTime() + ((h * 60 + m) * 60 + s) * 1000;
          if (t >= start) return new Date(t);
        }
  }
  return null;
}
