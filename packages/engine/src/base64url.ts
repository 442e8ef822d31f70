/** base64url of UTF-8 text, with web APIs only (the engine also runs in browsers, where there is no `Buffer`). */

export function encodeBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The text, or `''` when `token` is not base64url (callers treat both as an invalid token). */
export function decodeBase64Url(token: string): string {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(token)) return '';
  const b64 = token.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  let binary: string;
  try {
    binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return '';
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}
