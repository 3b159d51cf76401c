-- The worker owner (worker_owners.id) of the line's queue claim while it pushes a batch to the
-- portal; null when no process holds the line (also while it waits for setStatusDelivered).
ALTER TABLE lines ADD COLUMN lease_owner TEXT;
