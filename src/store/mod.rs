//! All SQL lives here, one module per aggregate. Reads take the pool; changes take
//! a transaction and write their audit row in it.

pub mod audit;
pub mod certificates;
pub mod compliance;
pub mod contractor_certificates;
pub mod contractor_links;
pub mod contractors;
pub mod dashboard;
pub mod deposits;
pub mod derived;
pub mod documents;
pub mod jobs;
pub mod landlords;
pub mod offers;
pub mod orgs;
pub mod outbox;
pub mod portal;
/// The landlord–agency message thread, apart from the portal tokens in [`portal`]: one concept per file.
pub mod portal_messages;
pub mod properties;
pub mod quotes;
pub mod tasks;
pub mod tenancies;
pub mod tenant_access;
pub mod tenant_invites;
pub mod tenants;
pub mod throttle;
pub mod users;
pub mod work_orders;

/// Makes a database ready for this build: applies the migrations, then
/// rebuilds derived tables built under other rules than this build's (the
/// compliance list), so every caller — serve, the CLI, tests — reads current
/// rows. (The database layer migrates the schema; what derives rows from rows
/// lives here, above it.)
pub async fn prepare(db: &crate::db::Db) -> anyhow::Result<()> {
    db.migrate().await?;
    compliance::ensure_current(db).await?;
    landlords::ensure_search_text_current(db).await?;
    Ok(())
}

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use uuid::Uuid;

/// The current time truncated to microseconds, the precision both databases keep,
/// so a value read back equals the value written.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// A new time-ordered id: sorting by id sorts by creation, which cursor pagination uses.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// Where a page starts: after this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Sort key of the last row shown.
    pub sort_key: String,
    /// Id of the last row shown.
    pub id: Uuid,
}

impl Cursor {
    /// The cursor as a URL-safe token.
    pub fn encode(&self) -> String {
        use base64::Engine;
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.sort_key.as_bytes());
        format!("{key}.{}", self.id.simple())
    }

    /// Reads a token made by [`Cursor::encode`]; anything else is `None`.
    pub fn decode(token: &str) -> Option<Cursor> {
        use base64::Engine;
        let (key, id) = token.split_once('.')?;
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(key).ok()?;
        Some(Cursor {
            sort_key: String::from_utf8(key).ok()?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub fn like_pattern(term: &str) -> String {
    let mut escaped = String::from("%");
    for ch in term.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped.push('%');
    escaped
}

/// Appends the keyset condition "after this cursor" and the ordering and limit
/// (one extra row, to know whether a next page exists) to a list query whose
/// rows have `sort_key` and `id` columns under `$prefix` (e.g. `"p."`).
#[macro_export]
macro_rules! push_keyset {
    ($query:expr, $prefix:literal, $after:expr, $limit:expr) => {{
        // A row-value comparison, so both databases start the index scan at the
        // cursor (PostgreSQL reads `a > x OR (a = x AND b > y)` from the start).
        if let Some(after) = $after {
            $query
                .push(concat!(" AND (", $prefix, "sort_key, ", $prefix, "id) > ("))
                .push_bind(after.sort_key.clone())
                .push(", ")
                .push_bind(after.id)
                .push(")");
        }
        $query
            .push(concat!(" ORDER BY ", $prefix, "sort_key, ", $prefix, "id LIMIT "))
            .push_bind(i64::from($limit) + 1);
    }};
}

/// The columns a list can be sorted by, each with its name in a URL
/// (`?sort=email`, `?sort=-email` for the other way).
pub trait SortColumn: Copy + PartialEq + Default + Send + Sync + 'static {
    /// Every column, in the table's order.
    const ALL: &'static [Self];

    /// The column's name in a URL.
    fn as_str(self) -> &'static str;

    /// The column named in a URL.
    fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == value)
    }
}

/// A list's order: one of its sortable columns (`C`), and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order<C> {
    /// The column sorted on.
    pub column: C,
    /// Highest first.
    pub descending: bool,
}

impl<C: Copy + PartialEq> Order<C> {
    /// Reads `column` or `-column` (descending) with `parse_column`; anything
    /// else is `default`.
    pub fn parse(value: &str, default: Order<C>, parse_column: impl Fn(&str) -> Option<C>) -> Order<C> {
        let (descending, name) = match value.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, value),
        };
        parse_column(name).map_or(default, |column| Order { column, descending })
    }
}

/// Which page of a keyset-paged list is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    /// The first page.
    First,
    /// The page after this row.
    After(Cursor),
    /// The page before this row.
    Before(Cursor),
}

impl PageAt {
    /// From a list URL's `after` and `before` (a cursor that does not decode
    /// is the first page).
    pub fn from_query(after: &str, before: &str) -> PageAt {
        match (Cursor::decode(after), Cursor::decode(before)) {
            (Some(after), _) => PageAt::After(after),
            (None, Some(before)) => PageAt::Before(before),
            (None, None) => PageAt::First,
        }
    }
}

/// One page of a keyset-paged list, and where the pages beside it start.
#[derive(Debug)]
pub struct Paged<T> {
    /// The rows, in list order.
    pub rows: Vec<T>,
    /// The page before, if there is one.
    pub previous: Option<PageAt>,
    /// The page after, if there is one (it starts after this row).
    pub next: Option<Cursor>,
}

/// Appends the keyset condition of `at` (after or before a row), the ordering
/// (reversed for a page before, so the rows nearest the cursor come first)
/// and the limit (one extra row, to know whether there is more) to a list
/// query whose rows have `sort_key` and `id` columns under `$prefix`; with
/// `$descending` the list runs from the highest key down.
#[macro_export]
macro_rules! push_page_at {
    ($query:expr, $prefix:literal, $at:expr, $limit:expr, $descending:expr) => {{
        let backwards = matches!($at, $crate::store::PageAt::Before(_));
        let downwards = backwards != $descending;
        if let $crate::store::PageAt::After(cursor) | $crate::store::PageAt::Before(cursor) = $at {
            $query
                .push(concat!(" AND (", $prefix, "sort_key, ", $prefix, "id) "))
                .push(if downwards { "< (" } else { "> (" })
                .push_bind(cursor.sort_key.clone())
                .push(", ")
                .push_bind(cursor.id)
                .push(")");
        }
        $query.push(if downwards {
            concat!(" ORDER BY ", $prefix, "sort_key DESC, ", $prefix, "id DESC LIMIT ")
        } else {
            concat!(" ORDER BY ", $prefix, "sort_key, ", $prefix, "id LIMIT ")
        });
        $query.push_bind(i64::from($limit) + 1);
    }};
}

/// Counts a filtered list: how many rows the filter finds, and how many of
/// them come before `$first` (the first row of a page, a `&Cursor`) in list
/// order, for "26–50 of 73". `$rows` is the list's row query ending in
/// `org_id = ` (its rows aliased `q`), `$push_filters` the macro that appends
/// its filters.
#[macro_export]
macro_rules! count_listed {
    ($db:expr, $rows:expr, $org_id:expr, $push_filters:ident, $filter:expr, $first:expr, $descending:expr) => {{
        let (sort_key, id) = match $first {
            Some(first) => (first.sort_key.clone(), first.id),
            None if $descending => (String::new(), uuid::Uuid::max()),
            None => (String::new(), uuid::Uuid::nil()),
        };
        $crate::on_pool!($db, |pool| {
            let mut query = sqlx::QueryBuilder::new("SELECT COUNT(*), COALESCE(SUM(CASE WHEN (sort_key, id) ");
            query
                .push(if $descending { "> (" } else { "< (" })
                .push_bind(sort_key.clone())
                .push(", ")
                .push_bind(id)
                .push(") THEN 1 ELSE 0 END), 0) FROM (")
                .push($rows);
            query.push_bind($org_id).push(") q WHERE 1 = 1");
            $push_filters!(query, $filter);
            query.push(") counted");
            query.build_query_as::<(i64, i64)>().fetch_one(pool).await
        })
    }};
}

/// Turns the rows a [`push_page_at!`] query fetched (one extra, reversed for
/// a page before) into the page and the links beside it.
pub fn paged<T>(mut rows: Vec<T>, limit: u32, at: &PageAt, cursor_of: impl Fn(&T) -> Cursor) -> Paged<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    match at {
        PageAt::First => Paged {
            next: more.then(|| rows.last().map(&cursor_of)).flatten(),
            previous: None,
            rows,
        },
        PageAt::After(_) => Paged {
            next: more.then(|| rows.last().map(&cursor_of)).flatten(),
            // The rows before this page start at its first row; an empty page
            // (everything after the cursor went) goes back to the start.
            previous: Some(
                rows.first()
                    .map_or(PageAt::First, |first| PageAt::Before(cursor_of(first))),
            ),
            rows,
        },
        PageAt::Before(before) => {
            rows.reverse();
            Paged {
                previous: more
                    .then(|| rows.first().map(|first| PageAt::Before(cursor_of(first))))
                    .flatten(),
                next: Some(rows.last().map_or_else(|| before.clone(), &cursor_of)),
                rows,
            }
        }
    }
}

/// Cuts a list fetched with one extra row down to `limit` and says where the
/// next page starts, if there is one.
pub fn page_of<T>(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> Cursor) -> (Vec<T>, Option<Cursor>) {
    if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        let next = rows.last().map(cursor_of);
        (rows, next)
    } else {
        (rows, None)
    }
}
