/**
 * The messages that run a prepared statement once — Bind (every parameter and result column as text), Execute, Sync
 * — written straight into one buffer, after whatever goes before them in the same call (a BEGIN). PGlite's
 * serializer builds each message in a growing writer and copies it out; for the engine's statements, whose
 * parameters are JSON documents of a few kilobytes, that cost more JS than the reply did.
 */

const BIND = 0x42; // 'B'
const EXECUTE_SYNC = new Uint8Array([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]); // Execute(portal '', all rows), Sync
const encoder = new TextEncoder();

/** A statement name as the C string Bind carries. */
export function cString(name: string): Uint8Array {
  return encoder.encode(`${name}\0`);
}

/** prefix, then Bind of `statement` (a `cString`) with `values`, Execute and Sync, as one buffer. */
export function bindExecuteSync(
  prefix: readonly Uint8Array[],
  statement: Uint8Array,
  values: readonly (string | null)[],
): Uint8Array {
  let bound = 0;
  for (const p of prefix) bound += p.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit
  bound += 1 + 4 + 1 + statement.length + 2 + 2 * values.length + 2 + 2 + EXECUTE_SYNC.length;
  for (const v of values) bound += 4 + (v === null ? 0 : 3 * v.length);
  const out = new Uint8Array(bound);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of prefix) {
    out.set(p, at);
    at += p.length;
  }
  const start = at;
  out[at] = BIND;
  at += 5; // the length goes in once known
  out[at++] = 0; // unnamed portal
  out.set(statement, at);
  at += statement.length;
  view.setUint16(at, values.length);
  at += 2;
  at += 2 * values.length; // format code 0 (text) for every parameter: the buffer starts zeroed
  view.setUint16(at, values.length);
  at += 2;
  for (const v of values) {
    if (v === null) {
      view.setInt32(at, -1);
      at += 4;
      continue;
    }
    const { written } = encoder.encodeInto(v, out.subarray(at + 4));
    view.setInt32(at, written);
    at += 4 + written;
  }
  view.setUint16(at, 0); // no result format codes: every column as text
  at += 2;
  view.setInt32(start + 1, at - start - 1);
  out.set(EXECUTE_SYNC, at);
  return out.subarray(0, at + EXECUTE_SYNC.length);
}
