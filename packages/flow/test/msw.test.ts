import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, createFlowClient, InternalServerError } from '../src/index.js';

const ORIGIN = 'https://flow.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const flow = (extra: object = {}) =>
  createFlowClient({ baseUrl: ORIGIN, apiKey: 'k', customerId: 'c', sleep: async () => {}, ...extra });

describe('flow errors', () => {
  it('throws a BadRequestError with errorCode, errorMsg, details and requestId', async () => {
    server.use(
      http.put(`${ORIGIN}/v2/workflowDefinitions/:id`, () =>
        HttpResponse.json(
          {
            errorCode: 'VAL-0400',
            errorMsg: 'Invalid definition',
            details: [{ issue: 'name is required', issueLocation: 'name' }],
            requestId: '01KCNG5VAH4ZQC5T1H4A2ZZHWA',
          },
          { status: 400 },
        ),
      ),
    );
    const client = flow();
    const error = await client.definitions.put('x', { tasks: [] } as never, { isDraft: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    if (!client.isError(error)) throw new Error('not an API error');
    expect(error.errorCode).toBe('VAL-0400');
    expect(error.requestId).toBe('01KCNG5VAH4ZQC5T1H4A2ZZHWA');
    expect(error.body?.errorMsg).toBe('Invalid definition');
    expect(error.validationErrors?.[0]).toMatchObject({ message: 'name is required', path: 'name' });
  });

  it('retries an idempotent GET on 503 and gives up with an InternalServerError', async () => {
    let n = 0;
    server.use(
      http.get(`${ORIGIN}/v2/executions/:id`, () => {
        n++;
        return HttpResponse.json(
          { errorCode: 'SYS-500', errorMsg: 'down', details: [], requestId: 'r' },
          { status: 503 },
        );
      }),
    );
    await expect(flow({ maxRetries: 2 }).executions.get('e')).rejects.toBeInstanceOf(InternalServerError);
    expect(n).toBe(3);
  });
});

describe('flow pagination', () => {
  it('walks executions page by page until meta.total', async () => {
    const pages: string[] = [];
    server.use(
      http.get(`${ORIGIN}/v2/executions`, ({ request }) => {
        const url = new URL(request.url);
        const page = Number(url.searchParams.get('page'));
        const limit = Number(url.searchParams.get('limit'));
        pages.push(`${page}/${limit}`);
        const total = 5;
        const items = Array.from({ length: Math.max(0, Math.min(limit, total - (page - 1) * limit)) }, (_, i) => ({
          workflowExecutionId: `e${(page - 1) * limit + i}`,
        }));
        return HttpResponse.json({
          meta: { page, limit, count: items.length, total },
          requestId: 'r',
          workflowExecutions: items,
        });
      }),
    );
    const ids: string[] = [];
    for await (const e of flow().executions.list({ limit: 2 })) ids.push(e.workflowExecutionId);
    expect(ids).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(pages).toEqual(['1/2', '2/2', '3/2']);
  });
});
