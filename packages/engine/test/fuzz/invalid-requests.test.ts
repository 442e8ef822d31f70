/**
 * Fuzz: for every operation of the four specs, invalid requests (mutator.ts) against the in-process app on PGlite.
 * Each must be answered below 500, within a bound, and a refused one (4xx) must leave every table as it was.
 *
 * Bounded for `pnpm test` (WFKIT_FUZZ_CASES per operation, default 4, seeded); a larger run:
 *   WFKIT_FUZZ_CASES=400 WFKIT_FUZZ_SEED=7 npx vitest run test/fuzz
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type WfkitApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { serverBasePath } from '../../src/http/openapi.js';
import { TestClock } from '../../src/runtime/clock.js';
import { defaultIds } from '../../src/runtime/ids.js';
import { invalidRequests, operationsOf, rng } from './mutator.js';

const CASES = Number(process.env.WFKIT_FUZZ_CASES ?? 4);
const SEED = Number(process.env.WFKIT_FUZZ_SEED ?? 16);
/** A request must be answered in this time (generous: a busy 2-core CI machine). */
const ANSWER_WITHIN_MS = 5_000;

const config = parseConfig({});

const AUTH: Record<string, Record<string, string>> = {
  idm: { 'X-OpenIDM-Username': 'openidm-admin', 'X-OpenIDM-Password': 'openidm-admin' },
  iga: { authorization: `Bearer ${config.iga.token}` },
  kontent: { authorization: `Bearer ${config.kontent.apiKey}` },
  flow: { api_key: config.flow.apiKey, 'X-Frankie-CustomerID': config.flow.customerId },
};
/** A valid request first: an API may set up its tenant's data on first use (Kontent's environment defaults). */
const WARM_UP: Record<string, string> = {
  kontent: `/v2/projects/${config.kontent.environmentId}/workflows`,
};
const PATH_VALUES: Record<string, Record<string, string>> = {
  kontent: { environment_id: config.kontent.environmentId },
};

/** A fingerprint of every table (one statement): a refused request must not change any. */
async function fingerprint(app: WfkitApp, sql: { text?: string }): Promise<Record<string, string>> {
  const db = app.db();
  if (!sql.text) {
    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    sql.text = tables.rows
      .map(
        ({ name }) => `SELECT '${name}' AS name, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${name}" t`,
      )
      .join(' UNION ALL ');
  }
  const r = await db.query<{ name: string; h: string | null }>(sql.text);
  return Object.fromEntries(r.rows.map((x) => [x.name, x.h ?? '']));
}

async function lastXid(app: WfkitApp): Promise<string> {
  const r = await app.db().query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x');
  return r.rows[0]!.x;
}

async function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const APIS = ['idm', 'iga', 'kontent', 'flow'] as const;

describe.each(APIS)('invalid requests to every %s operation', (api) => {
  let app: WfkitApp;

  beforeAll(async () => {
    const clock = new TestClock('2025-03-01T10:00:00.000Z');
    app = createApp({ clock, ids: defaultIds(clock), jobs: { start: false }, docs: false, config });
    await app.ready;
  });
  afterAll(() => app.close());

  it('answers each below 500, in time, and a refused one changes nothing', async () => {
    const module = app.apis.find((m) => m.name === api)!;
    const basePath = module.basePath ?? serverBasePath(module.spec);
    const random = rng(SEED);
    const failures: string[] = [];
    let lastXmax = await lastXid(app);
    let sent = 0;
    let fpMs = 0;
    if (WARM_UP[api])
      expect((await app.fetch(new Request(`http://localhost${WARM_UP[api]}`, { headers: AUTH[api] }))).status).toBe(
        200,
      );
    const sql = {};
    let before = await fingerprint(app, sql);
    for (const op of operationsOf(module.spec)) {
      for (const c of invalidRequests(
        module.spec,
        basePath,
        op,
        { pathValues: PATH_VALUES[api] ?? {} },
        CASES,
        random,
      )) {
        const headers: Record<string, string> = { ...AUTH[api] };
        if (c.contentType) headers['content-type'] = c.contentType;
        const what = `${c.method} ${op.path} [${c.kind}]`;
        const started = performance.now();
        let status: number;
        try {
          const res = await withDeadline(
            app.fetch(
              new Request(`http://localhost${c.url}`, {
                method: c.method,
                headers,
                ...(c.body !== undefined ? { body: c.body } : {}),
              }),
            ),
            ANSWER_WITHIN_MS,
            what,
          );
          status = res.status;
          await res.arrayBuffer();
        } catch (e) {
          failures.push(`${what}: ${(e as Error).message}`);
          continue;
        }
        sent++;
        const ms = performance.now() - started;
        if (status >= 500) failures.push(`${what}: ${status}`);
        if (process.env.WFKIT_FUZZ_SLOW && ms > Number(process.env.WFKIT_FUZZ_SLOW))
          console.log(`${Math.round(ms)} ms ${status} ${what}`);
        if (ms > ANSWER_WITHIN_MS) failures.push(`${what}: answered in ${Math.round(ms)} ms`);
        const fpStart = performance.now();
        // No transaction got a new xid since the last look: nothing was written (reads don't take one).
        const xmax = await lastXid(app);
        const after = xmax === lastXmax ? before : await fingerprint(app, sql);
        lastXmax = xmax;
        fpMs += performance.now() - fpStart;
        if (status >= 400) {
          const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
          if (changed.length > 0) failures.push(`${what}: ${status} but changed ${changed.join(', ')}`);
        }
        before = after;
      }
    }
    if (process.env.WFKIT_FUZZ_SLOW) console.log(`${api}: ${sent} requests, fingerprints ${Math.round(fpMs)} ms`);
    expect(sent).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  }, 600_000);
});
