-- The job executor takes due jobs in (due_at, id) order, a batch at a time (LIMIT ... FOR UPDATE SKIP LOCKED): an
-- index in that order lets it read the first rows of a backlog and stop, where one on due_at alone read every due job
-- and sorted them, each batch (a 2,000-timer backlog cost that much per batch).
CREATE INDEX jobs_due_order_idx ON jobs (due_at, id);
DROP INDEX jobs_due_idx;
