/**
 * `/openidm/workflow/job` and `/job/deadletter`: the runtime's jobs (timers `wf.timer`; continuations and queued
 * deliveries `wf.async`, `wf.message`, `wf.signal`, `wf.trigger`) in the shared jobs table, as IDM shows them.
 */
import type { RequestContext } from '../../../http/api-module.js';
import { TIMER_JOB } from '../../../runtime/commands.js';
import { IDM_SCOPE, type IdmContext, type IdmRouter } from '../context.js';
import { badRequest, CrestError, conflict, notFound } from '../crest/errors.js';
import { parseFields, projectFields } from '../crest/fields.js';
import { parseQueryRequest, queryPage } from '../crest/query.js';
import { checkIfMatch, crestReply, ordered } from '../crest/resource.js';
import { type ColumnMap, SqlParams } from '../crest/sql.js';
import { rel } from '../repository/owned.js';
import type { IdmPrincipal } from '../security.js';

type Ctx = RequestContext<IdmPrincipal>;

const source = (table: string) => `(
  SELECT j.*, COALESCE(j.payload->>'instanceId', e.instance_id) AS instance_id, j.payload->>'executionId' AS execution_id,
    e.activity_id, COALESCE(i.definition_id, j.payload->>'definitionId') AS definition_id
  FROM ${table} j
  LEFT JOIN ${rel.executions} e ON e.id = j.payload->>'executionId'
  LEFT JOIN ${rel.instances} i ON i.id = COALESCE(j.payload->>'instanceId', e.instance_id)
  WHERE j.type LIKE 'wf.%'
) x`;

const COLUMNS: ColumnMap = {
  _id: { sql: 'x.id', type: 'text' },
  createTime: { sql: 'x.created_at', type: 'timestamp' },
  dueDate: { sql: 'x.due_at', type: 'timestamp' },
  executionId: { sql: 'x.execution_id', type: 'text' },
  processInstanceId: { sql: 'x.instance_id', type: 'text' },
  processDefinitionId: { sql: 'x.definition_id', type: 'text' },
  retries: { sql: '(x.max_attempts - x.attempts)', type: 'number' },
  exceptionMessage: { sql: 'x.last_error', type: 'text' },
  elementId: { sql: 'x.activity_id', type: 'text' },
};

function toJob(r: Record<string, any>, dead: boolean) {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  const base: Record<string, unknown> = {
    _id: r.id,
    _rev: '1',
    createTime: iso(r.created_at),
    dueDate: iso(r.due_at),
    elementId: r.activity_id ?? null,
    elementName: null,
    exceptionMessage: r.last_error ?? null,
    executionId: r.execution_id ?? null,
    jobType: r.type === TIMER_JOB ? 'timer' : 'message',
    processDefinitionId: r.definition_id ?? null,
    processInstanceId: r.instance_id ?? null,
    retries: dead ? 0 : Math.max(0, Number(r.max_attempts) - Number(r.attempts)),
    tenantId: '',
  };
  if (!dead) {
    base.lockExpirationTime = iso(r.lock_expires_at);
    base.lockOwner = r.lock_owner ?? null;
    base.suspended = false;
  }
  return ordered(base as Record<string, unknown> & { _id: string });
}

function filters(ctx: Ctx, params: SqlParams): string[] {
  const where: string[] = [];
  const get = (n: string) => ctx.rawQuery.get(n);
  for (const [p, col] of [
    ['jobId', 'x.id'],
    ['processDefinitionId', 'x.definition_id'],
    ['processInstanceId', 'x.instance_id'],
    ['executionId', 'x.execution_id'],
    ['exceptionMessage', 'x.last_error'],
  ] as const) {
    const v = get(p);
    if (v !== null) where.push(`${col} = ${params.add(v)}`);
  }
  const timers = get('timersOnly') === 'true';
  const messages = get('messagesOnly') === 'true';
  if (timers && messages) throw badRequest('timersOnly and messagesOnly cannot both be true.');
  if (timers) where.push(`x.type = ${params.add(TIMER_JOB)}`);
  if (messages) where.push(`x.type <> ${params.add(TIMER_JOB)}`);
  if (get('withException') === 'true') where.push('x.last_error IS NOT NULL');
  for (const [p, cmp] of [
    ['dueAfter', '>'],
    ['dueBefore', '<'],
  ] as const) {
    const v = get(p);
    if (v === null) continue;
    if (Number.isNaN(Date.parse(v))) throw badRequest(`${p} must be an ISO 8601 date, got '${v}'.`);
    where.push(`x.due_at ${cmp} ${params.add(new Date(v))}::timestamptz`);
  }
  return where;
}

export function register(router: IdmRouter, idm: IdmContext): void {
  const query = (dead: boolean) => async (ctx: Ctx) => {
    idm.security.assertAdmin(ctx.principal);
    const q = parseQueryRequest(ctx, { queryIds: ['filtered-query'], what: 'jobs' });
    const params = new SqlParams();
    const where = q.queryId === 'filtered-query' ? filters(ctx, params) : [];
    const src = source(dead ? rel.deadLetterJobs : rel.jobs);
    return crestReply(
      ctx,
      await queryPage(
        idm.db,
        q,
        {
          select: `SELECT x.* FROM ${src}`,
          from: `FROM ${src}`,
          columns: COLUMNS,
          where,
          params,
          tieBreaker: 'x.id',
        },
        (row: Record<string, any>) => toJob(row, dead),
      ),
    );
  };
  const load = async (ctx: Ctx, dead: boolean) => {
    idm.security.assertAdmin(ctx.principal);
    const { rows } = await idm.db.query<Record<string, any>>(
      `SELECT x.* FROM ${source(dead ? rel.deadLetterJobs : rel.jobs)} WHERE x.id = $1`,
      [ctx.params.id!],
    );
    if (!rows[0]) throw notFound();
    return rows[0];
  };
  const fields = (ctx: Ctx) => parseFields(ctx.rawQuery.get('_fields') ?? undefined);

  /**
   * Runs a job now through the job executor's own path: it commits, or counts the attempt (retry with backoff, a
   * dead letter when exhausted) and answers 500 with the job's error, as IDM does.
   */
  const execute = async (id: string) => {
    const r = await idm.executor.runNow(id, { ownerApi: IDM_SCOPE.api, tenant: IDM_SCOPE.tenant });
    if (r.outcome === 'not-found') throw notFound();
    if (r.outcome === 'locked') throw conflict('The job is locked by a running job executor.');
    if (r.outcome !== 'succeeded') throw new CrestError(500, r.error ?? 'The job failed');
  };

  router.operation('queryJobs', query(false));
  router.operation('queryDeadLetterJobs', query(true));
  router.operation('readJob', async (ctx) =>
    crestReply(ctx, projectFields(toJob(await load(ctx, false), false), fields(ctx))),
  );
  router.operation('readDeadLetterJob', async (ctx) =>
    crestReply(ctx, projectFields(toJob(await load(ctx, true), true), fields(ctx))),
  );
  router.operation('deleteJob', async (ctx) => {
    const row = await load(ctx, false);
    checkIfMatch(ctx.headers, '1');
    if (row.lock_expires_at && new Date(row.lock_expires_at) > idm.clock.now())
      throw conflict('The job is locked by a running job executor.');
    await idm.jobs.cancel(idm.db, { id: row.id, ownerApi: IDM_SCOPE.api });
    return crestReply(ctx, projectFields(toJob(row, false), fields(ctx)));
  });
  router.operation('deleteDeadLetterJob', async (ctx) => {
    const row = await load(ctx, true);
    checkIfMatch(ctx.headers, '1');
    await idm.jobs.deleteDeadLetter(idm.db, row.id);
    return crestReply(ctx, projectFields(toJob(row, true), fields(ctx)));
  });
  router.operation('jobAction', async (ctx) => {
    const action = ctx.rawQuery.get('_action');
    const row = await load(ctx, false);
    if (action === 'stacktrace') {
      if (!row.last_error) throw notFound('The job has not failed.');
      return crestReply(ctx, { _id: row.id, stacktrace: row.last_error_trace ?? row.last_error });
    }
    if (action === 'execute') {
      await execute(row.id);
      return crestReply(ctx, { 'Successfully executed job': row.id });
    }
    throw badRequest(`Unknown action '${action}'.`);
  });
  router.operation('deadLetterJobAction', async (ctx) => {
    const action = ctx.rawQuery.get('_action');
    const row = await load(ctx, true);
    if (action === 'stacktrace') {
      return crestReply(ctx, { _id: row.id, stacktrace: row.last_error_trace ?? row.last_error ?? '' });
    }
    if (action === 'execute') {
      await idm.jobs.retryDeadLetter(idm.db, row.id, { maxAttempts: 1 });
      await execute(row.id);
      return crestReply(ctx, { 'Successfully executed dead letter job': row.id });
    }
    throw badRequest(`Unknown action '${action}'.`);
  });
}
