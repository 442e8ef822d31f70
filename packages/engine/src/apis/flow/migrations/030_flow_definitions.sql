-- FLOW workflow definitions (apis/flow), isolated per (customer, child) pair; '' is "no child".
-- One head row per definition id: the audit of its first save, the most recent save (for lists), and
-- latest_version, the counter that publishing increments under the head's row lock, so versions never skip or repeat.
CREATE TABLE flow_definitions (
  customer_id text NOT NULL,
  child_id text NOT NULL DEFAULT '',
  id text NOT NULL,
  name text NOT NULL,
  description text,
  owner text NOT NULL,
  tags jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_template boolean NOT NULL DEFAULT false,
  latest_version integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  PRIMARY KEY (customer_id, child_id, id)
);
CREATE INDEX flow_definitions_updated_idx ON flow_definitions (customer_id, child_id, updated_at);

-- Every saved snapshot: the draft (version -1, replaced on each save) and the published versions 1, 2, 3, ...
CREATE TABLE flow_definition_versions (
  customer_id text NOT NULL,
  child_id text NOT NULL DEFAULT '',
  definition_id text NOT NULL,
  version integer NOT NULL CHECK (version = -1 OR version >= 1),
  version_id text NOT NULL UNIQUE,
  -- The definition as saved: name, tasks, description, owner, isTemplate, tags, initialState, defaultErrorHandling, variables.
  body jsonb NOT NULL,
  -- The compiled process graph (dialects/flow/compile.ts), for the runtime.
  graph jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL,
  -- X-Frankie-Channel (first 64 characters) and X-Frankie-RequestID of the save, recorded, not echoed.
  channel text,
  client_request_id text,
  PRIMARY KEY (customer_id, child_id, definition_id, version),
  FOREIGN KEY (customer_id, child_id, definition_id) REFERENCES flow_definitions (customer_id, child_id, id) ON DELETE CASCADE
);
