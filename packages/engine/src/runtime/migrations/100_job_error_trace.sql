-- The trace of a job's last failure (the error, the script line and the BPMN element), for IDM's `stacktrace`.
ALTER TABLE jobs ADD COLUMN last_error_trace text;
ALTER TABLE dead_letter_jobs ADD COLUMN last_error_trace text;
