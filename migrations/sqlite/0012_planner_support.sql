-- The "expiring soon" count reads soon_from from the index rather than each row.
DROP INDEX compliance_items_below;
CREATE INDEX compliance_items_below ON compliance_items (org_id, below_minimum, expires_on, address, property_id, kind_rank, soon_from);
-- SQLite plans with the statistics of sqlite_stat1, which knows nothing of the
-- indexes 0011 added; without them it chose properties_org_status for the
-- property list (a sort of every property, 100 ms at agency scale) until the
-- next full ANALYZE. PRAGMA optimize does not notice a new index on a table it
-- analysed before, so analyse the tables that gained one here.
ANALYZE landlords;
ANALYZE properties;
ANALYZE tenancies;
ANALYZE landlord_portal_tokens;
ANALYZE landlord_messages;
