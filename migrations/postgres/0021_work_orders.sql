-- Work orders: the agency's one maintenance record. Each has a number of its
-- agency's (WO-12), a priority that sets its target (emergency 24 hours, urgent
-- 72 hours, routine 14 days from when it was raised), a status that moves only
-- as src/domain/work_orders.rs allows, who reported it, and, once instructed,
-- its contractor. What happened to it is its audit trail.
CREATE TABLE work_orders (
    id                   UUID PRIMARY KEY NOT NULL,
    org_id               UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    number               BIGINT NOT NULL,
    property_id          UUID NOT NULL REFERENCES properties(id),
    title                TEXT NOT NULL,
    description          TEXT,
    priority             TEXT NOT NULL CHECK (priority IN ('emergency', 'urgent', 'routine')),
    status               TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'quotes_requested', 'quote_accepted',
                             'instructed', 'scheduled', 'completed', 'invoiced', 'closed', 'cancelled')),
    raised_at            TIMESTAMPTZ NOT NULL,
    target_at            TIMESTAMPTZ NOT NULL,
    access_instructions  TEXT,
    occupier_contact     TEXT,
    budget_pence         BIGINT CHECK (budget_pence IS NULL OR budget_pence >= 0),
    raised_by            TEXT NOT NULL CHECK (raised_by IN ('agent', 'landlord', 'tenant', 'site_manager')),
    reporter_name        TEXT,
    raised_by_name       TEXT NOT NULL,
    contractor_id        UUID REFERENCES contractors(id),
    cancel_reason        TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, number)
);
CREATE INDEX work_orders_open ON work_orders (org_id, status, target_at);
CREATE INDEX work_orders_property ON work_orders (org_id, property_id);
