-- The IGA outbox: what workflows' email steps (and scripts' openidm.action('external/email', 'send', …)) would send.
-- Nothing is sent over the network; the records are read through GET /iga/governance/outbox (apis/iga/outbox.ts).
-- Written in the command's transaction, so a rolled-back step leaves no record.
CREATE TABLE iga_outbox (
  id text PRIMARY KEY,
  request_id text,
  instance_id text,
  step text,
  template_name text,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX iga_outbox_request_idx ON iga_outbox (request_id, created_at);
