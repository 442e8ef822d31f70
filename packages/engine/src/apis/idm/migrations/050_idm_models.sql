-- IDM workflow models (/openidm/workflow/model) and what IDM adds to the runtime's deployments: which model a
-- deployment came from, and its extra resources (resourceMap: forms for formGenerationTemplate). The runtime deletes
-- these rows with their deployment (Runtime.registerDeploymentCleanup); no foreign key reaches into its tables.
CREATE TABLE idm_model (
  id text PRIMARY KEY,
  rev integer NOT NULL DEFAULT 1,
  name text NOT NULL,
  description text,
  category text,
  key text,
  bpmn_xml text NOT NULL,
  resource_map jsonb NOT NULL DEFAULT '{}'::jsonb,
  version integer NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL,
  last_update_time timestamptz NOT NULL
);

CREATE TABLE idm_model_deployment (
  deployment_id text PRIMARY KEY,
  model_id text NOT NULL REFERENCES idm_model (id) ON DELETE CASCADE,
  content_hash text NOT NULL,
  deployment_time timestamptz NOT NULL
);
CREATE INDEX idm_model_deployment_model_idx ON idm_model_deployment (model_id, deployment_time);

CREATE TABLE idm_deployment_resource (
  deployment_id text NOT NULL,
  name text NOT NULL,
  content text NOT NULL,
  PRIMARY KEY (deployment_id, name)
);
