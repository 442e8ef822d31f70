/**
 * Every statement of the job system (migration 002: `jobs`, `dead_letter_jobs`), and the row mapping. A job is
 * leased to an executor by `lock_owner` + `lock_expires_at`; every statement that finishes a job checks the lease, so
 * an executor whose lease lapsed (and another took the job over) changes nothing.
 */

import type { DeadLetterJob, Job, JobFilter } from './types.js';

export const JOB_COLUMNS =
  'id, type, payload, key, scope_id, due_at, attempts, max_attempts, lock_owner, lock_expires_at, last_error, created_at, owner_api, tenant';

type Row = Record<string, unknown>;

export function toJob(r: Row): Job {
  return {
    id: r.id as string,
    type: r.type as string,
    payload: r.payload,
    key: (r.key as string | null) ?? null,
    scopeId: (r.scope_id as string | null) ?? null,
    dueAt: new Date(r.due_at as Date),
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    lockOwner: (r.lock_owner as string | null) ?? null,
    lockExpiresAt: r.lock_expires_at ? new Date(r.lock_expires_at as Date) : null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: new Date(r.created_at as Date),
    ownerApi: (r.owner_api as string | undefined) ?? '',
    tenant: (r.tenant as string | undefined) ?? '',
  };
}

export function toDeadLetter(r: Row): DeadLetterJob {
  const { lockOwner: _o, lockExpiresAt: _e, ...job } = toJob(r);
  return { ...job, failedAt: new Date(r.failed_at as Date) };
}

/** `WHERE` for a filter (empty when the filter is), its values appended to params. */
export function jobWhere(filter: JobFilter, params: unknown[]): string {
  const parts: string[] = [];
  for (const [field, column] of [
    ['id', 'id'],
    ['key', 'key'],
    ['scopeId', 'scope_id'],
    ['type', 'type'],
    ['ownerApi', 'owner_api'],
    ['tenant', 'tenant'],
  ] as const) {
    const v = filter[field];
    if (v !== undefined) {
      params.push(v);
      parts.push(`${column} = $${params.length}`);
    }
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

// --- the queue -------------------------------------------------------------------------------------------------

/** $1 id, $2 type, $3 payload, $4 key, $5 scope, $6 due, $7 max attempts, $8 now, $9 owner api, $10 tenant. */
export const ENQUEUE = `INSERT INTO jobs (id, type, payload, key, scope_id, due_at, max_attempts, created_at, owner_api, tenant)
  VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, payload = EXCLUDED.payload, scope_id = EXCLUDED.scope_id,
    due_at = EXCLUDED.due_at, max_attempts = EXCLUDED.max_attempts, attempts = 0, lock_owner = NULL,
    lock_expires_at = NULL, last_error = NULL, owner_api = EXCLUDED.owner_api, tenant = EXCLUDED.tenant
  RETURNING ${JOB_COLUMNS}`;

/**
 * Many jobs in one statement (a command's timers and calls, written with its other rows): $1 a JSON array of
 * { id, type, payload, key, scope_id, due_at, max_attempts, created_at, owner_api, tenant }, keys distinct.
 */
export const ENQUEUE_MANY = `INSERT INTO jobs (id, type, payload, key, scope_id, due_at, max_attempts, created_at, owner_api, tenant)
  SELECT id, type, payload, key, scope_id, due_at, max_attempts, created_at, owner_api, tenant
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, type text, payload jsonb, key text, scope_id text,
    due_at timestamptz, max_attempts int, created_at timestamptz, owner_api text, tenant text)
  ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, payload = EXCLUDED.payload, scope_id = EXCLUDED.scope_id,
    due_at = EXCLUDED.due_at, max_attempts = EXCLUDED.max_attempts, attempts = 0, lock_owner = NULL,
    lock_expires_at = NULL, last_error = NULL, owner_api = EXCLUDED.owner_api, tenant = EXCLUDED.tenant`;

export const CANCEL_BY_KEYS = 'DELETE FROM jobs WHERE key = ANY($1)';

export const cancelJobs = (where: string) => `DELETE FROM jobs ${where}`;

export const listJobs = (where: string) => `SELECT ${JOB_COLUMNS} FROM jobs ${where} ORDER BY due_at, id`;

export const listDeadLetters = (where: string) =>
  `SELECT id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, created_at, failed_at,
     owner_api, tenant
   FROM dead_letter_jobs ${where} ORDER BY failed_at, id`;

/** $1 id, $2 due, $3 max attempts (null: keep). */
export const RETRY_DEAD_LETTER = `WITH d AS (DELETE FROM dead_letter_jobs WHERE id = $1 RETURNING *)
  INSERT INTO jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, last_error_trace,
    created_at, owner_api, tenant)
  SELECT id, type, payload, key, scope_id, $2, 0, COALESCE($3, max_attempts), last_error, last_error_trace,
    created_at, owner_api, tenant FROM d`;

export const DELETE_DEAD_LETTER = 'DELETE FROM dead_letter_jobs WHERE id = $1';

// --- acquisition -----------------------------------------------------------------------------------------------

/**
 * Leases up to $5 due jobs of the types $4 to executor $1 until $2 (now $3), oldest first, in one statement. SKIP
 * LOCKED lets executors on other connections take other rows at once; a job whose scope (process instance) has a job
 * leased to another live executor is left alone, so one instance's jobs run on one node at a time. `scope` narrows
 * to one scope (its value appended as $6).
 */
export const acquireDue = (scope: string) => `UPDATE jobs SET lock_owner = $1, lock_expires_at = $2
  WHERE id IN (
    SELECT id FROM jobs j
    WHERE due_at <= $3 AND (lock_expires_at IS NULL OR lock_expires_at < $3) AND type = ANY($4::text[])${scope}
      AND (scope_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM jobs o WHERE o.scope_id = j.scope_id AND o.lock_owner <> $1 AND o.lock_expires_at >= $3))
    ORDER BY due_at, id LIMIT $5
    FOR UPDATE SKIP LOCKED)
  RETURNING ${JOB_COLUMNS}`;

/** Leases the job `where` selects (params after $1 owner, $2 until, $3 now) unless another lease is live. */
export const leaseOne = (where: string) => `UPDATE jobs SET lock_owner = $1, lock_expires_at = $2
  ${where} AND (lock_expires_at IS NULL OR lock_expires_at < $3) RETURNING ${JOB_COLUMNS}`;

export const RELEASE_LEASE = 'UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE id = $1';

/** Extends every lease of executor $1 to $2, skipping rows a running job's transaction has locked. */
export const RENEW_LEASES = `UPDATE jobs SET lock_expires_at = $2
  WHERE id IN (SELECT id FROM jobs WHERE lock_owner = $1 FOR UPDATE SKIP LOCKED)`;

/** When the next job of the types $1 can be taken (its due date, or its lease's expiry). */
export const NEXT_DUE = `SELECT min(GREATEST(due_at, COALESCE(lock_expires_at, due_at))) AS next FROM jobs
  WHERE type = ANY($1::text[])`;

// --- an attempt --------------------------------------------------------------------------------------------------

/**
 * Removes job $1 still leased to $2, inside the job's transaction and before its handler: the run counts once, and a
 * rollback puts the job back. No row: the job was cancelled, or the lease lapsed and another executor has it.
 */
export const TAKE_LEASED = 'DELETE FROM jobs WHERE id = $1 AND lock_owner = $2';

/** Removes the jobs $1 still leased to $2 (a group's, before its handlers run); returns the ids removed. */
export const TAKE_LEASED_MANY = 'DELETE FROM jobs WHERE id = ANY($1) AND lock_owner = $2 RETURNING id';

/**
 * A job of a group that failed, written back (the group took it) for another attempt: $1 a JSON array of the job's
 * columns with attempts, last_error, last_error_trace and due_at of the next attempt. A job enqueued again under its
 * key meanwhile stays as enqueued.
 */
export const PUT_BACK = `INSERT INTO jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error,
    last_error_trace, created_at, owner_api, tenant)
  SELECT id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, last_error_trace, created_at,
    owner_api, tenant
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, type text, payload jsonb, key text, scope_id text,
    due_at timestamptz, attempts int, max_attempts int, last_error text, last_error_trace text, created_at timestamptz,
    owner_api text, tenant text)
  ON CONFLICT DO NOTHING`;

/** A job of a group that failed its last attempt, as a dead letter: $1 as PUT_BACK's, failed_at instead of due. */
export const BURY = `INSERT INTO dead_letter_jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts,
    last_error, last_error_trace, created_at, failed_at, owner_api, tenant)
  SELECT id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error, last_error_trace, created_at,
    failed_at, owner_api, tenant
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, type text, payload jsonb, key text, scope_id text,
    due_at timestamptz, attempts int, max_attempts int, last_error text, last_error_trace text, created_at timestamptz,
    failed_at timestamptz, owner_api text, tenant text)
  ON CONFLICT DO NOTHING`;

/** Isolates one job of a group transaction: a failing job rolls back to it alone. */
export const SAVEPOINT = 'SAVEPOINT wf_job';
export const ROLLBACK_TO_SAVEPOINT = 'ROLLBACK TO SAVEPOINT wf_job';

/** $1 id, $2 owner, $3 attempts, $4 error, $5 due again, $6 trace. */
export const RETRY_LATER = `UPDATE jobs SET attempts = $3, last_error = $4, last_error_trace = $6, due_at = $5,
    lock_owner = NULL, lock_expires_at = NULL
  WHERE id = $1 AND lock_owner = $2`;

/** $1 id, $2 owner, $3 attempts, $4 error, $5 failed at, $6 trace. */
export const DEAD_LETTER = `WITH d AS (DELETE FROM jobs WHERE id = $1 AND lock_owner = $2 RETURNING *)
  INSERT INTO dead_letter_jobs (id, type, payload, key, scope_id, due_at, attempts, max_attempts, last_error,
    last_error_trace, created_at, failed_at, owner_api, tenant)
  SELECT id, type, payload, key, scope_id, due_at, $3, max_attempts, $4, $6, created_at, $5, owner_api, tenant FROM d`;
