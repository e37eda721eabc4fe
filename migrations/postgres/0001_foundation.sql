-- Foundation: agencies, branches, agents, sessions, sign-in throttling, audit trail.
-- Same tables and columns as migrations/sqlite/0001_foundation.sql.
-- Types: ids UUID, times TIMESTAMPTZ (UTC), booleans BOOLEAN.

CREATE TABLE organisations (
    id            UUID PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    logo_url      TEXT,
    primary_color TEXT NOT NULL DEFAULT '#1f5f8b',
    support_email TEXT,
    support_phone TEXT,
    is_demo       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE branches (
    id         UUID PRIMARY KEY NOT NULL,
    org_id     UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id                   UUID PRIMARY KEY NOT NULL,
    org_id               UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    branch_id            UUID REFERENCES branches(id) ON DELETE SET NULL,
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    is_active            BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at        TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_org ON users (org_id, name);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     UUID,
    data        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id           UUID PRIMARY KEY NOT NULL,
    email        TEXT NOT NULL,
    client_addr  TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, attempted_at);
CREATE INDEX login_failures_addr ON login_failures (client_addr, attempted_at);

CREATE TABLE audit_log (
    id          UUID PRIMARY KEY NOT NULL,
    org_id      UUID NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    actor_type  TEXT NOT NULL CHECK (actor_type IN ('agent', 'landlord', 'tenant', 'contractor', 'system')),
    actor_id    UUID,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   UUID,
    summary     TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]',
    redacted_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_entity ON audit_log (org_id, entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_id, id);
