import { describe, expect, it } from 'vitest';
import { readBodyText } from '../../src/http/input-safety.js';

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://localhost/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

const streamOf = (chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });

describe('readBodyText', () => {
  it('reads a body whose declared length is within the limit', async () => {
    expect(await readBodyText(post('{"a":"é"}', { 'content-length': '10' }), 100)).toEqual({
      ok: true,
      text: '{"a":"é"}',
    });
  });

  it('refuses a declared length over the limit without reading', async () => {
    const request = post('x'.repeat(20), { 'content-length': '20' });
    expect(await readBodyText(request, 10)).toEqual({ ok: false, bytes: 20 });
    expect(request.bodyUsed).toBe(false);
  });

  it('refuses a body built in process that holds more than it declares', async () => {
    const result = await readBodyText(post('é'.repeat(60), { 'content-length': '10' }), 100);
    expect(result).toEqual({ ok: false, bytes: 120 });
  });

  it('stops reading a body without a length once it passes the limit', async () => {
    expect(await readBodyText(post(streamOf(['x'.repeat(8), 'x'.repeat(8)])), 10)).toEqual({ ok: false, bytes: 16 });
    expect(await readBodyText(post(streamOf(['ab', 'cd'])), 10)).toEqual({ ok: true, text: 'abcd' });
  });

  it('reads no body as empty text', async () => {
    expect(await readBodyText(new Request('http://localhost/x', { method: 'POST' }), 10)).toEqual({
      ok: true,
      text: '',
    });
  });
});
