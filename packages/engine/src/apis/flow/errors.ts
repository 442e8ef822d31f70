/** FrankieOne's error object `{errorCode, errorMsg, details[], requestId}`; requestId is a ULID. */
import { ApiError, type ErrorShape, type ValidationIssue } from '../../http/api-module.js';

export interface FrankieErrorDetail {
  issue: string;
  issueLocation?: string;
  issueType?: string;
}

export const CODES = {
  400: 'VAL-0400',
  401: 'AUTH-0401',
  403: 'AUTH-0403',
  404: 'API-1010',
  409: 'VAL-0409',
  413: 'VAL-0413',
  415: 'VAL-0415',
  500: 'SYS-500',
} as const;

export function frankieError(
  status: keyof typeof CODES,
  errorMsg: string,
  details: FrankieErrorDetail[],
  requestId: string,
): ApiError {
  return new ApiError(status, { errorCode: CODES[status], errorMsg, details, requestId });
}

const ISSUE_TYPES: Record<string, string> = {
  required: 'REQUIRED',
  'required-body': 'REQUIRED',
  type: 'INVALID_TYPE',
  enum: 'INVALID_VALUE',
  const: 'INVALID_VALUE',
  not: 'INVALID_VALUE',
  pattern: 'INVALID_FORMAT',
  format: 'INVALID_FORMAT',
  parse: 'INVALID_FORMAT',
  minimum: 'OUT_OF_RANGE',
  maximum: 'OUT_OF_RANGE',
  exclusiveMinimum: 'OUT_OF_RANGE',
  exclusiveMaximum: 'OUT_OF_RANGE',
  minLength: 'OUT_OF_RANGE',
  maxLength: 'OUT_OF_RANGE',
  minItems: 'OUT_OF_RANGE',
  maxItems: 'OUT_OF_RANGE',
  minProperties: 'OUT_OF_RANGE',
  maxProperties: 'OUT_OF_RANGE',
  additionalProperties: 'UNKNOWN_PROPERTY',
  propertyNames: 'UNKNOWN_PROPERTY',
  unevaluatedProperties: 'UNKNOWN_PROPERTY',
  uniqueItems: 'DUPLICATE',
};

/** `header:<Name>`, `query:<name>`, `path:<name>`, or the body field (`$` for the whole body). */
export function issueDetail(i: ValidationIssue): FrankieErrorDetail {
  const issueLocation = i.in === 'body' ? i.field || '$' : `${i.in}:${i.field}`;
  const what =
    i.in === 'header'
      ? `The header ${i.field}`
      : i.in === 'body'
        ? i.field
          ? `The field ${i.field}`
          : 'The body'
        : `The ${i.in} parameter ${i.field}`;
  return { issue: `${what} ${i.message}`, issueLocation, issueType: ISSUE_TYPES[i.keyword] ?? 'INVALID_VALUE' };
}

/** The error shape; `nextId` gives the ULID of each error body. */
export function flowErrorShape(nextId: () => string): ErrorShape {
  const body = (status: keyof typeof CODES, errorMsg: string, details: FrankieErrorDetail[] = []) => ({
    status,
    body: { errorCode: CODES[status], errorMsg, details, requestId: nextId() },
  });
  return {
    validation: (issues) => body(400, 'The request is invalid', issues.map(issueDetail)),
    notFound: (c) => body(404, c.message ?? `No resource at ${c.method} ${c.path}`),
    methodNotAllowed: (c) => ({ ...body(404, `${c.method} is not allowed on ${c.path}`), status: 405 }),
    unauthorized: (c) => body(401, c.message ?? 'Missing or invalid api_key'),
    forbidden: (c) => body(403, c.message ?? 'The api_key may not act for this customer'),
    refused: (status, c) => body(status, c.message ?? 'The request was refused'),
    internal: () => body(500, 'Internal error; quote the requestId when reporting it'),
    error: (status, c) => ({
      ...body(status in CODES ? (status as keyof typeof CODES) : 400, c.message ?? ''),
      status,
    }),
    notImplemented: (c) => ({
      ...body(500, `${c.method} ${c.path} is not implemented by this wfkit engine yet`),
      status: 501,
    }),
  };
}
