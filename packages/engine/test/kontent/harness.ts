/** Test harness for the Kontent-style API: an app on a test store, a client that checks every response against the spec. */
import { expect } from 'vitest';
import type { KontentExtras } from '../../src/apis/kontent/auth.js';
import { apiModule } from '../../src/apis/kontent/index.js';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig, type WfkitConfig } from '../../src/config.js';
import { checkResponse } from '../../src/http/response-check.js';
import { TestClock } from '../../src/runtime/clock.js';
import { defaultIds } from '../../src/runtime/ids.js';
import type { Db } from '../../src/store/db.js';
import type { StoreOptions } from '../../src/store/open-store.js';

export const ENV = '6f1b6a3e-2f7a-4c55-9a1e-0d2b3c4d5e6f';
export const KEY = 'test-management-key';
export const PM_ROLE = 'f58733b9-520b-406b-9d45-eb15a2baee96';
export const CONTRIBUTOR_ROLE = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
export const REVIEWER_ROLE = '6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b';
export const CONTRIBUTOR_KEY = 'contributor-personal-key';
export const REVIEWER_KEY = 'reviewer-personal-key';
export const DEFAULT_ID = '00000000-0000-0000-0000-000000000000';
export const DRAFT_STEP = 'eee6db3b-545a-4785-8e86-e3772c8756f9';
export const PUBLISHED = 'c199950d-99f0-4983-b711-6c4c91624b22';
export const SCHEDULED = '9d2b0228-4d0d-4c23-8b49-01a698857709';
export const ARCHIVED = '7a535a69-ad34-47f8-806a-def1fdf4d391';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface Kontent {
  app: WfkitApp;
  clock: TestClock;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { key?: string | null; env?: string; headers?: Record<string, string>; check?: boolean },
  ): Promise<Answer>;
}

export function kontentConfig(extra: KontentExtras & Partial<WfkitConfig['kontent']> = {}) {
  const config = parseConfig({ WFKIT_KONTENT_ENVIRONMENT_ID: ENV, WFKIT_KONTENT_API_KEY: KEY });
  config.kontent = Object.assign({}, config.kontent, {
    keys: [
      { key: CONTRIBUTOR_KEY, roleId: CONTRIBUTOR_ROLE },
      { key: REVIEWER_KEY, roleId: REVIEWER_ROLE },
    ],
    ...extra,
  });
  return config;
}

export async function startKontent(
  store: Db | StoreOptions,
  options: { clock?: TestClock; extra?: KontentExtras & Partial<WfkitConfig['kontent']> } = {},
): Promise<Kontent> {
  const clock = options.clock ?? new TestClock('2030-01-01T00:00:00.000Z');
  const app = createApp({
    store,
    clock,
    ids: defaultIds(clock),
    config: kontentConfig(options.extra),
    apis: [apiModule],
    jobs: { start: false },
    docs: false,
  });
  await app.ready;
  return {
    app,
    clock,
    async call(method, path, body, opts = {}) {
      const url = `http://localhost/v2/projects/${opts.env ?? ENV}${path}`;
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? KEY : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const res = await app.fetch(new Request(url, init));
      // Every answer must validate against the spec.
      if (opts.check !== false) expect(await checkResponse(apiModule, { method, url }, res)).toEqual([]);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
  };
}

/** A two-step workflow body: Writing → Review → Published / Archived. */
export function workflowBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Editorial',
    codename: 'editorial',
    scopes: [],
    steps: [
      {
        name: 'Writing',
        codename: 'writing',
        color: 'red',
        transitions_to: [{ step: { codename: 'review' } }],
        role_ids: [],
      },
      {
        name: 'Review',
        codename: 'review',
        color: 'yellow',
        transitions_to: [
          { step: { codename: 'writing' } },
          { step: { codename: 'published' } },
          { step: { codename: 'archived' } },
        ],
        role_ids: [],
      },
    ],
    published_step: {},
    archived_step: {},
    ...overrides,
  };
}

/** Expects a Kontent error envelope. */
export function expectError(a: Answer, status: number, code: number, path?: string) {
  expect(a.status, JSON.stringify(a.body)).toBe(status);
  expect(a.body.error_code).toBe(code);
  expect(typeof a.body.request_id).toBe('string');
  expect(a.body.request_id.length).toBeGreaterThan(0);
  expect(typeof a.body.message).toBe('string');
  if (path !== undefined) expect(a.body.validation_errors?.map((e: { path?: string }) => e.path)).toContain(path);
}

/** Creates a content type with one text element (required when asked) and an item of it; returns their ids. */
export async function makeItem(
  k: Kontent,
  opts: { typeCodename?: string; itemCodename?: string; collection?: string; required?: boolean } = {},
) {
  const typeCodename = opts.typeCodename ?? 'article';
  let type = await k.call('GET', `/types/codename/${typeCodename}`);
  if (type.status === 404) {
    type = await k.call('POST', '/types', {
      name: typeCodename,
      codename: typeCodename,
      elements: [{ name: 'Title', codename: 'title', type: 'text', is_required: opts.required ?? false }],
    });
    expect(type.status).toBe(201);
  }
  const item = await k.call('POST', '/items', {
    name: opts.itemCodename ?? 'Item',
    ...(opts.itemCodename ? { codename: opts.itemCodename } : {}),
    type: { id: type.body.id },
    ...(opts.collection ? { collection: { codename: opts.collection } } : {}),
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
  return {
    typeId: type.body.id as string,
    itemId: item.body.id as string,
    titleId: type.body.elements[0].id as string,
  };
}

export const variantPath = (itemId: string, lang = DEFAULT_ID) => `/items/${itemId}/variants/${lang}`;
