-- The landlord portal (seed 000): one token per landlord per agency with its
-- branding snapshot, the properties it shows, the message thread; the landlord's
-- decision on an offer; and the email outbox every email goes through.
-- The link itself is never stored: it is derived from the row id and link_nonce
-- under the server secret (HMAC), so a database dump alone opens no portal.
CREATE TABLE landlord_portal_tokens (
    id                   UUID PRIMARY KEY NOT NULL,
    org_id               UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    landlord_id          UUID NOT NULL REFERENCES landlords(id),
    landlord_email       TEXT NOT NULL,
    landlord_name        TEXT NOT NULL,
    link_nonce           TEXT NOT NULL,
    brand_name           TEXT NOT NULL,
    brand_logo_url       TEXT,
    brand_primary_color  TEXT NOT NULL,
    brand_support_email  TEXT,
    brand_support_phone  TEXT,
    is_active            BOOLEAN NOT NULL DEFAULT TRUE,
    deactivated_at       TIMESTAMPTZ,
    last_accessed_at     TIMESTAMPTZ,
    last_view_logged_at  TIMESTAMPTZ,
    last_notified_at     TIMESTAMPTZ,
    created_by_user_id   UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, landlord_email)
);
CREATE UNIQUE INDEX landlord_portal_tokens_landlord ON landlord_portal_tokens (org_id, landlord_id);

CREATE TABLE landlord_portal_properties (
    token_id    UUID NOT NULL REFERENCES landlord_portal_tokens(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id),
    org_id      UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (token_id, property_id)
);
CREATE INDEX landlord_portal_properties_property ON landlord_portal_properties (org_id, property_id);

CREATE TABLE landlord_messages (
    id             UUID PRIMARY KEY NOT NULL,
    org_id         UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    token_id       UUID NOT NULL REFERENCES landlord_portal_tokens(id) ON DELETE CASCADE,
    sender_type    TEXT NOT NULL CHECK (sender_type IN ('landlord', 'agent')),
    sender_user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    sender_name    TEXT NOT NULL,
    body           TEXT NOT NULL,
    is_read        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX landlord_messages_thread ON landlord_messages (token_id, id);
CREATE INDEX landlord_messages_unread ON landlord_messages (org_id, sender_type, is_read);

ALTER TABLE offers ADD COLUMN landlord_decision TEXT CHECK (landlord_decision IN ('accept', 'decline'));
ALTER TABLE offers ADD COLUMN landlord_comment TEXT;
ALTER TABLE offers ADD COLUMN landlord_reviewed_at TIMESTAMPTZ;

CREATE TABLE email_outbox (
    id              UUID PRIMARY KEY NOT NULL,
    org_id          UUID REFERENCES organisations(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    to_address      TEXT NOT NULL,
    sender_name     TEXT,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    claim_id        UUID,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX email_outbox_org ON email_outbox (org_id, created_at);
