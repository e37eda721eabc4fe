-- Contractors the agency sends work to: their trades (stored as ",gas,electrical,"
-- so one trade is found with LIKE '%,gas,%'), the registrations their trades
-- need, and their public liability insurance expiry (a lapsed one is shown as a
-- warning wherever the contractor is chosen).
CREATE TABLE contractors (
    id                       BLOB PRIMARY KEY NOT NULL,
    org_id                   BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    company_name             TEXT NOT NULL,
    contact_name             TEXT,
    email                    TEXT NOT NULL,
    phone                    TEXT,
    trades                   TEXT NOT NULL,
    gas_safe_number          TEXT,
    electrical_registration  TEXT,
    insurance_expires_on     DATE,
    notes                    TEXT,
    status                   TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    sort_key                 TEXT NOT NULL,
    search_text              TEXT NOT NULL,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);
CREATE INDEX contractors_org_sort ON contractors (org_id, status, sort_key, id);
