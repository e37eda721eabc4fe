-- Properties: the agency's portfolio, each owned by one landlord.
-- sort_key (lower-case address, byte order) and search_text (lower-case address and
-- postcode) are derived in Rust on every write, as for landlords.
CREATE TABLE properties (
    id            UUID PRIMARY KEY NOT NULL,
    org_id        UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    landlord_id   UUID NOT NULL REFERENCES landlords(id),
    branch_id     UUID REFERENCES branches(id) ON DELETE SET NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city          TEXT NOT NULL,
    county        TEXT,
    postcode      TEXT NOT NULL,
    property_type TEXT NOT NULL CHECK (property_type IN ('flat', 'house', 'maisonette', 'bungalow', 'studio', 'room', 'other')),
    bedrooms      INTEGER NOT NULL CHECK (bedrooms BETWEEN 0 AND 50),
    bathrooms     INTEGER NOT NULL CHECK (bathrooms BETWEEN 0 AND 50),
    epc_rating    TEXT CHECK (epc_rating IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    has_gas       BOOLEAN NOT NULL DEFAULT TRUE,
    status        TEXT NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'under_offer', 'let_agreed', 'let', 'withdrawn', 'archived')),
    sort_key      TEXT COLLATE "C" NOT NULL,
    search_text   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX properties_org_sort ON properties (org_id, sort_key, id);
CREATE INDEX properties_landlord ON properties (org_id, landlord_id);
