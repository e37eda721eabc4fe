-- The landlord portal (seed 000): one token per landlord per agency with its
-- branding snapshot, the properties it shows, the message thread; the landlord's
-- decision on an offer; and the email outbox every email goes through.
-- The link itself is never stored: it is derived from the row id and link_nonce
-- under the server secret (HMAC), so a database dump alone opens no portal.
CREATE TABLE landlord_portal_tokens (
    id                   BLOB PRIMARY KEY NOT NULL,
    org_id               BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    landlord_id          BLOB NOT NULL REFERENCES landlords(id),
    landlord_email       TEXT NOT NULL,
    landlord_name        TEXT NOT NULL,
    link_nonce           TEXT NOT NULL,
    brand_name           TEXT NOT NULL,
    brand_logo_url       TEXT,
    brand_primary_color  TEXT NOT NULL,
    brand_support_email  TEXT,
    brand_support_phone  TEXT,
    is_active            INTEGER NOT NULL DEFAULT 1,
    deactivated_at       TEXT,
    last_accessed_at     TEXT,
    last_view_logged_at  TEXT,
    last_notified_at     TEXT,
    created_by_user_id   BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (org_id, landlord_email)
);
CREATE UNIQUE INDEX landlord_portal_tokens_landlord ON landlord_portal_tokens (org_id, landlord_id);

CREATE TABLE landlord_portal_properties (
    token_id    BLOB NOT NULL REFERENCES landlord_portal_tokens(id) ON DELETE CASCADE,
    property_id BLOB NOT NULL REFERENCES properties(id),
    org_id      BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (token_id, property_id)
);
CREATE INDEX landlord_portal_properties_property ON landlord_portal_properties (org_id, property_id);

CREATE TABLE landlord_messages (
    id             BLOB PRIMARY KEY NOT NULL,
    org_id         BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    token_id       BLOB NOT NULL REFERENCES landlord_portal_tokens(id) ON DELETE CASCADE,
    sender_type    TEXT NOT NULL CHECK (sender_type IN ('landlord', 'agent')),
    sender_user_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    sender_name    TEXT NOT NULL,
    body           TEXT NOT NULL,
    is_read        INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
CREATE INDEX landlord_messages_thread ON landlord_messages (token_id, id);
CREATE INDEX landlord_messages_unread ON landlord_messages (org_id, sender_type, is_read);

ALTER TABLE offers ADD COLUMN landlord_decision TEXT CHECK (landlord_decision IN ('accept', 'decline'));
ALTER TABLE offers ADD COLUMN landlord_comment TEXT;
ALTER TABLE offers ADD COLUMN landlord_reviewed_at TEXT;

CREATE TABLE email_outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    org_id          BLOB REFERENCES organisations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    sender_name     TEXT,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    claim_id        BLOB,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_org ON email_outbox (org_id, created_at);
