-- The external account a line is connected to (`telegrambot:<bot id>`); one line holds an account.
ALTER TABLE lines ADD COLUMN account TEXT;
CREATE INDEX lines_account_idx ON lines (account);

-- Webhook deliveries already queued, by the channel's own id (Telegram update_id), so a
-- channel's redelivery is answered without queueing it twice.
CREATE TABLE hook_receipts (
  line_ref INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
  receipt_key TEXT NOT NULL,
  received_at DATETIME NOT NULL,
  PRIMARY KEY (line_ref, receipt_key)
);
CREATE INDEX hook_receipts_received_at_idx ON hook_receipts (received_at);
