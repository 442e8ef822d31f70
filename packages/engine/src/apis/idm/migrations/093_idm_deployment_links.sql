-- IDM's rows about deployments no longer hold foreign keys into the runtime's tables: the runtime owns its tables and
-- deletes IDM's rows itself, through the cleanup IDM registers (Runtime.registerDeploymentCleanup). Data folders made
-- before this still have the keys of 050; new ones never had them.
ALTER TABLE idm_model_deployment DROP CONSTRAINT IF EXISTS idm_model_deployment_deployment_id_fkey;
ALTER TABLE idm_deployment_resource DROP CONSTRAINT IF EXISTS idm_deployment_resource_deployment_id_fkey;
