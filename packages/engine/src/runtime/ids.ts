/** Ids are injected, so runs are reproducible in tests. */
import { monotonicFactory } from 'ulid';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface IdGenerator {
  /** A ULID (sortable by creation time). */
  ulid(): string;
  /** A version 4 UUID. */
  uuid(): string;
}

/** ULIDs at the clock's time (monotonic within a millisecond) and random UUIDs. */
export function defaultIds(clock: Clock = systemClock): IdGenerator {
  const next = monotonicFactory();
  return {
    ulid: () => next(clock.now().getTime()),
    uuid: () => crypto.randomUUID(),
  };
}

/** Deterministic ids for tests: UUIDs 00000000-0000-4000-8000-000000000001, ...; ULIDs at the clock's time + a counter. */
export function sequentialIds(clock: Clock = systemClock): IdGenerator {
  let n = 0;
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const encode = (value: number, length: number) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      out = CROCKFORD[value % 32] + out;
      value = Math.floor(value / 32);
    }
    return out;
  };
  return {
    ulid: () => encode(clock.now().getTime(), 10) + encode(++n, 16),
    uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
  };
}
