-- Access requests run on the shared runtime (apis/iga/requests.ts): the request document (what was asked, who asked,
-- the decision with its phases and comments), the runtime instance it runs, and the deployed definition it started from.
ALTER TABLE iga_requests ADD COLUMN body jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE iga_requests ADD COLUMN instance_id text;
ALTER TABLE iga_requests ADD COLUMN updated_at timestamptz;
CREATE INDEX iga_requests_instance_idx ON iga_requests (instance_id);
