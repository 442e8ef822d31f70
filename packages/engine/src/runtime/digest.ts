/**
 * Hashing and secret comparison on Web Crypto and plain JS, so the engine also runs in a browser
 * (MSW's in-process engine handlers), where `node:crypto` does not exist.
 */
const encoder = new TextEncoder();

/** Hex SHA-256 of the parts, each followed by a NUL so ('ab','c') and ('a','bc') differ. */
export async function sha256Hex(...parts: string[]): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(parts.join('\0')));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two secrets in time that depends only on their lengths. */
export function sameSecret(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
