-- Block solutions the pool reports with their outcome: refused by the node, not answered, or never submitted
-- (stale tip, or another solution on the same tip submitted instead). Their payouts, if any, are void.
ALTER TABLE blocks DROP CONSTRAINT IF EXISTS blocks_status_check;
ALTER TABLE blocks ADD CONSTRAINT blocks_status_check
    CHECK (status IN ('new', 'confirmed', 'orphan', 'rejected', 'lost', 'stale', 'duplicate-height'));
