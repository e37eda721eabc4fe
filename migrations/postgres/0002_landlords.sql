-- Landlords (seed 001): every field of the Field Reference, scoped to an agency and optionally a branch.
-- sort_key (lower-case "last<TAB>first", byte order) and search_text (lower-case searchable fields)
-- are derived in Rust on every write, so sorting and search give the same results on both databases.
CREATE TABLE landlords (
    id                          UUID PRIMARY KEY NOT NULL,
    org_id                      UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    branch_id                   UUID REFERENCES branches(id) ON DELETE SET NULL,
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
    email_notifications_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    sms_notifications_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    portal_access_enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    portal_token_id             UUID,
    bank_account_name           TEXT,
    bank_sort_code              TEXT,
    bank_account_number         TEXT,
    tax_reference               TEXT,
    is_overseas                 BOOLEAN NOT NULL DEFAULT FALSE,
    status                      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'archived')),
    notes                       TEXT,
    managed_by_user_id          UUID REFERENCES users(id) ON DELETE SET NULL,
    created_by_user_id          UUID REFERENCES users(id) ON DELETE SET NULL,
    sort_key                    TEXT COLLATE "C" NOT NULL,
    search_text                 TEXT NOT NULL,
    anonymised_at               TIMESTAMPTZ,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE INDEX landlords_org_sort ON landlords (org_id, sort_key, id);
CREATE INDEX landlords_org_email ON landlords (org_id, email);
