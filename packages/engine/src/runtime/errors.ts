/** Errors the runtime raises; APIs map them to their own error shapes (kind → HTTP status). */
export type RuntimeErrorKind = 'not-found' | 'conflict' | 'bad-request' | 'forbidden' | 'failed';

export class RuntimeError extends Error {
  constructor(
    readonly kind: RuntimeErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export const notFound = (m: string) => new RuntimeError('not-found', m);
export const conflict = (m: string) => new RuntimeError('conflict', m);
export const badRequest = (m: string) => new RuntimeError('bad-request', m);
