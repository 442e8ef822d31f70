-- IDM's generic repository (`repo/<collection>/<id>`), reached by scripts through `openidm` (e.g. the UI
-- notifications PingIDM's sample workflows create at `repo/ui/notification`).
CREATE TABLE idm_repo_object (
  collection text NOT NULL,
  id text NOT NULL,
  rev bigint NOT NULL DEFAULT 1,
  body jsonb NOT NULL,
  create_time timestamptz NOT NULL,
  PRIMARY KEY (collection, id)
);
