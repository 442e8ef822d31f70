/**
 * openapi-fetch middleware builders for auth and per-request headers. Each sets a header only when the request
 * does not already carry it, so a per-call `headers` value wins.
 */
import type { Middleware } from 'openapi-fetch';

type HeaderValue = string | number | boolean | null | undefined;
export type HeaderValues = Record<string, HeaderValue>;

function setMissing(headers: Headers, values: HeaderValues): void {
  for (const name in values) {
    const value = values[name];
    if (value !== undefined && value !== null && !headers.has(name)) headers.set(name, String(value));
  }
}

/**
 * Adds fixed headers (or headers computed per request) to every request; `undefined`/`null` values are skipped.
 *
 * IDM: `headerAuth({ 'X-OpenIDM-Username': user, 'X-OpenIDM-Password': password })`.
 * FLOW: `headerAuth({ api_key: key, 'X-Frankie-CustomerID': id, 'X-Frankie-CustomerChildID': childId })`.
 */
export function headerAuth(values: HeaderValues | (() => HeaderValues | Promise<HeaderValues>)): Middleware {
  if (typeof values === 'function') {
    return {
      async onRequest({ request }) {
        setMissing(request.headers, await values());
      },
    };
  }
  const entries = Object.entries(values).filter(
    (e): e is [string, string | number | boolean] => e[1] !== undefined && e[1] !== null,
  );
  return {
    onRequest({ request }) {
      for (const [name, value] of entries) if (!request.headers.has(name)) request.headers.set(name, String(value));
    },
  };
}

export interface TokenProviderContext {
  /** True when the previous token was rejected with a 401 (or expired): do not return a cached token. */
  forceRefresh: boolean;
}

/** A token, or a token with its expiry (epoch ms) so it is refreshed shortly before. */
export type TokenResult = string | { token: string; expiresAt?: number | undefined };

export type TokenProvider = (context: TokenProviderContext) => TokenResult | Promise<TokenResult>;

export interface BearerAuthOptions {
  /** Default `Authorization`. */
  header?: string;
  /** Default `Bearer`. */
  scheme?: string;
  /**
   * Reuse the provider's last token until it rejects, expires, or draws a 401 (default true). With `false`, the
   * provider is called for every request.
   */
  cache?: boolean;
  /** On a 401, get a fresh token (`forceRefresh: true`) and send the request once more (default true). */
  retryOn401?: boolean;
  /** Refresh this long before `expiresAt` (default 30 000 ms). */
  expirySkewMs?: number;
}

interface CachedToken {
  token: string;
  expiresAt: number | undefined;
  generation: number;
}

const CONTROL_KEYS = ['retry', 'timeout', 'idempotencyKey'] as const;

/**
 * `Authorization: Bearer <token>` from a static token (Kontent key) or an async provider (IGA access token):
 * concurrent requests share one provider call; a rejected call is not cached; after a 401 the token is refreshed
 * once and the request re-sent.
 */
export function bearerAuth(token: string | TokenProvider, options: BearerAuthOptions = {}): Middleware {
  const {
    header = 'Authorization',
    scheme = 'Bearer',
    cache = true,
    retryOn401 = true,
    expirySkewMs = 30_000,
  } = options;
  const format = (t: string) => (scheme ? `${scheme} ${t}` : t);
  if (typeof token === 'string') {
    const value = format(token);
    return {
      onRequest({ request }) {
        if (!request.headers.has(header)) request.headers.set(header, value);
      },
    };
  }

  const provider = token;
  let current: Promise<CachedToken> | undefined;
  let generation = 0;
  // Per request: the token generation it was sent with, and a pristine copy for a re-send after a 401.
  const sent = new WeakMap<Request, { generation: number; copy: Request | undefined }>();

  const fetchToken = (forceRefresh: boolean): Promise<CachedToken> => {
    const gen = ++generation;
    const p = Promise.resolve()
      .then(() => provider({ forceRefresh }))
      .then((r) =>
        typeof r === 'string'
          ? { token: r, expiresAt: undefined, generation: gen }
          : { token: r.token, expiresAt: r.expiresAt, generation: gen },
      );
    if (cache) {
      current = p;
      p.catch(() => {
        if (current === p) current = undefined;
      });
    }
    return p;
  };

  const getToken = (): Promise<CachedToken> => {
    if (!cache) return fetchToken(false);
    if (current === undefined) return fetchToken(false);
    const c = current;
    return c.then((t) => {
      if (t.expiresAt !== undefined && Date.now() >= t.expiresAt - expirySkewMs) {
        return current === c ? fetchToken(true) : (current ?? fetchToken(true));
      }
      return t;
    });
  };

  return {
    async onRequest({ request }) {
      if (request.headers.has(header)) return;
      const t = await getToken();
      request.headers.set(header, format(t.token));
      if (retryOn401) {
        sent.set(request, { generation: t.generation, copy: request.body !== null ? request.clone() : undefined });
      }
    },
    async onResponse({ request, response, options: merged }) {
      if (response.status !== 401) return;
      const info = sent.get(request);
      if (!info) return;
      sent.delete(request);
      // Only the first request to see a 401 for a token refreshes it; the others reuse the refreshed one.
      const latest = cache && current !== undefined && generation > info.generation ? await current : undefined;
      const t = latest !== undefined && latest.generation > info.generation ? latest : await fetchToken(true);
      response.body?.cancel().catch(() => {});
      const again = new Request(info.copy ?? request);
      again.headers.set(header, format(t.token));
      const carried = request as unknown as Record<string, unknown>;
      for (const key of CONTROL_KEYS) {
        if (carried[key] !== undefined) (again as unknown as Record<string, unknown>)[key] = carried[key];
      }
      return merged.fetch(again);
    },
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID: 10 characters of millisecond time and 16 of randomness (Crockford base32, 26 characters, sortable by
 * time). Randomness from `crypto.getRandomValues`.
 */
export function ulid(now: number = Date.now()): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 0; i < 16; i++) out += CROCKFORD[bytes[i]! & 31];
  return out;
}

/**
 * Sets `header` to a fresh id per call unless the call gave one (FLOW: `requestIdHeader('X-Frankie-RequestID')`).
 * Retries of one call reuse its id.
 */
export function requestIdHeader(header = 'X-Request-ID', generate: () => string = ulid): Middleware {
  return {
    onRequest({ request }) {
      if (!request.headers.has(header)) request.headers.set(header, generate());
    },
  };
}
