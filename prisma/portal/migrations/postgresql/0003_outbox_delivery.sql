-- Outbox delivery: a caller's dedupe key, the server's refusal (code and HTTP status), and a claim
-- lease so that several portal processes on one database never send the same call at once.
ALTER TABLE outbox_calls ADD COLUMN dedupe_key TEXT;
ALTER TABLE outbox_calls ADD COLUMN error_code TEXT;
ALTER TABLE outbox_calls ADD COLUMN http_status INTEGER;
ALTER TABLE outbox_calls ADD COLUMN claim_token TEXT;
ALTER TABLE outbox_calls ADD COLUMN claimed_until TIMESTAMP(3);
CREATE UNIQUE INDEX outbox_calls_dedupe_key_key ON outbox_calls (dedupe_key);
-- Finds the head (oldest unfinished call) of every (connector, line) lane.
CREATE INDEX outbox_calls_lane_idx ON outbox_calls (state, connector, line_id, id);
