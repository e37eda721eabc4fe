-- Documents on properties, stored through object_store under their id (never
-- under the uploader's file name).
CREATE TABLE documents (
    id             BLOB PRIMARY KEY NOT NULL,
    org_id         BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id    BLOB NOT NULL REFERENCES properties(id),
    tenancy_id     BLOB REFERENCES tenancies(id) ON DELETE SET NULL,
    certificate_id BLOB REFERENCES certificates(id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('agreement', 'inventory', 'certificate', 'photo', 'correspondence', 'other')),
    visibility     TEXT NOT NULL CHECK (visibility IN ('internal', 'tenant', 'landlord', 'all')),
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    uploaded_by    BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX documents_property ON documents (org_id, property_id, id);
