import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../src/base64url.js';

describe('base64url without Buffer', () => {
  it('encodes as Node does, for ASCII and for multi-byte UTF-8', () => {
    for (const text of ['', '1', '10', 'wfkit:items:42', 'é€😀', '??>>']) {
      expect(encodeBase64Url(text)).toBe(Buffer.from(text).toString('base64url'));
      expect(decodeBase64Url(encodeBase64Url(text))).toBe(text);
    }
  });

  it('reads padded tokens and gives an empty string for what is not base64url', () => {
    expect(decodeBase64Url('MTA=')).toBe('10');
    expect(decodeBase64Url('not base64!')).toBe('');
    expect(decodeBase64Url('a+b/')).toBe('');
  });
});
