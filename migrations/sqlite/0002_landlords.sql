-- Landlords (seed 001): every field of the Field Reference, scoped to an agency and optionally a branch.
-- sort_key (lower-case "last<TAB>first", byte order) and search_text (lower-case searchable fields)
-- are derived in Rust on every write, so sorting and search give the same results on both databases.
CREATE TABLE landlords (
    id                          BLOB PRIMARY KEY NOT NULL,
    org_id                      BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    branch_id                   BLOB REFERENCES branches(id) ON DELETE SET NULL,
    title                       TEXT,
    first_name                  TEXT NOT NULL,
    last_name                   TEXT NOT NULL,
    email                       TEXT NOT NULL,
    phone                       TEXT,
    alt_phone                   TEXT,
    landlord_type               TEXT NOT NULL DEFAULT 'individual' CHECK (landlord_type IN ('individual', 'company')),
    company_name                TEXT,
    company_registration_number TEXT,
    address_line1               TEXT,
    address_line2               TEXT,
    city                        TEXT,
    county                      TEXT,
    postcode                    TEXT,
    country                     TEXT NOT NULL DEFAULT 'GB',
    preferred_contact_method    TEXT NOT NULL DEFAULT 'email' CHECK (preferred_contact_method IN ('email', 'phone', 'post')),
    email_notifications_enabled INTEGER NOT NULL DEFAULT 1,
    sms_notifications_enabled   INTEGER NOT NULL DEFAULT 0,
    portal_access_enabled       INTEGER NOT NULL DEFAULT 0,
    portal_token_id             BLOB,
    bank_account_name           TEXT,
    bank_sort_code              TEXT,
    bank_account_number         TEXT,
    tax_reference               TEXT,
    is_overseas                 INTEGER NOT NULL DEFAULT 0,
    status                      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'archived')),
    notes                       TEXT,
    managed_by_user_id          BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_by_user_id          BLOB REFERENCES users(id) ON DELETE SET NULL,
    sort_key                    TEXT NOT NULL,
    search_text                 TEXT NOT NULL,
    anonymised_at               TEXT,
    created_at                  TEXT NOT NULL,
    updated_at                  TEXT NOT NULL
);
CREATE INDEX landlords_org_sort ON landlords (org_id, sort_key, id);
CREATE INDEX landlords_org_email ON landlords (org_id, email);
