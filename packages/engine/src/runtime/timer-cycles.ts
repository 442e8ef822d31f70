/**
 * Repeating timers as Flowable reads a `timeCycle`: ISO 8601 repeating intervals `R<n>/<duration>`, `R/<duration>`
 * (no end) and `R<n>/<start>/<duration>`, or a cron expression (cron.ts), optionally bounded by an end date
 * (`flowable:endDate`).
 */
import { type Cron, nextCron, parseCron } from './cron.js';
import { RuntimeError } from './errors.js';

export interface Cycle {
  /** How many times it fires in all; null: until the end date, forever without one. */
  repeat: number | null;
  /** The first firing when the cycle names one. */
  start?: Date;
  /** Milliseconds between firings (0 for a cron). */
  everyMs: number;
  cron?: Cron;
}

/** Parses an ISO 8601 duration (PnYnMnDTnHnMnS, PnW) into milliseconds; null when it isn't one. */
export function parseIsoDuration(s: string): number | null {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return ((((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60 + Number(m[7] ?? 0)) * 1000;
}

/** The cycle of `text`, or null when it is not an ISO 8601 repeating interval. */
export function parseCycle(text: string): Cycle | null {
  const m = /^R(\d*)\/(?:([^/]+)\/)?(P[^/]+)$/.exec(text.trim());
  if (!m) {
    const cron = parseCron(text);
    return cron ? { repeat: null, everyMs: 0, cron } : null;
  }
  const everyMs = parseIsoDuration(m[3]!);
  if (everyMs === null || everyMs <= 0) return null;
  const cycle: Cycle = { repeat: m[1] ? Number(m[1]) : null, everyMs };
  if (m[2]) {
    const start = new Date(m[2]);
    if (Number.isNaN(start.getTime())) return null;
    cycle.start = start;
  }
  return cycle;
}

/** The first firing of a cycle read at `now`. */
export function firstFiring(cycle: Cycle, now: Date): Date {
  if (cycle.cron) return nextCron(cycle.cron, now) ?? new Date(8.64e15);
  return cycle.start && cycle.start.getTime() >= now.getTime() ? cycle.start : new Date(now.getTime() + cycle.everyMs);
}

/**
 * The firing after the `fired`-th (counting from 1) at `last`, or null when the cycle is done (its count reached, or
 * past its end date).
 */
export function nextFiring(cycle: Cycle, fired: number, last: Date, endDate?: Date | null): Date | null {
  if (cycle.repeat !== null && fired >= cycle.repeat) return null;
  const next = cycle.cron ? nextCron(cycle.cron, last) : new Date(last.getTime() + cycle.everyMs);
  if (!next) return null;
  if (endDate && next.getTime() > endDate.getTime()) return null;
  return next;
}

/** An end date (`flowable:endDate`) as a Date; a clear failure when it is not one. */
export function endDateOf(value: unknown, where: string): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new RuntimeError('failed', `The end date of ${where} is not a date: ${value}`);
  return d;
}
