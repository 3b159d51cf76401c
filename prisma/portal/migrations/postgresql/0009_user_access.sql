-- Tokens carry token_version; bumping it (password change, disable, remove) ends every token and
-- stream issued before. status: active, disabled (can be enabled again) or removed (kept, since
-- messages and history name them, but can do nothing).
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

-- Sign-in attempts per account ("account:<email>") and per client address ("address:<ip>"), kept
-- here so a restart does not hand an attacker fresh attempts.
CREATE TABLE login_throttles (
  key TEXT PRIMARY KEY,
  attempts INTEGER NOT NULL,
  last_attempt_at TIMESTAMP(3) NOT NULL,
  blocked_until TIMESTAMP(3)
);
