-- Runs that die (kill -9, a lost connection) are closed by the next start: a run records its
-- owner (host and process, for runs that live in one process) and a heartbeat; a running run
-- whose owner process is gone, or whose heartbeat is older than the lease, becomes 'aborted'
-- with the reason in counts->'aborted'.

ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS heartbeat_at timestamptz;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS owner_host text;
ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS owner_pid integer;

ALTER TABLE pipeline_runs DROP CONSTRAINT IF EXISTS pipeline_runs_status_check;
ALTER TABLE pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
    CHECK (status IN ('running', 'success', 'failed', 'aborted'));

CREATE INDEX IF NOT EXISTS pipeline_runs_running ON pipeline_runs (run_id) WHERE status = 'running';
