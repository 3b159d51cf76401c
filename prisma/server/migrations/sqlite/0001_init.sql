CREATE TABLE portals (
  id TEXT PRIMARY KEY,
  base_url TEXT NOT NULL,
  keys TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  portal_id TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
  connector TEXT NOT NULL,
  line_id TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  phase TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  blocked_until DATETIME,
  next_attempt_at DATETIME,
  lease_token TEXT,
  sent_last_id INTEGER,
  out_next_at DATETIME,
  out_lease_token TEXT,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE (portal_id, connector, line_id)
);
-- The workers find the next due line through these, never by scanning lines.
CREATE INDEX lines_next_attempt_at_idx ON lines (next_attempt_at);
CREATE INDEX lines_out_next_at_idx ON lines (out_next_at);

CREATE TABLE connection_params (
  line_ref INTEGER PRIMARY KEY REFERENCES lines (id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE queue_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  command TEXT NOT NULL,
  chat_id TEXT,
  message_id TEXT,
  payload TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX queue_items_line_ref_id_idx ON queue_items (line_ref, id);

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  portal_id TEXT NOT NULL,
  connector TEXT NOT NULL,
  line_id TEXT NOT NULL,
  command TEXT NOT NULL,
  chat_id TEXT,
  message_id TEXT,
  payload TEXT NOT NULL,
  reason TEXT NOT NULL,
  queued_at DATETIME NOT NULL,
  failed_at DATETIME NOT NULL
);
CREATE INDEX dead_letters_failed_at_idx ON dead_letters (failed_at);
CREATE INDEX dead_letters_line_idx ON dead_letters (portal_id, connector, line_id, id);

CREATE TABLE outbound_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  items TEXT NOT NULL,
  done_items INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at DATETIME NOT NULL
);
CREATE INDEX outbound_calls_line_ref_id_idx ON outbound_calls (line_ref, id);

CREATE TABLE seen_jtis (
  iss TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at DATETIME NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX seen_jtis_expires_at_idx ON seen_jtis (expires_at);
