-- ContractorPort: a contractor's access to one work order. The link in the
-- email is single-use (HMAC of the row id and link_nonce, like the other
-- portal links; never stored in clear); spending it opens a session in that
-- browser, kept as the SHA-256 of the cookie's random value. A new link (a
-- fresh request, a reminder, an instruction) is a new nonce on the same row.
CREATE TABLE contractor_links (
    id                  UUID PRIMARY KEY NOT NULL,
    org_id              UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    work_order_id       UUID NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
    contractor_id       UUID NOT NULL REFERENCES contractors(id),
    invited_to          TEXT NOT NULL CHECK (invited_to IN ('quote', 'instruct')),
    link_nonce          TEXT NOT NULL,
    link_status         TEXT NOT NULL DEFAULT 'present' CHECK (link_status IN ('present', 'spent', 'revoked')),
    link_expires_at     TIMESTAMPTZ NOT NULL,
    declined_at         TIMESTAMPTZ,
    decline_reason      TEXT,
    reminded_at         TIMESTAMPTZ,
    fresh_requested_at  TIMESTAMPTZ,
    created_by_name     TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (work_order_id, contractor_id)
);
CREATE INDEX contractor_links_org ON contractor_links (org_id, work_order_id);

CREATE TABLE contractor_sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    link_id      UUID NOT NULL REFERENCES contractor_links(id) ON DELETE CASCADE,
    expires_at   TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX contractor_sessions_link ON contractor_sessions (link_id);

-- Comments between the agency and one contractor on one work order: each
-- contractor sees only their own thread.
CREATE TABLE contractor_comments (
    id            UUID PRIMARY KEY NOT NULL,
    org_id        UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    link_id       UUID NOT NULL REFERENCES contractor_links(id) ON DELETE CASCADE,
    author_type   TEXT NOT NULL CHECK (author_type IN ('agent', 'contractor')),
    author_name   TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX contractor_comments_link ON contractor_comments (link_id, created_at);

-- The appointment the instructed contractor proposed.
ALTER TABLE work_orders ADD COLUMN appointment_on DATE;
ALTER TABLE work_orders ADD COLUMN appointment_window TEXT;

-- One open quote per contractor per work order: a second submission amends
-- it, and two racing submissions of one form make one quote.
CREATE UNIQUE INDEX quotes_one_open_per_contractor ON quotes (work_order_id, contractor_id)
    WHERE status IN ('submitted', 'awaiting_landlord');
