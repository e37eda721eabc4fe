-- Tasks on properties (for a landlord or an agent) and offers from applicants.
CREATE TABLE tasks (
    id                 BLOB PRIMARY KEY NOT NULL,
    org_id             BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id        BLOB NOT NULL REFERENCES properties(id),
    title              TEXT NOT NULL,
    description        TEXT,
    assignee_kind      TEXT NOT NULL CHECK (assignee_kind IN ('landlord', 'agent')),
    assignee_user_id   BLOB REFERENCES users(id) ON DELETE SET NULL,
    due_on             DATE,
    status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
    completed_at       TEXT,
    completed_by_type  TEXT,
    completed_by_name  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX tasks_property ON tasks (org_id, property_id, status);
CREATE INDEX tasks_due ON tasks (org_id, status, due_on);

CREATE TABLE offers (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id      BLOB NOT NULL REFERENCES properties(id),
    applicant_name   TEXT NOT NULL,
    applicant_email  TEXT NOT NULL,
    applicant_phone  TEXT,
    rent_pence       BIGINT NOT NULL CHECK (rent_pence > 0),
    move_in_on       DATE,
    term_months      INTEGER,
    notes            TEXT,
    status           TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'in_progress', 'with_agent', 'sent_to_landlord', 'landlord_reviewed', 'accepted', 'rejected', 'cancelled')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX offers_property ON offers (org_id, property_id, status);
CREATE INDEX offers_status ON offers (org_id, status);
