-- Operators' replies: a client key makes a retried REST request create the message once; the
-- revision and send count give every edit and every resend an outbox key of its own.
ALTER TABLE messages ADD COLUMN client_key TEXT;
ALTER TABLE messages ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN send_count INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX messages_out_client_key_uq ON messages (chat_id, client_key) WHERE client_key IS NOT NULL;

-- Links under which the connector server fetches the files of operators' messages; revocable.
CREATE TABLE file_links (
  token TEXT PRIMARY KEY,
  file_id TEXT NOT NULL,
  message_id INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  revoked_at DATETIME
);
CREATE INDEX file_links_message_id_idx ON file_links (message_id);

-- Append-only log of operator-facing events, read by the SSE stream of every portal process.
-- Audience: a line (line_id), one operator (operator_id), or everybody (both null).
CREATE TABLE operator_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  line_id TEXT,
  operator_id INTEGER,
  dedupe_key TEXT,
  created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX operator_events_dedupe_key_uq ON operator_events (dedupe_key);
CREATE INDEX operator_events_created_at_idx ON operator_events (created_at);
