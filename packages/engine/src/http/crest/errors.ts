/** A malformed CREST query parameter; each API answers it as a 400 in its own error shape (message as is). */
export class CrestQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrestQueryError';
  }
}

/** Runs `fn`, turning a CrestQueryError into the API's own 400. */
export function asApiError<T>(fn: () => T, badRequest: (message: string) => Error): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CrestQueryError) throw badRequest(e.message);
    throw e;
  }
}
