-- IDM workflow models (/openidm/workflow/model) and what IDM adds to the runtime's deployments (migration 040):
-- which model a deployment came from, and its extra resources (resourceMap: forms for formGenerationTemplate).
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
  deployment_id text PRIMARY KEY REFERENCES wf_deployment (id) ON DELETE CASCADE,
  model_id text NOT NULL REFERENCES idm_model (id) ON DELETE CASCADE,
  content_hash text NOT NULL,
  deployment_time timestamptz NOT NULL
);
CREATE INDEX idm_model_deployment_model_idx ON idm_model_deployment (model_id, deployment_time);

CREATE TABLE idm_deployment_resource (
  deployment_id text NOT NULL REFERENCES wf_deployment (id) ON DELETE CASCADE,
  name text NOT NULL,
  content text NOT NULL,
  PRIMARY KEY (deployment_id, name)
);
