-- Files contractors send through ContractorPort (quotes, invoices and certificates,
-- PDFs checked by content), kept in the file store under their own id.
CREATE TABLE work_order_files (
    id                BLOB PRIMARY KEY NOT NULL,
    org_id            BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    work_order_id     BLOB NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('invoice', 'certificate', 'quote')),
    file_name         TEXT NOT NULL,
    size_bytes        BIGINT NOT NULL,
    uploaded_by_name  TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX work_order_files_order ON work_order_files (org_id, work_order_id);

-- The contractor's completion report and invoice.
ALTER TABLE work_orders ADD COLUMN completed_on DATE;
ALTER TABLE work_orders ADD COLUMN time_on_site TEXT;
ALTER TABLE work_orders ADD COLUMN completion_notes TEXT;
ALTER TABLE work_orders ADD COLUMN invoice_status TEXT CHECK (invoice_status IN ('received', 'not_required'));
ALTER TABLE work_orders ADD COLUMN invoice_number TEXT;
ALTER TABLE work_orders ADD COLUMN invoice_pence BIGINT CHECK (invoice_pence IS NULL OR invoice_pence > 0);
ALTER TABLE work_orders ADD COLUMN invoice_file_id BLOB REFERENCES work_order_files(id);

-- Certificates a contractor produced on a job: they wait for an agent's
-- check, and an accepted one becomes the property's certificate.
CREATE TABLE contractor_certificates (
    id               BLOB PRIMARY KEY NOT NULL,
    org_id           BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    work_order_id    BLOB NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    contractor_id    BLOB NOT NULL REFERENCES contractors(id),
    kind             TEXT NOT NULL,
    issued_on        DATE NOT NULL,
    expires_on       DATE NOT NULL,
    reference        TEXT,
    epc_rating       TEXT,
    file_id          BLOB NOT NULL REFERENCES work_order_files(id),
    status           TEXT NOT NULL DEFAULT 'awaiting_check' CHECK (status IN ('awaiting_check', 'accepted')),
    certificate_id   BLOB REFERENCES certificates(id),
    created_at       TEXT NOT NULL,
    decided_at       TEXT,
    decided_by_name  TEXT
);
CREATE INDEX contractor_certificates_order ON contractor_certificates (org_id, work_order_id);

-- When the agency last asked the contractor (a quote request or an
-- instruction), for the reminders.
ALTER TABLE contractor_links ADD COLUMN asked_at TEXT;

-- The PDF a contractor attached to their quotation, if any.
ALTER TABLE quotes ADD COLUMN file_id BLOB REFERENCES work_order_files(id);
