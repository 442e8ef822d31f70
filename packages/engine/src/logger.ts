/** Structured logs: one JSON object per line. The engine logs through this interface; the server picks the sink. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

/** JSON lines to a writer (default stdout), at `level` and above. */
export function jsonLogger(
  options: { level?: LogLevel; write?: (line: string) => void; base?: LogFields } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const entry: LogFields = { time: new Date().toISOString(), level, msg, ...options.base, ...fields };
    if (entry.err instanceof Error)
      entry.err = { name: entry.err.name, message: entry.err.message, stack: entry.err.stack };
    write(`${JSON.stringify(entry)}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Keeps entries in memory: for tests that assert on logs. */
export function memoryLogger(): Logger & { entries: (LogFields & { level: LogLevel; msg: string })[] } {
  const entries: (LogFields & { level: LogLevel; msg: string })[] = [];
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    entries.push({ ...fields, level, msg });
  };
  return { entries, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
