import { describe, expect, it } from 'vitest';
import { nextCron, parseCron } from '../../src/runtime/cron.js';
import { nextFiring, parseCycle } from '../../src/runtime/timer-cycles.js';

const next = (expr: string, after: string) => nextCron(parseCron(expr)!, new Date(after))?.toISOString();

describe('cron timer cycles (Quartz syntax, UTC)', () => {
  it('finds the next firing of steps, lists, ranges and names', () => {
    expect(next('0 0/5 * * * ?', '2026-01-05T09:02:30Z')).toBe('2026-01-05T09:05:00.000Z');
    expect(next('0 0/5 * * * ?', '2026-01-05T09:05:00Z')).toBe('2026-01-05T09:10:00.000Z');
    expect(next('30 15 10 ? * MON-FRI', '2026-01-09T11:00:00Z')).toBe('2026-01-12T10:15:30.000Z'); // Fri → Mon
    expect(next('0 0 12 1,15 * ?', '2026-01-02T00:00:00Z')).toBe('2026-01-15T12:00:00.000Z');
    expect(next('0 0 0 29 FEB ? 2028', '2026-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('refuses what is not a cron', () => {
    for (const bad of ['every day', '0 0 * * *', '61 * * * * ?', '0 0 12 ? * FOO', '0 0 5-2 * * ?'])
      expect(parseCron(bad), bad).toBeNull();
  });

  it('repeats a cron cycle until its end date', () => {
    const c = parseCycle('0 0 * * * ?')!;
    const last = new Date('2026-01-05T09:00:00Z');
    expect(nextFiring(c, 1, last, null)?.toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(nextFiring(c, 1, last, new Date('2026-01-05T09:30:00Z'))).toBeNull();
  });
});
