-- Who holds a claim: every process that runs workers registers as an owner and keeps its row
-- alive with a heartbeat. A claim whose owner is gone (superseded by a new process of the same
-- instance, or silent past the liveness window) is taken back at once, not when its lease ends.
CREATE TABLE worker_owners (
  id TEXT PRIMARY KEY,
  instance TEXT NOT NULL,
  started_at DATETIME NOT NULL,
  heartbeat_at DATETIME NOT NULL
);
CREATE INDEX worker_owners_instance_idx ON worker_owners (instance);

-- The owner of a processing row's claim; null on rows claimed before owners existed.
ALTER TABLE inbox_messages ADD COLUMN owner TEXT;
