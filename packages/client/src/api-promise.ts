/**
 * `ApiPromise`: what every SDK call returns. Awaited, it gives the data; `.withResponse()` gives the data with the
 * `Response` and the request id (Stainless-style), for headers, status or support tickets.
 */

/** A call's data with the response it came from. */
export interface WithResponse<T> {
  data: T;
  /** The final response (after retries); its body has been read. */
  response: Response;
  /** The server's request id (`X-Request-ID`, `Request-Id`, `X-Frankie-RequestID`...), else the one this client sent. */
  requestId: string | undefined;
}

/**
 * A `Promise` of the data that also offers `.withResponse()`. The data promise is derived only when awaited, so a
 * caller using `.withResponse()` alone leaves no unhandled rejection behind.
 */
export class ApiPromise<T> extends Promise<T> {
  // `then` on a subclass would otherwise construct an ApiPromise through the species with an executor.
  static override get [Symbol.species]() {
    return Promise;
  }
  readonly #result: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  constructor(result: Promise<WithResponse<T>>) {
    super((resolve) => resolve(undefined as T));
    this.#result = result;
  }

  /** The data, the `Response` and the request id. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  /** The `Response` alone (its body has been read: use `.withResponse()` for the data). */
  asResponse(): Promise<Response> {
    return this.#result.then((r) => r.response);
  }

  #parsed(): Promise<T> {
    if (this.#data === undefined) this.#data = this.#result.then((r) => r.data);
    return this.#data;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass; the data promise is derived on first await
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#parsed().then(onfulfilled, onrejected);
  }

  override catch<B = never>(onrejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.#parsed().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#parsed().finally(onfinally);
  }
}
