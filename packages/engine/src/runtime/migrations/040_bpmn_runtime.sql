-- The process runtime (process graphs from BPMN, IGA and FLOW definitions): definitions, running state, history.
CREATE TABLE wf_deployment (
  id text PRIMARY KEY,
  name text,
  category text,
  source text,
  source_hash text,
  tenant_id text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);
CREATE INDEX wf_deployment_hash_idx ON wf_deployment (source_hash);

CREATE TABLE wf_definition (
  id text PRIMARY KEY,
  key text NOT NULL,
  version integer NOT NULL,
  name text,
  description text,
  category text,
  deployment_id text NOT NULL REFERENCES wf_deployment (id) ON DELETE CASCADE,
  resource_name text,
  graph jsonb NOT NULL,
  suspended boolean NOT NULL DEFAULT false,
  tenant_id text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  UNIQUE (key, version)
);

-- One row per running process instance; the row lock on the root instance serializes commands on a call tree.
CREATE TABLE wf_instance (
  id text PRIMARY KEY,
  root_id text NOT NULL,
  definition_id text NOT NULL REFERENCES wf_definition (id),
  definition_key text NOT NULL,
  business_key text,
  start_user_id text,
  super_execution_id text,
  super_instance_id text,
  start_time timestamptz NOT NULL
);
CREATE INDEX wf_instance_def_idx ON wf_instance (definition_id);
CREATE INDEX wf_instance_bk_idx ON wf_instance (business_key);

CREATE TABLE wf_execution (
  id text PRIMARY KEY,
  instance_id text NOT NULL,
  parent_id text,
  activity_id text,
  kind text NOT NULL,
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  event_type text,
  event_name text,
  due_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX wf_execution_inst_idx ON wf_execution (instance_id);
CREATE INDEX wf_execution_event_idx ON wf_execution (event_type, event_name) WHERE event_type IS NOT NULL;

CREATE TABLE wf_variable (
  instance_id text NOT NULL,
  scope_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  value jsonb,
  PRIMARY KEY (scope_id, name)
);
CREATE INDEX wf_variable_inst_idx ON wf_variable (instance_id);

CREATE TABLE wf_task (
  id text PRIMARY KEY,
  instance_id text NOT NULL,
  execution_id text NOT NULL,
  definition_id text NOT NULL,
  definition_key text NOT NULL,
  task_def_key text NOT NULL,
  name text,
  description text,
  assignee text,
  owner text,
  priority integer NOT NULL DEFAULT 50,
  due_date timestamptz,
  form_key text,
  category text,
  candidate_users text[] NOT NULL DEFAULT '{}',
  candidate_groups text[] NOT NULL DEFAULT '{}',
  create_time timestamptz NOT NULL,
  claim_time timestamptz,
  rev integer NOT NULL DEFAULT 1
);
CREATE INDEX wf_task_inst_idx ON wf_task (instance_id);
CREATE INDEX wf_task_assignee_idx ON wf_task (assignee);

CREATE TABLE wf_hi_instance (
  id text PRIMARY KEY,
  root_id text NOT NULL,
  definition_id text NOT NULL,
  definition_key text NOT NULL,
  business_key text,
  start_user_id text,
  super_instance_id text,
  start_activity_id text,
  end_activity_id text,
  start_time timestamptz NOT NULL,
  end_time timestamptz,
  duration_ms bigint,
  delete_reason text
);
CREATE INDEX wf_hi_instance_def_idx ON wf_hi_instance (definition_id);

CREATE TABLE wf_hi_activity (
  id text PRIMARY KEY,
  instance_id text NOT NULL,
  execution_id text NOT NULL,
  activity_id text NOT NULL,
  activity_name text,
  activity_type text NOT NULL,
  task_id text,
  called_instance_id text,
  assignee text,
  start_time timestamptz NOT NULL,
  end_time timestamptz,
  duration_ms bigint,
  delete_reason text
);
CREATE INDEX wf_hi_activity_inst_idx ON wf_hi_activity (instance_id);

CREATE TABLE wf_hi_task (
  id text PRIMARY KEY,
  instance_id text NOT NULL,
  execution_id text NOT NULL,
  definition_id text NOT NULL,
  definition_key text NOT NULL,
  task_def_key text NOT NULL,
  name text,
  description text,
  assignee text,
  owner text,
  priority integer NOT NULL DEFAULT 50,
  due_date timestamptz,
  form_key text,
  category text,
  candidate_users text[] NOT NULL DEFAULT '{}',
  candidate_groups text[] NOT NULL DEFAULT '{}',
  create_time timestamptz NOT NULL,
  claim_time timestamptz,
  end_time timestamptz,
  duration_ms bigint,
  delete_reason text
);
CREATE INDEX wf_hi_task_inst_idx ON wf_hi_task (instance_id);

CREATE TABLE wf_hi_variable (
  instance_id text NOT NULL,
  scope_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  value jsonb,
  create_time timestamptz NOT NULL,
  update_time timestamptz NOT NULL,
  PRIMARY KEY (scope_id, name)
);
CREATE INDEX wf_hi_variable_inst_idx ON wf_hi_variable (instance_id);

CREATE SEQUENCE wf_definition_seq;
