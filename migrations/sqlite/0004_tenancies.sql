-- Tenants (people, reusable across tenancies) and tenancies of properties.
-- Money in integer pence; dates as calendar dates.
CREATE TABLE tenants (
    id         BLOB PRIMARY KEY NOT NULL,
    org_id     BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE tenancies (
    id                   BLOB PRIMARY KEY NOT NULL,
    org_id               BLOB NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    property_id          BLOB NOT NULL REFERENCES properties(id),
    rent_pence           BIGINT NOT NULL CHECK (rent_pence > 0),
    rent_frequency       TEXT NOT NULL CHECK (rent_frequency IN ('weekly', 'monthly', 'quarterly', 'yearly')),
    start_date           DATE NOT NULL,
    end_date             DATE,
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'ended')),
    deposit_pence        BIGINT NOT NULL DEFAULT 0 CHECK (deposit_pence >= 0),
    deposit_scheme       TEXT NOT NULL DEFAULT 'none' CHECK (deposit_scheme IN ('tds', 'dps', 'mydeposits', 'none')),
    deposit_reference    TEXT,
    deposit_protected_on DATE,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX tenancies_property ON tenancies (org_id, property_id, status);

CREATE TABLE tenancy_tenants (
    tenancy_id BLOB NOT NULL REFERENCES tenancies(id) ON DELETE CASCADE,
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    is_primary INTEGER NOT NULL DEFAULT 0,
    position   INTEGER NOT NULL,
    PRIMARY KEY (tenancy_id, tenant_id)
);
CREATE INDEX tenancy_tenants_tenant ON tenancy_tenants (tenant_id);
