/** IGA's error shape (`{ code, reason, message, errors? }`), for the module's framework answers and its own throws. */
import type { ValidationProblem } from '../../dialects/iga/validate.js';
import { ApiError, type ErrorShape } from '../../http/api-module.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  501: 'Not Implemented',
};

export function igaError(status: number, message: string, errors?: ValidationProblem[]): ApiError {
  return new ApiError(status, {
    code: status,
    reason: REASONS[status] ?? 'Error',
    message,
    ...(errors ? { errors } : {}),
  });
}

const reply = (status: number, message: string, errors?: ValidationProblem[]) => ({
  status,
  body: { code: status, reason: REASONS[status] ?? 'Error', message, ...(errors ? { errors } : {}) },
});

export const igaErrors: ErrorShape = {
  validation(issues) {
    const body = issues.filter((i) => i.in === 'body');
    const others = issues.filter((i) => i.in !== 'body');
    if (others.length > 0) {
      return reply(
        400,
        others.map((i) => `${i.in === 'query' ? 'query parameter' : i.in} ${i.field} ${i.message}`).join('; '),
      );
    }
    return reply(
      400,
      'The request body is invalid',
      body.map((i) => ({ step: null, field: i.pointer, rule: 'schema', message: i.message })),
    );
  },
  notFound: (c) => reply(404, c.message ?? `Not found: ${c.path}`),
  methodNotAllowed: (c) => reply(405, `Method ${c.method} is not allowed on ${c.path}`),
  unauthorized: () => reply(401, 'Access Denied'),
  forbidden: () => reply(403, 'Access Denied'),
  internal: (c) => reply(500, `Internal error, request id ${c.requestId}`),
  error: (status, c) => reply(status, c.message ?? REASONS[status] ?? 'Error'),
  refused: (status, c) => reply(status, c.message ?? 'The request was refused'),
  notImplemented: (c) => reply(501, `${c.method} ${c.path} is not implemented by this wfkit engine yet`),
};
