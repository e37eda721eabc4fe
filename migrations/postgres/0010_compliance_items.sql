-- The agency-wide compliance list, derived in Rust (src/store/compliance.rs) from
-- each property and its certificates with the rules of src/domain/compliance.rs,
-- and rewritten in the same transaction as every property or certificate write.
-- One row per property and certificate kind that is either required and missing
-- (certificate_id NULL) or has a current certificate (the latest expiry of its
-- kind). Which rows need attention depends on today, so pages compare today with
-- expires_on and soon_from (the first day of the kind's warning window) instead
-- of loading every certificate. Archived properties have no rows.
CREATE TABLE compliance_items (
    property_id    UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    org_id         UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    kind_rank      INTEGER NOT NULL,
    branch_id      UUID REFERENCES branches(id) ON DELETE SET NULL,
    address        TEXT COLLATE "C" NOT NULL,
    certificate_id UUID,
    expires_on     DATE,
    below_minimum  BOOLEAN NOT NULL,
    soon_from      DATE,
    PRIMARY KEY (property_id, kind)
);
-- Missing (expires_on NULL) and expired rows in page order, and the bounded range
-- of rows that may be expiring soon.
CREATE INDEX compliance_items_expiry ON compliance_items (org_id, expires_on, address, property_id, kind_rank);
-- Below-minimum EPCs in page order.
CREATE INDEX compliance_items_below ON compliance_items (org_id, below_minimum, expires_on, address, property_id, kind_rank);

-- Which rules a derived table was built under (see domain::compliance::rules_fingerprint).
CREATE TABLE derived_state (
    name        TEXT PRIMARY KEY NOT NULL,
    fingerprint TEXT NOT NULL
);
