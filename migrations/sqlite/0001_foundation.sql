-- Foundation: agencies, branches, agents, sessions, sign-in throttling, audit trail.
-- Same tables and columns as migrations/postgres/0001_foundation.sql.
-- Types: ids are UUIDs (BLOB here), times are UTC (TEXT, RFC 3339), booleans INTEGER 0/1.

CREATE TABLE organisations (
    id            BLOB PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    logo_url      TEXT,
    primary_color TEXT NOT NULL DEFAULT '#1f5f8b',
    support_email TEXT,
    support_phone TEXT,
    is_demo       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE branches (
    id         BLOB PRIMARY KEY NOT NULL,
    org_id     BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY NOT NULL,
    org_id               BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    branch_id            BLOB REFERENCES branches(id) ON DELETE SET NULL,
    name                 TEXT NOT NULL,
    email                TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    is_active            INTEGER NOT NULL DEFAULT 1,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    last_login_at        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_id, name);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     BLOB,
    data        TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    id           BLOB PRIMARY KEY NOT NULL,
    email        TEXT NOT NULL,
    client_addr  TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, attempted_at);
CREATE INDEX login_failures_addr ON login_failures (client_addr, attempted_at);

CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY NOT NULL,
    org_id      BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    actor_type  TEXT NOT NULL CHECK (actor_type IN ('agent', 'landlord', 'tenant', 'contractor', 'system')),
    actor_id    BLOB,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   BLOB,
    summary     TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]',
    redacted_at TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_entity ON audit_log (org_id, entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_id, id);
