-- The "expiring soon" count reads soon_from from the index rather than each row.
-- (PostgreSQL's statistics are per column, so new indexes need no ANALYZE.)
DROP INDEX compliance_items_below;
CREATE INDEX compliance_items_below ON compliance_items (org_id, below_minimum, expires_on, address, property_id, kind_rank, soon_from);
