-- Tenant portal invites and deposit release proposals (seeds 002, 003), and a
-- small job queue for work that must happen exactly once after a change commits
-- (the seed's deposit-release-proposed-notify function).
-- An invite link, like a landlord portal link, is derived from the row id and
-- link_nonce under the server secret; the database alone opens nothing.
CREATE TABLE tenant_portal_invites (
    id                BLOB PRIMARY KEY NOT NULL,
    org_id            BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    tenancy_id        BLOB NOT NULL REFERENCES tenancies(id) ON DELETE CASCADE,
    tenant_id         BLOB NOT NULL REFERENCES tenants(id),
    link_nonce        TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'accepted', 'revoked', 'expired')),
    expires_at        TEXT NOT NULL,
    accepted_at       TEXT,
    revoked_at        TEXT,
    expired_at        TEXT,
    created_by_type   TEXT NOT NULL,
    created_by_name   TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX tenant_portal_invites_tenant ON tenant_portal_invites (org_id, tenant_id, status);
CREATE INDEX tenant_portal_invites_due ON tenant_portal_invites (status, expires_at);

CREATE TABLE deposit_release_proposals (
    id                  BLOB PRIMARY KEY NOT NULL,
    org_id              BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    tenancy_id          BLOB NOT NULL REFERENCES tenancies(id) ON DELETE CASCADE,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'withdrawn', 'accepted', 'disputed')),
    deposit_pence       BIGINT NOT NULL CHECK (deposit_pence >= 0),
    to_tenant_pence     BIGINT NOT NULL CHECK (to_tenant_pence >= 0),
    to_landlord_pence   BIGINT NOT NULL CHECK (to_landlord_pence >= 0),
    note                TEXT,
    proposed_by_type    TEXT NOT NULL CHECK (proposed_by_type IN ('agent', 'landlord')),
    proposed_by_id      BLOB,
    proposed_by_name    TEXT NOT NULL,
    invite_id           BLOB REFERENCES tenant_portal_invites(id) ON DELETE SET NULL,
    notified_at         TEXT,
    responded_at        TEXT,
    response_note       TEXT,
    withdrawn_at        TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX deposit_release_proposals_one_open ON deposit_release_proposals (tenancy_id) WHERE status = 'open';
CREATE INDEX deposit_release_proposals_tenancy ON deposit_release_proposals (org_id, tenancy_id, created_at);

CREATE TABLE deposit_deductions (
    id              BLOB PRIMARY KEY NOT NULL,
    proposal_id     BLOB NOT NULL REFERENCES deposit_release_proposals(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    amount_pence    BIGINT NOT NULL CHECK (amount_pence > 0),
    disputed        INTEGER NOT NULL DEFAULT 0,
    dispute_reason  TEXT
);
CREATE INDEX deposit_deductions_proposal ON deposit_deductions (proposal_id, position);

CREATE TABLE jobs (
    id            BLOB PRIMARY KEY NOT NULL,
    org_id        BLOB REFERENCES organisations(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    subject_id    BLOB NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    run_after     TEXT NOT NULL,
    locked_until  TEXT,
    claim_id      BLOB,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    done_at       TEXT
);
CREATE UNIQUE INDEX jobs_once ON jobs (kind, subject_id);
CREATE INDEX jobs_due ON jobs (status, run_after);

-- One-time sign-in codes for tenants (email + 6 digits): only a hash is kept.
CREATE TABLE tenant_login_codes (
    id          BLOB PRIMARY KEY NOT NULL,
    email       TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX tenant_login_codes_email ON tenant_login_codes (email, created_at);
