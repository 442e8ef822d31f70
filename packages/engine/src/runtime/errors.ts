/** Errors the runtime raises; APIs map them to their own error shapes (kind → HTTP status). */
export type RuntimeErrorKind = 'not-found' | 'conflict' | 'bad-request' | 'forbidden' | 'failed';

export class RuntimeError extends Error {
  constructor(
    readonly kind: RuntimeErrorKind,
    message: string,
    /** Where it failed, one frame a line (script line, BPMN element, process), below the message: the `stacktrace`. */
    readonly trace?: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** The text a failed job keeps for `stacktrace`: the message, then the runtime's frames (or the host's stack). */
export function errorTrace(e: unknown): string {
  if (e instanceof RuntimeError) return e.trace ? `${e.message}\n${e.trace}` : e.message;
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}

export const notFound = (m: string) => new RuntimeError('not-found', m);
export const conflict = (m: string) => new RuntimeError('conflict', m);
export const badRequest = (m: string) => new RuntimeError('bad-request', m);
