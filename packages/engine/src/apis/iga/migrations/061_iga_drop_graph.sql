-- The compiled graph of a published IGA definition was written and never read: a request compiles the published
-- definition when it deploys it to the runtime (apis/iga/requests.ts), whose process definition keeps the graph.
ALTER TABLE iga_definitions DROP COLUMN graph;
