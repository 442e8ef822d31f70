import { describe, expectTypeOf, it } from 'vitest';
import {
  type AnyApiError,
  type ApiError,
  type ApiPromise,
  createApiClient,
  crestPaging,
  errorFromResponse,
  NotFoundError,
  type Paginated,
  pageNumberPaging,
  paginate,
  RateLimitError,
  type RequestControls,
} from '../src/index.js';
import { parseCrestError } from './helpers.js';
import type { CrestError, KontentError, paths, Task, TaskQuery } from './paths.js';

const api = createApiClient<paths, CrestError>({ baseUrl: 'http://idm.test', parseError: parseCrestError });

describe('call()', () => {
  it('returns the success body of the operation', () => {
    const task = api.call(api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } }));
    expectTypeOf(task).toEqualTypeOf<ApiPromise<Task>>();
    const query = api.call(
      api.raw.GET('/openidm/workflow/taskinstance', { params: { query: { _queryId: 'query-all-ids' } } }),
    );
    expectTypeOf(query).toEqualTypeOf<ApiPromise<TaskQuery>>();
    const claimed = api.call(
      api.raw.POST('/openidm/workflow/taskinstance/{id}', {
        params: { path: { id: '1' }, query: { _action: 'claim' } },
        body: { userId: 'u' },
      }),
    );
    expectTypeOf(claimed).toEqualTypeOf<ApiPromise<Record<string, unknown>>>();
  });

  it('a 204-only operation gives no data', () => {
    const gone = api.call(api.raw.DELETE('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } }));
    expectTypeOf(gone).toEqualTypeOf<ApiPromise<undefined>>();
  });

  it('rejects wrong paths, missing required params and wrong bodies', () => {
    // @ts-expect-error unknown path
    api.raw.GET('/openidm/workflow/nope');
    // @ts-expect-error path param missing
    api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: {} });
    // @ts-expect-error required query param `_queryId` missing
    api.raw.GET('/openidm/workflow/taskinstance', { params: { query: {} } });
    api.raw.GET('/openidm/workflow/taskinstance', {
      // @ts-expect-error `_queryId` is not one of the two query ids
      params: { query: { _queryId: 'all' } },
    });
    api.raw.POST('/openidm/workflow/taskinstance/{id}', {
      params: { path: { id: '1' }, query: { _action: 'claim' } },
      // @ts-expect-error userId must be a string
      body: { userId: 42 },
    });
    // @ts-expect-error POST body missing
    api.raw.POST('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' }, query: { _action: 'claim' } } });
    // @ts-expect-error no PUT on this path
    api.raw.PUT('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } } });
  });

  it('accepts per-call controls alongside the openapi-fetch init', () => {
    const controls: RequestControls = { timeout: 1000, retry: { maxRetries: 5 }, signal: AbortSignal.timeout(5) };
    api.raw.GET('/openidm/workflow/taskinstance/{id}', { params: { path: { id: '1' } }, ...controls });
    expectTypeOf<RequestControls['retry']>().toEqualTypeOf<
      false | import('../src/index.js').RetryOptions | undefined
    >();
  });
});

describe('errors', () => {
  it('isError narrows to the client’s error body type', () => {
    const e: unknown = null;
    if (api.isError(e)) {
      expectTypeOf(e).toEqualTypeOf<AnyApiError<CrestError>>();
      expectTypeOf(e).toExtend<ApiError<CrestError>>();
      expectTypeOf(e.body).toEqualTypeOf<CrestError | undefined>();
      expectTypeOf(e.status).toBeNumber();
      // @ts-expect-error a CREST error has no `error_code` (that is Kontent)
      e.body?.error_code;
    }
    const kontent = createApiClient<paths, KontentError>({ baseUrl: 'http://k.test' });
    if (kontent.isError(e)) expectTypeOf(e.body).toEqualTypeOf<KontentError | undefined>();
  });

  it('errorFromResponse infers the body type from the parser', () => {
    const err = errorFromResponse(new Response(), {}, parseCrestError);
    expectTypeOf(err).toEqualTypeOf<AnyApiError<CrestError>>();
    const untyped = errorFromResponse(new Response(), {});
    expectTypeOf(untyped.body).toBeUnknown();
  });

  it('kind narrows to the subclass and keeps the body type', () => {
    const err = errorFromResponse(new Response(), {}, parseCrestError);
    switch (err.kind) {
      case 'not_found':
        expectTypeOf(err).toEqualTypeOf<NotFoundError<CrestError>>();
        expectTypeOf(err.body).toEqualTypeOf<CrestError | undefined>();
        break;
      case 'rate_limit':
        expectTypeOf(err.retryAfterMs).toEqualTypeOf<number | undefined>();
        break;
      default:
        // @ts-expect-error only RateLimitError has retryAfterMs
        err.retryAfterMs;
    }
  });

  it('instanceof narrows the class (TypeScript drops the body type argument to any)', () => {
    const err = errorFromResponse(new Response(), {}, parseCrestError);
    if (err instanceof RateLimitError) expectTypeOf(err.retryAfterMs).toEqualTypeOf<number | undefined>();
    if (err instanceof NotFoundError) expectTypeOf(err.kind).toEqualTypeOf<'not_found'>();
  });
});

describe('pagination', () => {
  it('infers items from getItems and types the CREST cursor into the query', () => {
    const list = paginate({
      ...crestPaging({ pageSize: 10 }),
      fetchPage: (cursor) =>
        api.call(
          api.raw.GET('/openidm/workflow/taskinstance', {
            params: { query: { _queryId: 'query-all-ids', ...cursor } },
          }),
        ),
      getItems: (page) => page.result,
    });
    expectTypeOf(list).toEqualTypeOf<Paginated<Task, TaskQuery>>();
    expectTypeOf(list.toArray()).toEqualTypeOf<Promise<Task[]>>();
  });

  it('custom parameter names are typed', () => {
    const s = pageNumberPaging({ pageParam: 'p', limitParam: 'size' });
    expectTypeOf(s.first).toEqualTypeOf<Record<'p' | 'size', number>>();
    // @ts-expect-error the default name is not there
    s.first.page;
  });

  it('a strategy whose page shape does not fit the fetched page is refused', () => {
    paginate({
      ...crestPaging(),
      // @ts-expect-error `result` must be an array
      fetchPage: async () => ({ result: 'not an array' }),
      getItems: () => [],
    });
  });
});
