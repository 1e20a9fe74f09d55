-- Issue 17, audit trail: a user can be removed (a new row version with removed = true: the
-- account stops existing for every read, its history stays), and every audit entry gets an id so
-- the audit page pages through entries of the same millisecond in a stable order.
ALTER TABLE users ADD COLUMN IF NOT EXISTS removed Bool DEFAULT false;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS id String DEFAULT '';
