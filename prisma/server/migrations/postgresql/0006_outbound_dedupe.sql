-- The portal's outbox retries a call whose answer it lost: each stored item leaves a receipt,
-- by the portal's message id, so the same item again is answered as before and stored once.
CREATE TABLE outbound_receipts (
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  stored_at TIMESTAMP(3) NOT NULL,
  PRIMARY KEY (line_ref, method, chat_id, message_id)
);
CREATE INDEX outbound_receipts_stored_at_idx ON outbound_receipts (stored_at);

-- A live chat event appended for an outbound item names it, so a repeat of that item (the worker
-- died before recording it) appends nothing.
ALTER TABLE livechat_events ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX livechat_events_visitor_id_source_key_key ON livechat_events (visitor_id, source_key);
