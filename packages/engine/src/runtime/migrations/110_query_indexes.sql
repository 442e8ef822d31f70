-- Indexes for the documented history and task filters and sort keys (issue #13). The CREST translation compares a
-- text column with a plain `=` (equality is the same under every deterministic collation, so these indexes serve it)
-- and timestamps as timestamps, with the column itself on the left and no COALESCE around it.
CREATE INDEX wf_hi_instance_bk_idx ON wf_hi_instance (business_key);
CREATE INDEX wf_hi_instance_start_user_idx ON wf_hi_instance (start_user_id);
CREATE INDEX wf_hi_instance_def_key_idx ON wf_hi_instance (definition_key);
CREATE INDEX wf_hi_instance_start_idx ON wf_hi_instance (start_time);
CREATE INDEX wf_hi_instance_end_idx ON wf_hi_instance (end_time);
CREATE INDEX wf_hi_instance_super_idx ON wf_hi_instance (super_instance_id) WHERE super_instance_id IS NOT NULL;
CREATE INDEX wf_hi_task_assignee_idx ON wf_hi_task (assignee);
CREATE INDEX wf_hi_task_create_idx ON wf_hi_task (create_time);
CREATE INDEX wf_hi_task_end_idx ON wf_hi_task (end_time);
CREATE INDEX wf_task_create_idx ON wf_task (create_time);
