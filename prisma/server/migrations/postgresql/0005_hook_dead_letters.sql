-- Genuine webhook deliveries a connector could not use (a malformed Telegram update): answered
-- 200 so that the channel stops resending them, and kept here with the reason instead of lost.
CREATE TABLE hook_dead_letters (
  id SERIAL PRIMARY KEY,
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  receipt_key TEXT,
  reason TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TIMESTAMP(3) NOT NULL
);
CREATE INDEX hook_dead_letters_line_ref_id_idx ON hook_dead_letters (line_ref, id);
CREATE INDEX hook_dead_letters_received_at_idx ON hook_dead_letters (received_at);
