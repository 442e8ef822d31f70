-- Durable jobs: timers, async continuations, scheduled publishing, retries. See src/runtime/jobs.ts.
CREATE TABLE jobs (
  id text PRIMARY KEY,
  type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- An optional unique key (e.g. 'kontent:publish:<variant>'), to replace or cancel a job by name.
  key text UNIQUE,
  -- An optional owner (e.g. a process instance id) to list or cancel its jobs together.
  scope_id text,
  due_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  lock_owner text,
  lock_expires_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (due_at);
CREATE INDEX jobs_scope_idx ON jobs (scope_id) WHERE scope_id IS NOT NULL;

-- Jobs that failed max_attempts times; kept for inspection and for moving back (as IDM's dead-letter jobs).
CREATE TABLE dead_letter_jobs (
  id text PRIMARY KEY,
  type text NOT NULL,
  payload jsonb NOT NULL,
  key text,
  scope_id text,
  due_at timestamptz NOT NULL,
  attempts integer NOT NULL,
  max_attempts integer NOT NULL,
  last_error text,
  created_at timestamptz NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX dead_letter_jobs_scope_idx ON dead_letter_jobs (scope_id) WHERE scope_id IS NOT NULL;
