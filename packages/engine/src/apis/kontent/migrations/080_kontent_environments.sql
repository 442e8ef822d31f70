-- Kontent environments: every Kontent table is keyed by environment (the `environment_id` of the URL, lowercase), so
-- several environments share one server and one database, isolated. Rows written before this migration (one
-- environment per server) get '' and are adopted by the server's primary environment (WFKIT_KONTENT_ENVIRONMENT_ID)
-- on its first request (apis/kontent/environments.ts); every other environment is seeded with its own defaults.

ALTER TABLE kontent_variants DROP CONSTRAINT kontent_variants_item_id_fkey;
ALTER TABLE kontent_variants DROP CONSTRAINT kontent_variants_language_id_fkey;
ALTER TABLE kontent_variants DROP CONSTRAINT kontent_variants_workflow_id_fkey;
ALTER TABLE kontent_items DROP CONSTRAINT kontent_items_type_id_fkey;
ALTER TABLE kontent_items DROP CONSTRAINT kontent_items_collection_id_fkey;

ALTER TABLE kontent_roles DROP CONSTRAINT kontent_roles_pkey;
ALTER TABLE kontent_roles DROP CONSTRAINT kontent_roles_codename_key;
ALTER TABLE kontent_collections DROP CONSTRAINT kontent_collections_pkey;
ALTER TABLE kontent_collections DROP CONSTRAINT kontent_collections_codename_key;
ALTER TABLE kontent_collections DROP CONSTRAINT kontent_collections_external_id_key;
ALTER TABLE kontent_languages DROP CONSTRAINT kontent_languages_pkey;
ALTER TABLE kontent_languages DROP CONSTRAINT kontent_languages_codename_key;
ALTER TABLE kontent_languages DROP CONSTRAINT kontent_languages_external_id_key;
ALTER TABLE kontent_types DROP CONSTRAINT kontent_types_pkey;
ALTER TABLE kontent_types DROP CONSTRAINT kontent_types_codename_key;
ALTER TABLE kontent_types DROP CONSTRAINT kontent_types_external_id_key;
ALTER TABLE kontent_items DROP CONSTRAINT kontent_items_pkey;
ALTER TABLE kontent_items DROP CONSTRAINT kontent_items_codename_key;
ALTER TABLE kontent_items DROP CONSTRAINT kontent_items_external_id_key;
ALTER TABLE kontent_workflows DROP CONSTRAINT kontent_workflows_pkey;
ALTER TABLE kontent_workflows DROP CONSTRAINT kontent_workflows_codename_key;
ALTER TABLE kontent_variants DROP CONSTRAINT kontent_variants_pkey;
ALTER TABLE kontent_meta DROP CONSTRAINT kontent_meta_pkey;
DROP INDEX kontent_variants_step_idx;

ALTER TABLE kontent_roles ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_collections ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_languages ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_types ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_items ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_workflows ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_variants ADD COLUMN environment_id text NOT NULL DEFAULT '';
ALTER TABLE kontent_meta ADD COLUMN environment_id text NOT NULL DEFAULT '';
-- Variant lists page in creation order (keyset paging on seq).
ALTER TABLE kontent_variants ADD COLUMN seq bigserial NOT NULL;

-- New rows always name their environment.
ALTER TABLE kontent_roles ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_collections ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_languages ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_types ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_items ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_workflows ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_variants ALTER COLUMN environment_id DROP DEFAULT;
ALTER TABLE kontent_meta ALTER COLUMN environment_id DROP DEFAULT;

ALTER TABLE kontent_roles ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_roles ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_collections ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_collections ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_collections ADD UNIQUE (environment_id, external_id);
ALTER TABLE kontent_languages ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_languages ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_languages ADD UNIQUE (environment_id, external_id);
ALTER TABLE kontent_types ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_types ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_types ADD UNIQUE (environment_id, external_id);
ALTER TABLE kontent_items ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_items ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_items ADD UNIQUE (environment_id, external_id);
ALTER TABLE kontent_workflows ADD PRIMARY KEY (environment_id, id);
ALTER TABLE kontent_workflows ADD UNIQUE (environment_id, codename);
ALTER TABLE kontent_variants ADD PRIMARY KEY (environment_id, item_id, language_id);
ALTER TABLE kontent_meta ADD PRIMARY KEY (environment_id, key);

-- Deferrable, so that adopting the rows of before (environment '') moves parents and children in one transaction.
ALTER TABLE kontent_items ADD FOREIGN KEY (environment_id, type_id) REFERENCES kontent_types (environment_id, id)
  DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE kontent_items ADD FOREIGN KEY (environment_id, collection_id)
  REFERENCES kontent_collections (environment_id, id) DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE kontent_variants ADD FOREIGN KEY (environment_id, item_id)
  REFERENCES kontent_items (environment_id, id) ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE kontent_variants ADD FOREIGN KEY (environment_id, language_id)
  REFERENCES kontent_languages (environment_id, id) DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE kontent_variants ADD FOREIGN KEY (environment_id, workflow_id)
  REFERENCES kontent_workflows (environment_id, id) DEFERRABLE INITIALLY IMMEDIATE;

-- Keyset paging: lists walk (environment_id, seq) in order.
CREATE INDEX kontent_roles_seq_idx ON kontent_roles (environment_id, seq);
CREATE INDEX kontent_collections_seq_idx ON kontent_collections (environment_id, seq);
CREATE INDEX kontent_languages_seq_idx ON kontent_languages (environment_id, seq);
CREATE INDEX kontent_types_seq_idx ON kontent_types (environment_id, seq);
CREATE INDEX kontent_items_seq_idx ON kontent_items (environment_id, seq);
CREATE INDEX kontent_workflows_seq_idx ON kontent_workflows (environment_id, seq);
CREATE INDEX kontent_variants_seq_idx ON kontent_variants (environment_id, seq);
CREATE INDEX kontent_variants_step_idx ON kontent_variants (environment_id, workflow_id, step_id);
CREATE INDEX kontent_variants_language_idx ON kontent_variants (environment_id, language_id, seq);
CREATE INDEX kontent_items_type_idx ON kontent_items (environment_id, type_id, seq);
CREATE INDEX kontent_items_collection_idx ON kontent_items (environment_id, collection_id, seq);

-- Spaces (content model) for items' `spaces` and the variants-by-space list.
CREATE TABLE kontent_spaces (
  environment_id text NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  codename text NOT NULL,
  web_spotlight_root_item_id uuid,
  collections jsonb NOT NULL DEFAULT '[]'::jsonb,
  seq bigserial NOT NULL,
  PRIMARY KEY (environment_id, id),
  UNIQUE (environment_id, codename)
);
