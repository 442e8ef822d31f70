-- The compiled graph of a published IGA definition was written and never read: a request compiles the published
-- definition when it deploys it to the runtime (apis/iga/requests.ts), which keeps the graph (wf_definition).
ALTER TABLE iga_definitions DROP COLUMN graph;
