CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at DATETIME NOT NULL
);

CREATE TABLE lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created_at DATETIME NOT NULL
);

CREATE TABLE connector_statuses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connector TEXT NOT NULL,
  line_id INTEGER NOT NULL,
  active BOOLEAN NOT NULL,
  connection BOOLEAN NOT NULL,
  registered BOOLEAN NOT NULL,
  error BOOLEAN NOT NULL,
  data TEXT NOT NULL,
  error_at DATETIME,
  error_reason TEXT,
  updated_at DATETIME NOT NULL,
  UNIQUE (connector, line_id)
);

CREATE TABLE admin_alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  connector TEXT,
  line_id INTEGER,
  message TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  read_at DATETIME
);

CREATE TABLE seen_jtis (
  iss TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at DATETIME NOT NULL,
  PRIMARY KEY (iss, jti)
);
CREATE INDEX seen_jtis_expires_at_idx ON seen_jtis (expires_at);

CREATE TABLE inbox_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connector TEXT NOT NULL,
  line_id TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  type_message TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at DATETIME NOT NULL,
  last_error TEXT,
  created_at DATETIME NOT NULL,
  processed_at DATETIME,
  UNIQUE (connector, line_id, chat_id, message_id, type_message)
);
CREATE INDEX inbox_messages_state_next_idx ON inbox_messages (state, next_attempt_at);

CREATE TABLE external_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  connector TEXT NOT NULL,
  external_id TEXT NOT NULL,
  name TEXT NOT NULL,
  last_name TEXT,
  url TEXT,
  gender TEXT,
  email TEXT,
  phone TEXT,
  avatar_file_id TEXT,
  data_hash TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE stored_files (
  id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  source_url TEXT,
  created_at DATETIME NOT NULL
);
CREATE INDEX stored_files_sha256_idx ON stored_files (sha256);

CREATE TABLE chats (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connector TEXT NOT NULL,
  line_id TEXT NOT NULL,
  external_chat_id TEXT NOT NULL,
  customer_id INTEGER,
  name TEXT,
  description TEXT,
  blocked BOOLEAN NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE (connector, line_id, external_chat_id)
);
CREATE INDEX chats_line_id_idx ON chats (line_id);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id INTEGER NOT NULL,
  direction TEXT NOT NULL,
  external_id TEXT,
  author_id INTEGER,
  text TEXT NOT NULL,
  files TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  deleted_at DATETIME
);
CREATE INDEX messages_chat_id_id_idx ON messages (chat_id, id);
CREATE INDEX messages_chat_id_external_id_idx ON messages (chat_id, external_id);

CREATE TABLE botframework_senders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connector TEXT NOT NULL,
  line_id TEXT NOT NULL,
  external_chat_id TEXT NOT NULL,
  data TEXT NOT NULL,
  data_hash TEXT NOT NULL,
  updated_at DATETIME NOT NULL,
  UNIQUE (connector, line_id, external_chat_id)
);

CREATE TABLE outbox_calls (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  connector TEXT NOT NULL,
  line_id TEXT,
  method TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at DATETIME NOT NULL,
  last_error TEXT,
  created_at DATETIME NOT NULL,
  sent_at DATETIME
);
CREATE INDEX outbox_calls_state_next_idx ON outbox_calls (state, next_attempt_at);
