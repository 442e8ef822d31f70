/** Ids are injected, so runs are reproducible in tests. */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';

export interface IdGenerator {
  /** A ULID (sortable by creation time). */
  ulid(): string;
  /** A version 4 UUID. */
  uuid(): string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID factory (https://github.com/ulid/spec): 48 bits of milliseconds, 80 random bits; within one millisecond the
 * random part counts up, so ids sort in creation order. Random bytes come from a pool refilled 4 KB at a time, not
 * one call per character (the `ulid` package asks for a random byte per character).
 */
export function ulidFactory(): (ms: number) => string {
  const pool = new Uint8Array(4096);
  let used = pool.length;
  const random = new Uint8Array(10);
  let lastMs = -1;
  return (ms: number) => {
    if (ms > lastMs) {
      if (used + 10 > pool.length) {
        crypto.getRandomValues(pool);
        used = 0;
      }
      random.set(pool.subarray(used, used + 10));
      used += 10;
      lastMs = ms;
    } else {
      // Same (or an earlier) millisecond: the previous id's random part + 1, as the spec's monotonic factory does.
      let i = 9;
      while (i >= 0 && random[i] === 255) random[i--] = 0;
      if (i < 0) throw new Error('ULID random part overflowed within one millisecond');
      random[i]!++;
    }
    let out = '';
    let t = lastMs;
    for (let i = 0; i < 10; i++) {
      out = CROCKFORD[t % 32]! + out;
      t = Math.floor(t / 32);
    }
    // 80 bits → 16 characters of 5 bits.
    let bits = 0;
    let acc = 0;
    for (let i = 0; i < 10; i++) {
      acc = (acc << 8) | random[i]!;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += CROCKFORD[(acc >> bits) & 31];
      }
      acc &= (1 << bits) - 1;
    }
    return out;
  };
}

/** ULIDs at the clock's time (monotonic within a millisecond) and random UUIDs. */
export function defaultIds(clock: Clock = systemClock): IdGenerator {
  const next = ulidFactory();
  return {
    ulid: () => next(clock.now().getTime()),
    uuid: () => crypto.randomUUID(),
  };
}

/** Deterministic ids for tests: UUIDs 00000000-0000-4000-8000-000000000001, ...; ULIDs at the clock's time + a counter. */
export function sequentialIds(clock: Clock = systemClock): IdGenerator {
  let n = 0;
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
