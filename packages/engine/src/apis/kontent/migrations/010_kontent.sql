-- The Kontent-style API (apis/kontent): one environment per server (WFKIT_KONTENT_ENVIRONMENT_ID), so no environment
-- column. Workflows keep their steps as JSON (a workflow is always read and written whole); variants are rows.
CREATE TABLE kontent_roles (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text UNIQUE,
  seq bigserial NOT NULL
);

CREATE TABLE kontent_collections (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text NOT NULL UNIQUE,
  external_id text UNIQUE,
  seq bigserial NOT NULL
);

CREATE TABLE kontent_languages (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text NOT NULL UNIQUE,
  external_id text UNIQUE,
  is_active boolean NOT NULL,
  is_default boolean NOT NULL,
  fallback_id uuid NOT NULL,
  seq bigserial NOT NULL
);

CREATE TABLE kontent_types (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text NOT NULL UNIQUE,
  external_id text UNIQUE,
  elements jsonb NOT NULL,
  last_modified timestamptz NOT NULL,
  seq bigserial NOT NULL
);

CREATE TABLE kontent_items (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text NOT NULL UNIQUE,
  external_id text UNIQUE,
  type_id uuid NOT NULL REFERENCES kontent_types (id),
  collection_id uuid NOT NULL REFERENCES kontent_collections (id),
  spaces jsonb NOT NULL DEFAULT '[]'::jsonb,
  last_modified timestamptz NOT NULL,
  seq bigserial NOT NULL
);

CREATE TABLE kontent_workflows (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  codename text NOT NULL UNIQUE,
  -- [{content_types: [uuid], collections: [uuid]}]
  scopes jsonb NOT NULL,
  -- [{id, name, codename, color, transitions_to: [uuid], role_ids: [uuid]}]
  steps jsonb NOT NULL,
  unpublish_role_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  create_new_version_role_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  archived_role_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  seq bigserial NOT NULL
);

-- The latest version of a variant (its step may be a custom step, or the predefined Published, Scheduled or Archived
-- step) and, while one exists, its published version (a snapshot; after new-version the latest differs from it).
CREATE TABLE kontent_variants (
  item_id uuid NOT NULL REFERENCES kontent_items (id) ON DELETE CASCADE,
  language_id uuid NOT NULL REFERENCES kontent_languages (id),
  elements jsonb NOT NULL DEFAULT '[]'::jsonb,
  workflow_id uuid NOT NULL REFERENCES kontent_workflows (id),
  step_id uuid NOT NULL,
  contributors jsonb NOT NULL DEFAULT '[]'::jsonb,
  due_date timestamptz,
  note text,
  last_modified timestamptz NOT NULL,
  publish_time timestamptz,
  publish_timezone text,
  unpublish_time timestamptz,
  unpublish_timezone text,
  published jsonb,
  PRIMARY KEY (item_id, language_id)
);
CREATE INDEX kontent_variants_step_idx ON kontent_variants (workflow_id, step_id);

CREATE TABLE kontent_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

INSERT INTO kontent_roles (id, name, codename) VALUES
  ('f58733b9-520b-406b-9d45-eb15a2baee96', 'Project manager', 'project-manager'),
  ('9b0e5fcb-6b1a-4b2c-8a3f-1d2e3f4a5b6c', 'Developer', NULL),
  ('3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', 'Content contributor', NULL),
  ('6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b', 'Reviewer', NULL);

INSERT INTO kontent_collections (id, name, codename) VALUES
  ('00000000-0000-0000-0000-000000000000', 'Default', 'default');

INSERT INTO kontent_languages (id, name, codename, is_active, is_default, fallback_id) VALUES
  ('00000000-0000-0000-0000-000000000000', 'Default project language', 'default', true, true,
   '00000000-0000-0000-0000-000000000000');

INSERT INTO kontent_workflows (id, name, codename, scopes, steps) VALUES
  ('00000000-0000-0000-0000-000000000000', 'Default', 'default', '[]'::jsonb,
   '[{"id":"eee6db3b-545a-4785-8e86-e3772c8756f9","name":"Draft","codename":"draft","color":"gray","transitions_to":["c199950d-99f0-4983-b711-6c4c91624b22","7a535a69-ad34-47f8-806a-def1fdf4d391"],"role_ids":[]}]'::jsonb);

INSERT INTO kontent_meta (key, value) VALUES ('collections_last_modified', 'null'::jsonb);
