import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { ApiModule, ValidationIssue } from '../src/http/api-module.js';
import { ApiError } from '../src/http/api-module.js';
import type { OpenApiDocument } from '../src/http/openapi.js';
import { checkResponse } from '../src/http/response-check.js';
import { memoryLogger } from '../src/logger.js';
import { TestClock } from '../src/runtime/clock.js';
import { sequentialIds } from '../src/runtime/ids.js';

// A tiny API in the shape of the real ones: a server path prefix, a path parameter, literal-vs-param paths,
// query and header parameters, a JSON body, and an operation whose body depends on `_action`.
const spec: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Notes', version: '1' },
  servers: [{ url: 'https://notes.example/api' }],
  paths: {
    '/books/{book}/notes': {
      parameters: [{ $ref: '#/components/parameters/Book' }],
      get: {
        operationId: 'listNotes',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
          { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string', pattern: '^t-' } },
        ],
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NoteList' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
      post: {
        operationId: 'addNote',
        parameters: [{ name: '_action', in: 'query', schema: { type: 'string', enum: ['create', 'check'] } }],
        'x-wfkit-action-bodies': { check: { $ref: '#/components/schemas/Check' } },
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { anyOf: [{ $ref: '#/components/schemas/Note' }, { $ref: '#/components/schemas/Check' }] },
            },
          },
        },
        responses: {
          '201': {
            description: 'created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } },
          },
          '200': { description: 'checked', content: { 'application/json': { schema: { type: 'object' } } } },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/books/{book}/notes/{note}': {
      parameters: [
        { $ref: '#/components/parameters/Book' },
        { name: 'note', in: 'path', required: true, schema: { type: 'string' } },
      ],
      get: { operationId: 'getNote', responses: { default: { $ref: '#/components/responses/Error' } } },
    },
    '/books/{book}/notes/latest': {
      parameters: [{ $ref: '#/components/parameters/Book' }],
      get: { operationId: 'latestNote', responses: { '200': { description: 'the latest note' } } },
    },
    '/books/{book}/crash': {
      parameters: [{ $ref: '#/components/parameters/Book' }],
      get: { operationId: 'crash', responses: { default: { $ref: '#/components/responses/Error' } } },
    },
    '/books/{book}/unwritten': {
      parameters: [{ $ref: '#/components/parameters/Book' }],
      get: { operationId: 'unwritten', responses: { default: { $ref: '#/components/responses/Error' } } },
    },
  },
  components: {
    parameters: { Book: { name: 'book', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } } },
    schemas: {
      Note: {
        type: 'object',
        required: ['title'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          title: { type: 'string', minLength: 1 },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
      NoteList: {
        type: 'object',
        required: ['notes'],
        properties: { notes: { type: 'array', items: { $ref: '#/components/schemas/Note' } } },
      },
      Check: {
        type: 'object',
        required: ['text'],
        additionalProperties: false,
        properties: { text: { type: 'string' } },
      },
      Error: {
        type: 'object',
        required: ['code', 'message', 'requestId'],
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          requestId: { type: 'string' },
          fields: { type: 'array' },
        },
      },
    },
    responses: {
      Error: {
        description: 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  },
};

const notes: ApiModule<{ user: string }> = {
  name: 'notes',
  spec,
  errors: {
    validation: (issues: ValidationIssue[], c) => ({
      status: 400,
      body: {
        code: 'invalid',
        message: issues.map((i) => `${i.in} ${i.field}: ${i.message}`).join('; '),
        requestId: c.requestId,
        fields: issues,
      },
    }),
    notFound: (c) => ({ status: 404, body: { code: 'not-found', message: 'Not found', requestId: c.requestId } }),
    unauthorized: (c) => ({
      status: 401,
      body: { code: 'unauthorized', message: c.message ?? 'Who are you?', requestId: c.requestId },
    }),
    forbidden: (c) => ({ status: 403, body: { code: 'forbidden', message: 'No', requestId: c.requestId } }),
    internal: (c) => ({
      status: 500,
      body: { code: 'internal', message: 'Something went wrong', requestId: c.requestId },
    }),
  },
  authenticate: (req) => {
    const auth = req.headers.get('authorization');
    if (auth === 'Bearer reader')
      return req.operation.operationId === 'addNote'
        ? { ok: false, status: 403 }
        : { ok: true, principal: { user: 'reader' } };
    if (auth === 'Bearer writer') return { ok: true, principal: { user: 'writer' } };
    return { ok: false, status: 401, message: 'Send a bearer token' };
  },
  migrations: [
    {
      id: '990_notes',
      number: 990,
      sql: 'CREATE TABLE notes (id text PRIMARY KEY, book text NOT NULL, title text NOT NULL)',
    },
  ],
  jobHandlers: {
    'notes.archive': async (job, { tx }) => {
      await tx.query(`UPDATE notes SET title = title || ' (archived)' WHERE id = $1`, [
        (job.payload as { id: string }).id,
      ]);
    },
  },
  routes(router) {
    router.operation('listNotes', async (c) => {
      const { rows } = await c.db.query<{ id: string; title: string }>(
        'SELECT id, title FROM notes WHERE book = $1 ORDER BY id',
        [c.params.book],
      );
      return { body: { notes: rows, limit: c.query.limit, tags: c.query.tag } };
    });
    router.operation('addNote', async (c) => {
      if (c.query._action === 'check') return { body: { checked: (c.body as { text: string }).text } };
      const body = c.body as { title: string };
      if (body.title === 'taken')
        throw new ApiError(409, { code: 'conflict', message: 'Taken', requestId: c.requestId });
      const id = c.ids.uuid();
      await c.db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES ($1, $2, $3)', [id, c.params.book, body.title]);
        // Archived a day later, by a durable job committed with the note.
        await c.jobs.enqueue(tx, {
          type: 'notes.archive',
          payload: { id },
          dueAt: new Date(c.clock.now().getTime() + 86_400_000),
        });
      });
      return { status: 201, body: { id, title: body.title } };
    });
    router.operation('getNote', (c) => ({ body: { which: 'param', note: c.params.note } }));
    router.operation('latestNote', () => ({ body: { which: 'literal' } }));
    router.operation('crash', () => {
      throw new Error('secret database detail');
    });
  },
};

const base = 'http://localhost/api/books/alpha';
const writer = { authorization: 'Bearer writer', 'x-tenant': 't-1', 'content-type': 'application/json' };

describe('createApp with an API module', () => {
  let app: WfkitApp;
  const logger = memoryLogger();
  const clock = new TestClock();
  beforeAll(async () => {
    app = createApp({
      apis: [notes],
      clock,
      ids: sequentialIds(clock),
      logger,
      jobs: { start: false },
      config: parseConfig({}),
    });
    await app.ready;
  });
  afterAll(() => app.close());

  const call = (path: string, init: RequestInit = {}) =>
    app.fetch(
      new Request(`${base}${path}`, { ...init, headers: { ...writer, ...(init.headers as Record<string, string>) } }),
    );

  it('serves an operation, with its migration applied and its query parameters coerced', async () => {
    const created = await call('/notes', {
      method: 'POST',
      body: JSON.stringify({ title: 'One' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    const res = await call('/notes?limit=5&tag=a&tag=b');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ notes: [{ id: expect.any(String), title: 'One' }], limit: 5, tags: ['a', 'b'] });
  });

  it("runs the module's job handlers when their time comes on the app's clock", async () => {
    const created = await call('/notes', { method: 'POST', body: JSON.stringify({ title: 'Later' }) });
    expect(created.status, await created.clone().text()).toBe(201);
    expect((await app.runDueJobs()).succeeded).toBe(0);
    clock.advance(86_400_000);
    expect((await app.runDueJobs()).succeeded).toBeGreaterThanOrEqual(1);
    const { notes: list } = await (await call('/notes')).json();
    expect(list.map((n: { title: string }) => n.title)).toContain('Later (archived)');
  });

  it('answers a body violation with a 400 in the API error shape naming the field', async () => {
    const res = await call('/notes', { method: 'POST', body: JSON.stringify({ title: '', extra: 1 }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('invalid');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    const fields = (body.fields as ValidationIssue[]).map((f) => `${f.in}:${f.field}`);
    expect(fields).toContain('body:title');
    expect(fields).toContain('body:extra');
  });

  it('names a path, query or header parameter that violates its schema', async () => {
    const bad = await app.fetch(
      new Request('http://localhost/api/books/Alpha1/notes?limit=0', { headers: { authorization: 'Bearer writer' } }),
    );
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()).fields as ValidationIssue[]).map((f) => `${f.in}:${f.field}`);
    expect(fields.sort()).toEqual(['header:X-Tenant', 'path:book', 'query:limit']);
  });

  it('rejects a missing body, and a body that is not JSON', async () => {
    const missing = await call('/notes', { method: 'POST' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toContain('a request body is required');
    const garbled = await call('/notes', { method: 'POST', body: '{"title":' });
    expect(garbled.status).toBe(400);
    expect((await garbled.json()).message).toContain('not valid JSON');
  });

  it('validates the body against the x-wfkit-action-bodies schema of the _action', async () => {
    const ok = await call('/notes?_action=check', { method: 'POST', body: JSON.stringify({ text: 'hi' }) });
    expect(await ok.json()).toEqual({ checked: 'hi' });
    // A Note would satisfy the operation's anyOf, but not the Check schema that _action=check selects.
    const wrong = await call('/notes?_action=check', { method: 'POST', body: JSON.stringify({ title: 'x' }) });
    expect(wrong.status).toBe(400);
    const fields = ((await wrong.json()).fields as ValidationIssue[]).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['text', 'title']));
  });

  it('prefers a literal path segment over a parameter', async () => {
    expect(await (await call('/notes/latest')).json()).toEqual({ which: 'literal' });
    expect(await (await call('/notes/n%201')).json()).toEqual({ which: 'param', note: 'n 1' });
  });

  it('answers an unknown route under the API base path with a 404 in its shape, and a wrong method with 405', async () => {
    const res = await call('/nothing/here');
    expect(res.status).toBe(404);
    expect((await res.json()).code).toBe('not-found');
    const method = await call('/notes/latest', { method: 'DELETE' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET');
    const outside = await app.fetch(new Request('http://localhost/elsewhere'));
    expect(outside.status).toBe(404);
  });

  it('answers missing credentials with 401 and a key without rights with 403, before validating', async () => {
    const anon = await app.fetch(new Request(`${base}/notes`, { method: 'POST', body: '{}' }));
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ code: 'unauthorized', message: 'Send a bearer token' });
    const reader = await app.fetch(
      new Request(`${base}/notes`, {
        method: 'POST',
        body: '{"title":"x"}',
        headers: { authorization: 'Bearer reader' },
      }),
    );
    expect(reader.status).toBe(403);
  });

  it('answers a thrown error with a 500 in the API shape and no stack, and logs it with the request id', async () => {
    const res = await call('/crash', { headers: { 'x-request-id': 'req-crash-1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret database detail');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(JSON.parse(text)).toEqual({ code: 'internal', message: 'Something went wrong', requestId: 'req-crash-1' });
    const entry = logger.entries.find((e) => e.msg === 'unhandled error');
    expect(entry).toMatchObject({ level: 'error', requestId: 'req-crash-1' });
    expect(String((entry!.err as Error).message)).toBe('secret database detail');
  });

  it('answers an ApiError thrown by a handler as it is', async () => {
    const res = await call('/notes', { method: 'POST', body: JSON.stringify({ title: 'taken' }) });
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('conflict');
  });

  it('answers a spec operation without a handler with 501', async () => {
    expect((await call('/unwritten')).status).toBe(501);
  });

  it('logs one line per request with request id, method, path, status and duration', async () => {
    await call('/notes/latest', { headers: { 'x-request-id': 'req-log-1' } });
    expect(logger.entries.find((e) => e.msg === 'request' && e.requestId === 'req-log-1')).toMatchObject({
      method: 'GET',
      path: '/api/books/alpha/notes/latest',
      status: 200,
      ms: expect.any(Number),
    });
  });

  it('checks responses against the spec', async () => {
    const req = new Request(`${base}/notes`, { headers: writer });
    const good = await app.fetch(req.clone());
    expect(await checkResponse(notes, req, good)).toEqual([]);
    const bad = new Response(JSON.stringify({ notes: [{ title: 5 }] }), { status: 200 });
    expect(await checkResponse(notes, req, bad)).toEqual(['listNotes 200: notes[0].title must be string']);
    const undocumented = await checkResponse(
      notes,
      new Request(`${base}/notes/latest`),
      new Response('{}', { status: 418 }),
    );
    expect(undocumented[0]).toContain('status 418 is not documented');
  });

  it('reports health and serves the docs page', async () => {
    expect(await (await app.fetch(new Request('http://localhost/health'))).json()).toEqual({ status: 'ok' });
    const docs = await app.fetch(new Request('http://localhost/docs'));
    expect(docs.headers.get('content-type')).toContain('text/html');
    const html = await docs.text();
    expect(html).toContain('/api/books/{book}/notes');
    expect(html).toContain('addNote');
  });
});

describe('health before the store is ready', () => {
  it('is 503 while starting and 200 once ready', async () => {
    const app = createApp({ apis: [], jobs: { start: false } });
    const early = await app.fetch(new Request('http://localhost/health'));
    expect(early.status).toBe(503);
    await app.ready;
    expect((await app.fetch(new Request('http://localhost/health'))).status).toBe(200);
    await app.close();
  });
});
