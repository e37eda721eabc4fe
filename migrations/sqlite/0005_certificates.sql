-- Compliance certificates of properties (Gas Safety, EICR, EPC and others).
CREATE TABLE certificates (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id BLOB NOT NULL REFERENCES properties(id),
    kind        TEXT NOT NULL CHECK (kind IN ('gas_safety', 'eicr', 'epc', 'smoke_co_alarms', 'legionella', 'hmo_licence', 'fire_risk')),
    issued_on   DATE NOT NULL,
    expires_on  DATE NOT NULL,
    reference   TEXT,
    epc_rating  TEXT CHECK (epc_rating IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX certificates_property ON certificates (org_id, property_id, kind, expires_on);
CREATE INDEX certificates_expiry ON certificates (org_id, expires_on);
