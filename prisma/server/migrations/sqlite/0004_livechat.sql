CREATE TABLE livechat_visitors (
  id TEXT PRIMARY KEY,
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  name TEXT,
  url TEXT,
  created_at DATETIME NOT NULL
);
CREATE INDEX livechat_visitors_line_ref_idx ON livechat_visitors (line_ref);

CREATE TABLE livechat_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  visitor_id TEXT NOT NULL REFERENCES livechat_visitors (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  message_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
-- A visitor's stream reads its events after the last one it saw.
CREATE INDEX livechat_events_visitor_id_id_idx ON livechat_events (visitor_id, id);
