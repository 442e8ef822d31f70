/** A small hand-written `paths` in openapi-typescript's shape, for the tests. */

export interface CrestError {
  code: number;
  reason: string;
  message: string;
  detail?: Record<string, unknown>;
}

export interface KontentError {
  request_id: string;
  error_code: number;
  message: string;
  validation_errors?: { message: string; path?: string; line?: number; position?: number }[];
}

export interface FlowError {
  errorCode: string;
  errorMsg: string;
  details?: { issue: string; issueLocation?: string; issueType?: string }[];
  requestId: string;
}

export interface Task {
  _id: string;
  name: string;
  assignee?: string | null;
}

export interface TaskQuery {
  result: Task[];
  resultCount: number;
  pagedResultsCookie: string | null;
  remainingPagedResults: number;
  totalPagedResults: number;
}

export interface paths {
  '/openidm/workflow/taskinstance': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: {
        query: {
          _queryId: 'query-all-ids' | 'filtered-query';
          _pageSize?: number;
          _pagedResultsOffset?: number;
          _pagedResultsCookie?: string;
          assignee?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': TaskQuery } };
        default: { headers: { [name: string]: unknown }; content: { 'application/json': CrestError } };
      };
    };
  };
  '/openidm/workflow/taskinstance/{id}': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': Task } };
        404: { headers: { [name: string]: unknown }; content: { 'application/json': CrestError } };
      };
    };
    post: {
      parameters: { query: { _action: 'claim' | 'complete' }; header?: never; path: { id: string }; cookie?: never };
      requestBody: { content: { 'application/json': { userId?: string; [key: string]: unknown } } };
      responses: {
        200: { headers: { [name: string]: unknown }; content: { 'application/json': Record<string, unknown> } };
        400: { headers: { [name: string]: unknown }; content: { 'application/json': CrestError } };
      };
    };
    delete: {
      parameters: { query?: never; header?: never; path: { id: string }; cookie?: never };
      requestBody?: never;
      responses: {
        204: { headers: { [name: string]: unknown }; content?: never };
      };
    };
  };
}

export interface KontentWorkflow {
  id?: string;
  codename: string;
  name?: string;
}

export interface kontentPaths {
  '/workflows': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: { 'x-continuation'?: string }; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: {
          headers: { [name: string]: unknown };
          content: {
            'application/json': {
              workflows: KontentWorkflow[];
              pagination: { continuation_token: string | null; next_page: string | null };
            };
          };
        };
        400: { headers: { [name: string]: unknown }; content: { 'application/json': KontentError } };
      };
    };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody: { content: { 'application/json': KontentWorkflow } };
      responses: {
        201: { headers: { [name: string]: unknown }; content: { 'application/json': KontentWorkflow } };
        400: { headers: { [name: string]: unknown }; content: { 'application/json': KontentError } };
      };
    };
  };
}
