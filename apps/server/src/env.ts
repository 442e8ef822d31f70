/** The server's settings from environment variables; credentials are parsed by the engine's config module. */
import { resolve } from 'node:path';
import { ConfigError, parseConfig, type WfkitConfig } from '@wfkit/engine';

export interface ServerSettings {
  port: number;
  /** Listen address; default all interfaces. */
  host: string | undefined;
  /** PGlite data folder (ignored when databaseUrl is set). */
  dataDir: string;
  databaseUrl: string | undefined;
  config: WfkitConfig;
  /** Connection and request limits (WFKIT_MAX_* and WFKIT_*_TIMEOUT_MS). */
  limits: ServerLimits;
}

export interface ServerLimits {
  /** Largest request body in bytes, for every API (413 above it). */
  maxBodyBytes: number;
  /** Open connections at most; more are closed at once. */
  maxConnections: number;
  /** A keep-alive connection with no request in flight is closed after this. */
  keepAliveTimeoutMs: number;
  /** The request line and headers must arrive within this (slow-loris). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** A connection on which nothing moves for this long is closed, whatever its state. */
  idleTimeoutMs: number;
  /** Largest time limit a script (BPMN, IGA, FLOW `timeoutMs`) may ask for. */
  scriptMaxTimeoutMs: number;
  /** Worker threads running scripts. */
  scriptWorkers: number;
}

export const LIMIT_DEFAULTS = {
  WFKIT_MAX_BODY_BYTES: 5 * 1024 * 1024,
  WFKIT_MAX_CONNECTIONS: 1024,
  WFKIT_KEEP_ALIVE_TIMEOUT_MS: 5_000,
  WFKIT_HEADERS_TIMEOUT_MS: 10_000,
  WFKIT_REQUEST_TIMEOUT_MS: 60_000,
  WFKIT_IDLE_TIMEOUT_MS: 120_000,
  WFKIT_SCRIPT_MAX_TIMEOUT_MS: 30_000,
  WFKIT_SCRIPT_WORKERS: 2,
} as const;

function positiveInt(env: Record<string, string | undefined>, name: keyof typeof LIMIT_DEFAULTS): number {
  const raw = env[name]?.trim();
  if (!raw) return LIMIT_DEFAULTS[name];
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    throw new ConfigError(`${name} must be a whole number >= 1, got "${raw}"`);
  return n;
}

export function parseLimits(env: Record<string, string | undefined>): ServerLimits {
  return {
    maxBodyBytes: positiveInt(env, 'WFKIT_MAX_BODY_BYTES'),
    maxConnections: positiveInt(env, 'WFKIT_MAX_CONNECTIONS'),
    keepAliveTimeoutMs: positiveInt(env, 'WFKIT_KEEP_ALIVE_TIMEOUT_MS'),
    headersTimeoutMs: positiveInt(env, 'WFKIT_HEADERS_TIMEOUT_MS'),
    requestTimeoutMs: positiveInt(env, 'WFKIT_REQUEST_TIMEOUT_MS'),
    idleTimeoutMs: positiveInt(env, 'WFKIT_IDLE_TIMEOUT_MS'),
    scriptMaxTimeoutMs: positiveInt(env, 'WFKIT_SCRIPT_MAX_TIMEOUT_MS'),
    scriptWorkers: positiveInt(env, 'WFKIT_SCRIPT_WORKERS'),
  };
}

export function parseServerEnv(env: Record<string, string | undefined>): ServerSettings {
  const rawPort = env.PORT?.trim() || '8080';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a port number from 0 to 65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return {
    port,
    host: env.HOST?.trim() || undefined,
    dataDir: resolve(env.WFKIT_DATA_DIR?.trim() || './.wfkit/data'),
    databaseUrl,
    config: parseConfig(env),
    limits: parseLimits(env),
  };
}
