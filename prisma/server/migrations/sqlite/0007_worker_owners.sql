-- Who holds a claim: every server process that runs workers registers as an owner and keeps its
-- row alive with a heartbeat. A line whose outbound claim names an owner that is gone (superseded
-- by a new process of its instance, or silent past the liveness window) is taken back at once,
-- not when its lease ends.
CREATE TABLE worker_owners (
  id TEXT PRIMARY KEY,
  instance TEXT NOT NULL,
  started_at DATETIME NOT NULL,
  heartbeat_at DATETIME NOT NULL
);
CREATE INDEX worker_owners_instance_idx ON worker_owners (instance);

-- The owner of the line's outbound claim; null on claims made before owners existed.
ALTER TABLE lines ADD COLUMN out_owner TEXT;
