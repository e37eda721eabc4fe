//! The agency's tenants as a directory: each tenant once, with the tenancy
//! they are on now (else their latest), searchable and paged.

use uuid::Uuid;

use crate::db::Db;
use crate::domain::choice::Choice;
use crate::domain::tenancies::TenancyStatus;
use crate::on_pool;

/// What the agency's tenant list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Words that must each appear in the tenant's name, email or phone.
    pub search: Vec<String>,
    /// Only tenants whose latest tenancy has this status.
    pub status: Option<TenancyStatus>,
    /// The list's order (by last name unless asked otherwise).
    pub order: super::Order<TenantColumn>,
}

/// The columns the tenant list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TenantColumn {
    /// Last name, then first name.
    #[default]
    Name,
    /// Email address.
    Email,
    /// The address of the tenancy shown.
    Tenancy,
}

impl super::SortColumn for TenantColumn {
    const ALL: &'static [TenantColumn] = &[TenantColumn::Name, TenantColumn::Email, TenantColumn::Tenancy];

    fn as_str(self) -> &'static str {
        match self {
            TenantColumn::Name => "name",
            TenantColumn::Email => "email",
            TenantColumn::Tenancy => "tenancy",
        }
    }
}

impl TenantColumn {
    /// The sort key's SQL: lower-case text.
    fn sort_key_sql(self) -> &'static str {
        match self {
            TenantColumn::Name => "LOWER(n.last_name || ' ' || n.first_name)",
            TenantColumn::Email => "LOWER(n.email)",
            TenantColumn::Tenancy => "p.sort_key",
        }
    }
}

/// A tenant in the agency's list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedTenant {
    /// Id.
    pub id: Uuid,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: String,
    /// Phone, if given.
    pub phone: Option<String>,
    /// Their active tenancy, else their latest.
    pub tenancy_id: Uuid,
    /// That tenancy's status.
    #[sqlx(try_from = "String")]
    pub tenancy_status: TenancyStatus,
    /// Its property's first address line and town.
    pub address: String,
    /// The keyset sort key of the list's order (by default last name, then
    /// first name, lower-case).
    pub sort_key: String,
}

impl ListedTenant {
    /// "Amy Lee".
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The list query's rows: each tenant with the one tenancy shown (active
/// first, then the latest to start), over which filters and the page
/// condition are added; the sort key is `column`'s.
fn listed_tenant_rows(column: TenantColumn) -> String {
    format!(
        "SELECT * FROM (SELECT n.id, n.first_name, n.last_name, n.email, n.phone, t.id AS tenancy_id, \
         t.status AS tenancy_status, p.address_line1 || ', ' || p.city AS address, \
         {} AS sort_key, \
         LOWER(n.first_name || ' ' || n.last_name || ' ' || n.email || ' ' || COALESCE(n.phone, '')) AS search_text \
         FROM tenants n JOIN tenancies t ON t.id = (SELECT tt.tenancy_id FROM tenancy_tenants tt \
           JOIN tenancies x ON x.id = tt.tenancy_id WHERE tt.tenant_id = n.id \
           ORDER BY CASE WHEN x.status = 'active' THEN 0 ELSE 1 END, x.start_date DESC, x.id DESC LIMIT 1) \
         JOIN properties p ON p.id = t.property_id AND p.org_id = t.org_id WHERE n.org_id = ",
        column.sort_key_sql()
    )
}

/// Appends the filters of a [`ListFilter`] to a query over [`listed_tenant_rows`].
macro_rules! push_tenant_filters {
    ($query:expr, $filter:expr) => {{
        let filter: &ListFilter = $filter;
        for term in &filter.search {
            $query
                .push(" AND search_text LIKE ")
                .push_bind(super::like_pattern(term))
                .push(" ESCAPE '\\'");
        }
        if let Some(status) = filter.status {
            $query.push(" AND tenancy_status = ").push_bind(status.as_str());
        }
    }};
}

/// One page of the agency's tenants in the filter's order (by default last name).
pub async fn list(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    at: &super::PageAt,
    limit: u32,
) -> Result<super::Paged<ListedTenant>, sqlx::Error> {
    let rows: Vec<ListedTenant> = on_pool!(db, |pool| {
        let mut query = sqlx::QueryBuilder::new(listed_tenant_rows(filter.order.column));
        query.push_bind(org_id).push(") q WHERE 1 = 1");
        push_tenant_filters!(query, filter);
        crate::push_page_at!(query, "", at, limit, filter.order.descending);
        query.build_query_as::<ListedTenant>().fetch_all(pool).await
    })?;
    Ok(super::paged(rows, limit, at, |row| super::Cursor {
        sort_key: row.sort_key.clone(),
        id: row.id,
    }))
}

/// How many tenants the filter finds, and how many come before `first`.
pub async fn list_count(
    db: &Db,
    org_id: Uuid,
    filter: &ListFilter,
    first: Option<&super::Cursor>,
) -> Result<(i64, i64), sqlx::Error> {
    crate::count_listed!(
        db,
        listed_tenant_rows(filter.order.column),
        org_id,
        push_tenant_filters,
        filter,
        first,
        filter.order.descending
    )
}
