-- Quotations for work orders, recorded by an agent (ContractorPort next) with
-- their lines; totals are stored as computed by src/domain/quotes.rs. A quote
-- above the landlord's repair approval limit waits for the landlord
-- (awaiting_landlord) before it is accepted.
CREATE TABLE quotes (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    work_order_id    BLOB NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    contractor_id    BLOB NOT NULL REFERENCES contractors(id),
    status           TEXT NOT NULL DEFAULT 'submitted'
                         CHECK (status IN ('submitted', 'awaiting_landlord', 'accepted', 'declined')),
    vat_rate         TEXT NOT NULL CHECK (vat_rate IN ('standard', 'reduced', 'none')),
    net_pence        BIGINT NOT NULL CHECK (net_pence > 0),
    vat_pence        BIGINT NOT NULL CHECK (vat_pence >= 0),
    total_pence      BIGINT NOT NULL CHECK (total_pence > 0),
    lead_time_days   INTEGER,
    duration         TEXT,
    valid_until      DATE,
    notes            TEXT,
    recorded_by_name TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX quotes_work_order ON quotes (org_id, work_order_id);

CREATE TABLE quote_lines (
    quote_id      BLOB NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('labour', 'materials', 'other')),
    description   TEXT NOT NULL,
    amount_pence  BIGINT NOT NULL CHECK (amount_pence > 0),
    PRIMARY KEY (quote_id, position)
);
