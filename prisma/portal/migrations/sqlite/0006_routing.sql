-- Open Lines routing: line settings, operators of lines, quick answers, presence, sessions with
-- their history and the log of routing decisions.
CREATE TABLE line_settings (
  line_id INTEGER PRIMARY KEY,
  data TEXT NOT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE line_operators (
  line_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (line_id, user_id)
);
CREATE INDEX line_operators_user_id_idx ON line_operators (user_id);

CREATE TABLE quick_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX quick_answers_line_id_idx ON quick_answers (line_id);

CREATE TABLE operator_presence (
  user_id INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  changed_at DATETIME NOT NULL,
  grace_until DATETIME,
  last_assigned_at DATETIME
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  line_id INTEGER NOT NULL,
  chat_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  operator_id INTEGER,
  accepted_at DATETIME,
  tried TEXT NOT NULL,
  bot_stage TEXT,
  queued_at DATETIME,
  pass_on_at DATETIME,
  no_answer_at DATETIME,
  auto_close_at DATETIME,
  no_answer_sent BOOLEAN NOT NULL,
  last_customer_at DATETIME NOT NULL,
  answered_at DATETIME,
  closed_at DATETIME,
  close_reason TEXT,
  rating_asked BOOLEAN NOT NULL,
  rating INTEGER,
  version INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
-- One open session per (line, chat): a second process opening the same session loses here.
CREATE UNIQUE INDEX sessions_open_uq ON sessions (line_id, chat_id) WHERE status <> 'closed';
CREATE INDEX sessions_line_id_status_queued_at_id_idx ON sessions (line_id, status, queued_at, id);
CREATE INDEX sessions_operator_id_status_idx ON sessions (operator_id, status);
CREATE INDEX sessions_chat_id_closed_at_idx ON sessions (chat_id, closed_at);
CREATE INDEX sessions_pass_on_at_idx ON sessions (pass_on_at);
CREATE INDEX sessions_no_answer_at_idx ON sessions (no_answer_at);
CREATE INDEX sessions_auto_close_at_idx ON sessions (auto_close_at);

CREATE TABLE session_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  operator_id INTEGER,
  actor_id INTEGER,
  note TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX session_history_session_id_id_idx ON session_history (session_id, id);

CREATE TABLE routing_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id INTEGER NOT NULL,
  line_id INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  operator_id INTEGER,
  reason TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX routing_decisions_session_id_id_idx ON routing_decisions (session_id, id);
