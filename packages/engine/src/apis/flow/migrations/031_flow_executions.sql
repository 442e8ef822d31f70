-- FLOW workflow executions (apis/flow), isolated per (customer, child) pair like the definitions; '' is "no child".
-- Each execution runs as one runtime process instance (business key = the execution id); this row is the
-- FLOW view of it, kept up to date by the FLOW service behaviours inside the runtime's transactions.
CREATE TABLE flow_executions (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  child_id text NOT NULL DEFAULT '',
  definition_id text NOT NULL,
  version integer NOT NULL,
  version_id text NOT NULL,
  -- The runtime instance; null until it is started.
  instance_id text,
  state text NOT NULL CHECK (state IN ('INPROGRESS', 'COMPLETED', 'ERROR', 'TIMEOUT')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  created_by text NOT NULL,
  channel text,
  client_request_id text,
  comment jsonb,
  initial_state jsonb NOT NULL,
  -- The current state object, the task records by task id ({type, status, attempts, ...}) and the order of tasks.
  data jsonb NOT NULL,
  tasks jsonb NOT NULL,
  task_order jsonb NOT NULL DEFAULT '[]'::jsonb,
  failure jsonb,
  timeout_ms bigint,
  -- The declared variable names of the version (what a script sees as `variables`).
  variable_names jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX flow_executions_scope_idx ON flow_executions (customer_id, child_id, started_at, id);
CREATE INDEX flow_executions_definition_idx ON flow_executions (customer_id, child_id, definition_id, version);
