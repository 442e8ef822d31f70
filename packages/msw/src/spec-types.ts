/** What the example handlers keep of a spec (bundled at build time by scripts/generate.mjs). */
export interface ExampleSpec {
  api: string;
  title: string;
  /** The spec's first server URL (variables at their defaults). */
  server: string;
  operations: ExampleOperation[];
}

export interface ExampleOperation {
  /** `operationId`. */
  id: string;
  /** Upper case: `GET`, `POST`, ... */
  method: string;
  /** The OpenAPI path template, e.g. `/projects/{environment_id}/workflows`. */
  path: string;
  /** Query parameters whose value selects the answer (`_action`, `_queryId`) and their documented values. */
  selectors?: Record<string, { required: boolean; values: string[]; default?: string }>;
  /** `x-wfkit-action-responses`: the status of each `_action` value's answer, where the spec gives it. */
  actionResponses?: Record<string, number>;
  /** Documented responses by status code (`'200'`, `'404'`, `'default'`). */
  responses: Record<string, ExampleResponse>;
}

export interface ExampleResponse {
  contentType?: string;
  /** Response headers with a documented example value (e.g. `Location`). */
  headers?: Record<string, string>;
  /** Named examples in spec order; `when` holds the `_action`/`_queryId` value an example documents. */
  examples: { name: string; value: unknown; when?: Record<string, string> }[];
}
