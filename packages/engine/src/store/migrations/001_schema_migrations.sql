-- The record of applied migrations (migrate.ts also creates it before reading it, so this is idempotent).
CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
