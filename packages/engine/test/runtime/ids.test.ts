import { decodeTime, isValid } from 'ulid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultIds, ulidFactory } from '../../src/runtime/ids.js';

describe('ULIDs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are valid ULIDs carrying the given time', () => {
    const next = ulidFactory();
    const at = Date.parse('2025-03-01T10:00:00.000Z');
    const id = next(at);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(at);
  });

  it('sort in creation order, also within one millisecond and when the clock steps back', () => {
    const next = ulidFactory();
    const ids = [next(1000), next(1000), next(1000), next(999), next(1001), next(1001)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // the random part counts up by one within a millisecond (compared as numbers: +1 may carry into more characters)
    const randomPart = (id: string) =>
      [...id.slice(10)].reduce((n, c) => n * 32n + BigInt('0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c)), 0n);
    expect(randomPart(ids[1]!) - randomPart(ids[0]!)).toBe(1n);
    expect(randomPart(ids[2]!) - randomPart(ids[1]!)).toBe(1n);
  });

  it('draw random bytes from a pool, not once per character', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues');
    const ids = defaultIds();
    for (let i = 0; i < 1000; i++) ids.ulid();
    expect(spy.mock.calls.length).toBeLessThanOrEqual(3);
  });
});
