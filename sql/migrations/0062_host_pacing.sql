-- Per-host politeness across parallel fetch tasks: the next moment a request to a host may
-- start, reserved by whichever process fetches from it next.
CREATE TABLE IF NOT EXISTS host_pacing (
    host        text PRIMARY KEY,
    next_start  timestamptz NOT NULL
);
