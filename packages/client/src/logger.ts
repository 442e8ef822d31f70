/**
 * The client's logging hook. Off below the level, nothing is formatted, so a quiet client pays nothing per call.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

/** Anything with console's four methods (`console`, pino, winston...). */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

export interface LoggingOptions {
  /** Where log lines go. Default `console`. */
  logger?: Logger | undefined;
  /** Lowest level logged. Default `'warn'` (`'debug'` when `debug: true`). */
  logLevel?: LogLevel | undefined;
  /** Shorthand for `logLevel: 'debug'`: one line per request and response, with status, time and request id. */
  debug?: boolean | undefined;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** The four methods, each a no-op below the level. */
export type LevelLogger = {
  [L in Exclude<LogLevel, 'off'>]: ((message: string, ...args: unknown[]) => void) | undefined;
};

/** Resolves the options into per-level functions (`undefined` when off, so callers skip formatting). */
export function levelLogger(options: LoggingOptions): LevelLogger {
  const level = options.logLevel ?? (options.debug ? 'debug' : 'warn');
  const logger = options.logger ?? console;
  const rank = RANK[level] ?? RANK.warn;
  const at = (l: Exclude<LogLevel, 'off'>) => (RANK[l] >= rank ? logger[l].bind(logger) : undefined);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
