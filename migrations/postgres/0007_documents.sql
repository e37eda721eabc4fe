-- Documents on properties, stored through object_store under their id (never
-- under the uploader's file name).
CREATE TABLE documents (
    id             UUID PRIMARY KEY NOT NULL,
    org_id         UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id    UUID NOT NULL REFERENCES properties(id),
    tenancy_id     UUID REFERENCES tenancies(id) ON DELETE SET NULL,
    certificate_id UUID REFERENCES certificates(id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('agreement', 'inventory', 'certificate', 'photo', 'correspondence', 'other')),
    visibility     TEXT NOT NULL CHECK (visibility IN ('internal', 'tenant', 'landlord', 'all')),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    uploaded_by    UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_property ON documents (org_id, property_id, id);
