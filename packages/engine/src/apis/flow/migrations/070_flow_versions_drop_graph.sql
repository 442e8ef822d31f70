-- The graph an execution runs is compiled from the version's body when it is first executed (dialects/flow/compile.ts)
-- and stored with the runtime's process definition; the copy kept with each version was never read.
ALTER TABLE flow_definition_versions DROP COLUMN graph;
