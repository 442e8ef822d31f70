-- Ownership: every runtime row records the API that owns it ('idm' | 'iga' | 'flow'; 'kontent' for Kontent's jobs)
-- and its tenant ('' when the API has none; FLOW: customer and child; Kontent: environment). An API's queries and
-- commands see only its own rows (runtime/owner.ts). Variables are reached through their instance and carry none.
--
-- Rows written before this migration are given their owner from what the APIs wrote then: IGA deployed with
-- category 'iga' and keys 'iga_*', FLOW with category 'flow' and keys 'flow/<customer>/<child>/<id>', IDM the rest.

ALTER TABLE wf_deployment ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_definition ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_instance ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_execution ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_task ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_hi_instance ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_hi_task ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE wf_hi_activity ADD COLUMN owner_api text, ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner_api text NOT NULL DEFAULT '', ADD COLUMN tenant text NOT NULL DEFAULT '';
ALTER TABLE dead_letter_jobs ADD COLUMN owner_api text NOT NULL DEFAULT '', ADD COLUMN tenant text NOT NULL DEFAULT '';

-- FLOW's tenant is the customer and child of its key: 'flow/<customer>/<child>/<definition id>' → '<customer>/<child>'.
UPDATE wf_deployment dep SET owner_api = CASE
    WHEN dep.category = 'iga' THEN 'iga'
    WHEN dep.category = 'flow' THEN 'flow'
    ELSE COALESCE((SELECT CASE WHEN d.key LIKE 'iga\_%' THEN 'iga' WHEN d.key LIKE 'flow/%' THEN 'flow' END
                   FROM wf_definition d WHERE d.deployment_id = dep.id LIMIT 1), 'idm') END;
UPDATE wf_definition d SET owner_api = dep.owner_api,
    tenant = CASE WHEN dep.owner_api = 'flow' AND d.key LIKE 'flow/%/%/%'
                  THEN split_part(d.key, '/', 2) || '/' || split_part(d.key, '/', 3) ELSE '' END
  FROM wf_deployment dep WHERE dep.id = d.deployment_id;
UPDATE wf_deployment dep SET tenant = d.tenant FROM wf_definition d WHERE d.deployment_id = dep.id;

UPDATE wf_instance i SET owner_api = d.owner_api, tenant = d.tenant FROM wf_definition d WHERE d.id = i.definition_id;
UPDATE wf_execution e SET owner_api = i.owner_api, tenant = i.tenant FROM wf_instance i WHERE i.id = e.instance_id;
UPDATE wf_task t SET owner_api = i.owner_api, tenant = i.tenant FROM wf_instance i WHERE i.id = t.instance_id;
-- History outlives definitions: fall back on the key's shape.
UPDATE wf_hi_instance h SET owner_api = COALESCE(
    (SELECT d.owner_api FROM wf_definition d WHERE d.id = h.definition_id),
    CASE WHEN h.definition_key LIKE 'iga\_%' THEN 'iga' WHEN h.definition_key LIKE 'flow/%' THEN 'flow' ELSE 'idm' END),
  tenant = COALESCE((SELECT d.tenant FROM wf_definition d WHERE d.id = h.definition_id),
    CASE WHEN h.definition_key LIKE 'flow/%/%/%'
         THEN split_part(h.definition_key, '/', 2) || '/' || split_part(h.definition_key, '/', 3) ELSE '' END);
UPDATE wf_hi_task t SET owner_api = h.owner_api, tenant = h.tenant FROM wf_hi_instance h WHERE h.id = t.instance_id;
UPDATE wf_hi_activity a SET owner_api = h.owner_api, tenant = h.tenant FROM wf_hi_instance h WHERE h.id = a.instance_id;
-- Rows whose instance left no history (history level none) belong to IDM, the only API that can turn history off.
UPDATE wf_execution SET owner_api = 'idm' WHERE owner_api IS NULL;
UPDATE wf_task SET owner_api = 'idm' WHERE owner_api IS NULL;
UPDATE wf_instance SET owner_api = 'idm' WHERE owner_api IS NULL;
UPDATE wf_hi_task SET owner_api = 'idm' WHERE owner_api IS NULL;
UPDATE wf_hi_activity SET owner_api = 'idm' WHERE owner_api IS NULL;

-- Jobs: the runtime's by their instance (payload instanceId / rootId, or the execution's instance); Kontent's by type.
UPDATE jobs j SET owner_api = i.owner_api, tenant = i.tenant FROM wf_instance i
  WHERE i.id = COALESCE(j.payload->>'instanceId', j.payload->>'rootId',
    (SELECT e.instance_id FROM wf_execution e WHERE e.id = j.payload->>'executionId'));
UPDATE dead_letter_jobs j SET owner_api = i.owner_api, tenant = i.tenant FROM wf_instance i
  WHERE i.id = COALESCE(j.payload->>'instanceId', j.payload->>'rootId',
    (SELECT e.instance_id FROM wf_execution e WHERE e.id = j.payload->>'executionId'));
UPDATE jobs SET owner_api = 'idm' WHERE owner_api = '' AND type LIKE 'wf.%';
UPDATE dead_letter_jobs SET owner_api = 'idm' WHERE owner_api = '' AND type LIKE 'wf.%';
UPDATE jobs SET owner_api = 'kontent' WHERE owner_api = '' AND type LIKE 'kontent.%';
UPDATE dead_letter_jobs SET owner_api = 'kontent' WHERE owner_api = '' AND type LIKE 'kontent.%';

ALTER TABLE wf_deployment ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_definition ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_instance ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_execution ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_task ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_hi_instance ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_hi_task ALTER COLUMN owner_api SET NOT NULL;
ALTER TABLE wf_hi_activity ALTER COLUMN owner_api SET NOT NULL;

-- Versions count per owner: IDM deploying key 'x' does not make a new version of another API's 'x'.
ALTER TABLE wf_definition DROP CONSTRAINT wf_definition_key_version_key;
ALTER TABLE wf_definition ADD CONSTRAINT wf_definition_owner_key_version_key UNIQUE (owner_api, tenant, key, version);
CREATE INDEX wf_deployment_owner_idx ON wf_deployment (owner_api, tenant);
CREATE INDEX wf_instance_owner_idx ON wf_instance (owner_api, tenant);
CREATE INDEX wf_task_owner_idx ON wf_task (owner_api, tenant);
CREATE INDEX wf_hi_instance_owner_idx ON wf_hi_instance (owner_api, tenant);
CREATE INDEX wf_hi_task_owner_idx ON wf_hi_task (owner_api, tenant);
CREATE INDEX jobs_owner_idx ON jobs (owner_api, tenant);
CREATE INDEX dead_letter_jobs_owner_idx ON dead_letter_jobs (owner_api, tenant);
