/**
 * `createHttp<paths>(baseUrl)`: MSW's `http` typed by an openapi-typescript `paths` (in the spirit of openapi-msw).
 * The path is an OpenAPI template of the spec (`/projects/{environment_id}/workflows`), the resolver's `params` are
 * its parameters, `request.json()` is the operation's request body and the response body must be one the operation
 * documents: a wrong path, parameter or body is a type error.
 */
import {
  type DefaultBodyType,
  type HttpHandler,
  type HttpResponseResolver,
  http,
  matchRequestUrl,
  type RequestHandlerOptions,
} from 'msw';
import { toMswPath } from './examples.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

/** The path templates of `Paths` that have operation `M`. */
export type PathsWithMethod<Paths, M extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends Partial<Record<M, unknown>>
    ? [NonNullable<Paths[P][M]>] extends [never]
      ? never
      : P
    : never;
}[keyof Paths] &
  string;

/** The operation object of `Paths[P][M]`. */
export type OperationOf<Paths, P extends keyof Paths, M extends HttpMethod> = NonNullable<
  Paths[P] extends Partial<Record<M, unknown>> ? Paths[P][M] : never
>;

/** `'/a/{x}/b/{y}'` → `'x' | 'y'`. */
export type PathParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never;

/** The resolver's `params`: one string per path template parameter. */
export type PathParamsOf<P extends string> = { [K in PathParamNames<P>]: string };

type ContentBody<C> = C extends { content: infer Content }
  ? Content extends Record<string, unknown>
    ? 'application/json' extends keyof Content
      ? Content['application/json']
      : Content[keyof Content]
    : never
  : undefined;

/** The operation's request body (its JSON content), or `never` without one. */
export type RequestBodyOf<O> = O extends { requestBody?: infer B }
  ? [NonNullable<B>] extends [never]
    ? never
    : ContentBody<NonNullable<B>>
  : never;

/** Every documented response body of the operation (a union over status codes; `undefined` for no content). */
export type ResponseBodyOf<O> = O extends { responses: infer R }
  ? { [S in keyof R]: ContentBody<R[S]> }[keyof R]
  : never;

/** The documented `_action` values of the operation (CREST actions), or `never`. */
export type ActionOf<O> = O extends { parameters: { query?: infer Q } }
  ? NonNullable<Q> extends { _action?: infer A }
    ? NonNullable<A>
    : never
  : never;

/** MSW's handler options, plus `action`: handle only requests with this `_action` query value. */
export type TypedHandlerOptions<O> = RequestHandlerOptions & { action?: ActionOf<O> };

type AsBody<T> = [T] extends [never] ? DefaultBodyType : T extends DefaultBodyType ? T : DefaultBodyType;

/** One typed method of {@link TypedHttp}. */
export type TypedHttpMethod<Paths, M extends HttpMethod> = <P extends PathsWithMethod<Paths, M>>(
  path: P,
  resolver: HttpResponseResolver<
    PathParamsOf<P>,
    AsBody<RequestBodyOf<OperationOf<Paths, P, M>>>,
    AsBody<ResponseBodyOf<OperationOf<Paths, P, M>>>
  >,
  options?: TypedHandlerOptions<OperationOf<Paths, P, M>>,
) => HttpHandler;

export type TypedHttp<Paths> = { [M in HttpMethod]: TypedHttpMethod<Paths, M> } & {
  /** The base URL handlers are mounted on. */
  readonly baseUrl: string;
  /** The MSW path of a template (`{id}` → `:id`, with the base URL). */
  url(path: keyof Paths & string): string;
};

/** MSW's `http`, typed by `Paths` and mounted on `baseUrl` (the SDK's base URL). */
export function createHttp<Paths extends {}>(baseUrl: string): TypedHttp<Paths> {
  const method =
    (m: HttpMethod) =>
    (path: string, resolver: HttpResponseResolver<any, any, any>, options?: TypedHandlerOptions<unknown>) => {
      const url = toMswPath(baseUrl, path);
      const { action, ...rest } = (options ?? {}) as RequestHandlerOptions & { action?: string };
      if (!action) return http[m](url, resolver, rest);
      // One `_action` of a CREST path: match the path, then the action.
      return http[m](
        ({ request }) => {
          const requestUrl = new URL(request.url);
          if (requestUrl.searchParams.get('_action') !== action) return false;
          const match = matchRequestUrl(requestUrl, url);
          return match.matches ? { matches: true, params: match.params ?? {} } : false;
        },
        resolver,
        rest,
      );
    };
  return {
    baseUrl,
    url: (path: string) => toMswPath(baseUrl, path),
    get: method('get'),
    put: method('put'),
    post: method('post'),
    delete: method('delete'),
    patch: method('patch'),
    head: method('head'),
    options: method('options'),
  } as TypedHttp<Paths>;
}
