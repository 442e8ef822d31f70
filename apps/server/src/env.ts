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
  };
}
