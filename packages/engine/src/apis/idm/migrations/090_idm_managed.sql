-- IDM managed objects (/openidm/managed/{type}): one row per object with its plain properties, relationship edges
-- (roles, manager/reports, ...) as rows of their own so both ends read them, and unique property values
-- (userName) as a keyed table so uniqueness holds under concurrent creates on every store.
CREATE TABLE idm_managed_object (
  type text NOT NULL,
  id text NOT NULL,
  rev bigint NOT NULL DEFAULT 1,
  body jsonb NOT NULL,
  create_time timestamptz NOT NULL,
  last_update_time timestamptz NOT NULL,
  PRIMARY KEY (type, id)
);

CREATE TABLE idm_managed_unique (
  type text NOT NULL,
  property text NOT NULL,
  value text NOT NULL,
  id text NOT NULL,
  PRIMARY KEY (type, property, value)
);
CREATE INDEX idm_managed_unique_owner_idx ON idm_managed_unique (type, id);

-- An edge written from `first` (its property `first_property`); `second_property` is the reverse property of the
-- other end (null when the relationship has no reverse, e.g. authzRoles to internal roles).
CREATE TABLE idm_managed_relationship (
  id text PRIMARY KEY,
  rev bigint NOT NULL DEFAULT 1,
  first_type text NOT NULL,
  first_id text NOT NULL,
  first_property text NOT NULL,
  second_type text NOT NULL,
  second_id text NOT NULL,
  second_property text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  position integer NOT NULL DEFAULT 0
);
CREATE INDEX idm_managed_relationship_first_idx ON idm_managed_relationship (first_type, first_id, first_property);
CREATE INDEX idm_managed_relationship_second_idx ON idm_managed_relationship (second_type, second_id, second_property);
