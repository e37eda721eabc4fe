//! One shape for every back-office list screen (landlords, properties,
//! tenancies, tenants, tasks, offers, compliance): the filter form with its
//! search box and page size, the results region htmx swaps, sortable column
//! headings, the empty states, "26–50 of 73" with pages both ways, the
//! "only this landlord's" narrowing, and the CSV download of the list as
//! filtered. A screen says what differs — its filters, columns, cells and
//! store functions — in one [`ListScreen`] implementation; everything else is
//! written here once.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::Clock;
use maud::{Markup, html};
use poem::Response;
use uuid::Uuid;

use super::Lookups;
use crate::db::Db;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::store::landlords::{self, Landlord};
use crate::store::{Cursor, Order, PageAt, Paged, SortColumn};
use crate::web::ctx::{Ctx, Viewer};
use crate::web::paths;
use crate::web::ui::form::select;
use crate::web::ui::list::{PageQuery, counted_pager, sort_heading};
use crate::web::ui::{self, export};

/// The URL name of the filter that narrows a list to one landlord's records.
pub const LANDLORD_FILTER: &str = "landlord";

/// A column of a list table: its heading, the column it sorts by (if it
/// does), and how its cells sit on a small screen.
pub struct Heading<C: 'static> {
    /// The heading, also each cell's label when the table becomes cards.
    pub label: &'static str,
    /// The sort column a click on the heading orders the list by.
    pub sort: Option<C>,
    /// Left out of the table on a small screen.
    pub hide_small: bool,
    /// Cells that should not break (dates, money, postcodes).
    pub nowrap: bool,
}

impl<C> Heading<C> {
    /// A heading that sorts the list by `column`.
    pub const fn sorted(label: &'static str, column: C) -> Heading<C> {
        Heading {
            label,
            sort: Some(column),
            hide_small: false,
            nowrap: false,
        }
    }

    /// A heading the list cannot be sorted by.
    pub const fn plain(label: &'static str) -> Heading<C> {
        Heading {
            label,
            sort: None,
            hide_small: false,
            nowrap: false,
        }
    }

    /// Left out on a small screen.
    pub const fn hide_small(mut self) -> Heading<C> {
        self.hide_small = true;
        self
    }

    /// Cells that do not wrap.
    pub const fn nowrap(mut self) -> Heading<C> {
        self.nowrap = true;
        self
    }

    fn th_class(&self) -> Option<&'static str> {
        self.hide_small.then_some("hide-small")
    }

    fn td_class(&self) -> Option<&'static str> {
        match (self.hide_small, self.nowrap) {
            (true, true) => Some("hide-small nowrap"),
            (true, false) => Some("hide-small"),
            (false, true) => Some("nowrap"),
            (false, false) => None,
        }
    }
}

/// A table of `columns` with rows of cells, not sortable (a short list on a
/// record's own page), laid out as the list screens are.
pub fn plain_table<C>(columns: &[&Heading<C>], rows: impl Iterator<Item = Vec<Markup>>) -> Markup {
    html! {
        div class="table-wrap" {
            table {
                thead { tr { @for c in columns { th class=[c.th_class()] { (c.label) } } } }
                tbody {
                    @for cells in rows {
                        tr {
                            @for (c, cell) in columns.iter().zip(cells) {
                                td data-label=(c.label) class=[c.td_class()] { (cell) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A list's CSV download: where it is served and what it is called.
pub struct CsvExport {
    /// The download's path (the list's filters follow as its query).
    pub path: &'static str,
    /// The file name the browser saves.
    pub file_name: &'static str,
    /// The header row.
    pub header: &'static [&'static str],
}

/// What a list screen brings to [`page`] and [`download`]: it is the list's
/// URL query (deserialised by the handler), and it names its store
/// functions, columns and cells.
pub trait ListScreen: Default + Clone + Send + Sync + 'static {
    /// A row as the store lists it.
    type Row: Send + 'static;
    /// The store's filter.
    type Filter: Clone + Send + Sync + 'static;
    /// The columns the store can sort by.
    type Column: SortColumn;

    /// The list's path.
    const PATH: &'static str;
    /// The page's title and `h1`.
    const TITLE: &'static str;
    /// What the rows are, in the plural and lower case ("tenancies").
    const NOUN: &'static str;
    /// The id of the region htmx swaps.
    const RESULTS_ID: &'static str;
    /// What the search box searches.
    const SEARCH_HINT: &'static str;
    /// The table's columns, in order.
    const COLUMNS: &'static [Heading<Self::Column>];
    /// The CSV download, if the list has one.
    const CSV: Option<CsvExport>;
    /// A sentence under the title saying what the list holds, if it needs one.
    const LEDE: Option<&'static str> = None;
    /// Whether the filters offer the agency's contractors (loaded only then).
    const FILTERS_BY_CONTRACTOR: bool = false;

    /// The page part of the query (size, cursor, sort).
    fn page(&self) -> &PageQuery;
    /// The same, to change.
    fn page_mut(&mut self) -> &mut PageQuery;
    /// What was typed in the search box.
    fn search(&self) -> &str;
    /// The filters besides the search, as they go into the URL, in order;
    /// a filter left at its default has the value `Self::default()` gives.
    fn filters(&self) -> Vec<(&'static str, String)>;
    /// The order when none is asked for.
    fn default_order() -> Order<Self::Column> {
        Order::default()
    }
    /// The store's filter: the query's filters, these search words, this
    /// order, and today (for lists whose rows depend on it).
    fn store_filter(&self, search: Vec<String>, order: Order<Self::Column>, clock: Clock) -> Self::Filter;
    /// One page of rows.
    fn fetch(
        db: &Db,
        org_id: Uuid,
        filter: &Self::Filter,
        at: &PageAt,
        limit: u32,
    ) -> impl Future<Output = Result<Paged<Self::Row>, sqlx::Error>> + Send;
    /// How many rows the filter finds, and how many come before `first`.
    fn count(
        db: &Db,
        org_id: Uuid,
        filter: &Self::Filter,
        first: Option<&Cursor>,
    ) -> impl Future<Output = Result<(i64, i64), sqlx::Error>> + Send;
    /// A line above the table that the filter changes (e.g. the counts of
    /// each state), read with the same filter as the rows.
    fn summary(
        _db: &Db,
        _org_id: Uuid,
        _filter: &Self::Filter,
    ) -> impl Future<Output = Result<Option<Markup>, sqlx::Error>> + Send {
        async { Ok(None) }
    }
    /// A row's place in the list.
    fn cursor(row: &Self::Row) -> Cursor;
    /// A row's cells, one per column of [`Self::COLUMNS`].
    fn cells(row: &Self::Row, view: &ListView<'_>) -> Vec<Markup>;
    /// What the list says when there is nothing at all to show.
    fn empty() -> Markup;
    /// The screen's own filter fields (selects, checkboxes).
    fn fields(&self, view: &ListView<'_>) -> Markup;
    /// Buttons beside the title besides the CSV download.
    fn actions() -> Markup {
        html! {}
    }
    /// A row as CSV cells, in the order of [`CsvExport::header`].
    fn csv_cells(_row: &Self::Row) -> Vec<String> {
        Vec::new()
    }
}

/// The part of a [`ListScreen`] that every list writes the same way: its
/// query's `q` and `page` fields, the store's page and count functions
/// (`$list(db, org, filter, at, limit)`, `$count(db, org, filter, first)`),
/// and a row's cursor (its `sort_key` and the id `$id` names).
macro_rules! plumbing {
    ($list:path, $count:path, |$row:ident| $id:expr) => {
        fn page(&self) -> &$crate::web::ui::list::PageQuery {
            &self.page
        }

        fn page_mut(&mut self) -> &mut $crate::web::ui::list::PageQuery {
            &mut self.page
        }

        fn search(&self) -> &str {
            &self.q
        }

        async fn fetch(
            db: &$crate::db::Db,
            org_id: uuid::Uuid,
            filter: &Self::Filter,
            at: &$crate::store::PageAt,
            limit: u32,
        ) -> Result<$crate::store::Paged<Self::Row>, sqlx::Error> {
            $list(db, org_id, filter, at, limit).await
        }

        async fn count(
            db: &$crate::db::Db,
            org_id: uuid::Uuid,
            filter: &Self::Filter,
            first: Option<&$crate::store::Cursor>,
        ) -> Result<(i64, i64), sqlx::Error> {
            $count(db, org_id, filter, first).await
        }

        fn cursor($row: &Self::Row) -> $crate::store::Cursor {
            $crate::store::Cursor {
                sort_key: $row.sort_key.clone(),
                id: $id,
            }
        }
    };
}
pub(crate) use plumbing;

/// What cells and filter fields may need besides their row.
pub struct ListView<'a> {
    /// The agency's agents and branches.
    pub lookups: &'a Lookups,
    /// Today in London.
    pub today: NaiveDate,
    /// Now, from the app's clock.
    pub now: DateTime<Utc>,
    /// The landlord the list is narrowed to, if it is.
    pub landlord: Option<&'a Landlord>,
    /// The agency's contractors (id, company), when the list filters by them.
    pub contractors: &'a [(Uuid, String)],
}

/// The search box's words (at most eight).
fn search_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).take(8).collect()
}

/// The order the query asks for (`?sort=rent`, `?sort=-due`), else the
/// screen's own.
pub fn order<S: ListScreen>(query: &S) -> Order<S::Column> {
    Order::parse(&query.page().sort, S::default_order(), S::Column::parse)
}

/// The store filter of a query.
fn store_filter<S: ListScreen>(query: &S, clock: Clock) -> S::Filter {
    query.store_filter(search_words(query.search()), order(query), clock)
}

/// The query string of the list's filters, search and sort at a page.
pub fn to_query<S: ListScreen>(query: &S, at: &PageAt) -> String {
    let filters = query.filters();
    let mut pairs: Vec<(&str, &str)> = vec![("q", query.search())];
    pairs.extend(filters.iter().map(|(name, value)| (*name, value.as_str())));
    query.page().link(&pairs, at)
}

/// The list's URL with the query changed by `change`, from the first page.
fn link_with<S: ListScreen>(query: &S, change: impl FnOnce(&mut S)) -> String {
    let mut changed = query.clone();
    change(&mut changed);
    format!("{}?{}", S::PATH, to_query(&changed, &PageAt::First))
}

/// Whether any filter or search narrows the list.
fn is_filtered<S: ListScreen>(query: &S) -> bool {
    !query.search().trim().is_empty() || query.filters() != S::default().filters()
}

/// The landlord the query narrows the list to, if it is one of the agency's.
async fn narrowed_to<S: ListScreen>(ctx: &Ctx, org_id: Uuid, query: &S) -> Result<Option<Landlord>, AppError> {
    let id = query
        .filters()
        .into_iter()
        .find(|(name, _)| *name == LANDLORD_FILTER)
        .and_then(|(_, value)| Uuid::parse_str(&value).ok());
    Ok(match id {
        Some(id) => landlords::get(&ctx.state.db, org_id, id).await?,
        None => None,
    })
}

/// The results region: the table (or an empty state) and the pager.
fn results<S: ListScreen>(
    query: &S,
    page: &Paged<S::Row>,
    counts: (i64, i64),
    summary: Option<Markup>,
    view: &ListView<'_>,
) -> Markup {
    let (total, before) = counts;
    let order = order(query);
    let current = Some((order.column.as_str(), order.descending));
    html! {
        div id=(S::RESULTS_ID) class="results" aria-live="polite" {
            @if let Some(summary) = summary { (summary) }
            div class="table-wrap" {
                @if page.rows.is_empty() {
                    @if is_filtered(query) {
                        p class="empty" { "No " (S::NOUN) " match these filters. " a href=(S::PATH) { "Clear the filters" } }
                    } @else {
                        p class="empty" { (S::empty()) }
                    }
                } @else {
                    table {
                        thead { tr {
                            @for heading in S::COLUMNS {
                                @match heading.sort {
                                    Some(column) => (sort_heading(heading.label, column.as_str(), current, heading.th_class(),
                                        |sort| link_with(query, |q| q.page_mut().sort = sort.to_string()))),
                                    None => th class=[heading.th_class()] { (heading.label) },
                                }
                            }
                        } }
                        tbody {
                            @for row in &page.rows {
                                tr {
                                    @for (heading, cell) in S::COLUMNS.iter().zip(S::cells(row, view)) {
                                        td data-label=(heading.label) class=[heading.td_class()] { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (counted_pager(
                S::PATH,
                before,
                page.rows.len(),
                total,
                page.previous.as_ref().map(|at| to_query(query, at)),
                page.next.as_ref().map(|next| to_query(query, &PageAt::After(next.clone()))),
            ))
        }
    }
}

/// The filter form: search, the screen's fields, page size, the landlord the
/// list is narrowed to, and the button (htmx refreshes the results as the
/// user types or chooses; without JavaScript the button submits).
fn filter_form<S: ListScreen>(query: &S, view: &ListView<'_>) -> Markup {
    let none = FieldErrors::new();
    let loading = format!("{}-loading", S::RESULTS_ID);
    html! {
        form class="filters card" method="get" action=(S::PATH) role="search"
            hx-get=(S::PATH) hx-target={ "#" (S::RESULTS_ID) } hx-swap="outerHTML" hx-push-url="true"
            hx-trigger="input changed delay:300ms from:#q, change, submit" hx-indicator={ "#" (loading) } {
            @if !query.page().sort.is_empty() { input type="hidden" name="sort" value=(query.page().sort); }
            div class="field" {
                label for="q" { "Search" }
                input type="search" id="q" name="q" value=(query.search()) autocomplete="off" aria-describedby="q-hint";
                span class="hint" id="q-hint" { (S::SEARCH_HINT) }
            }
            (query.fields(view))
            (select("per_page", "Show", &PageQuery::size_options(), &query.page().size().to_string(), &none))
            @if let Some(landlord) = view.landlord {
                div class="field" {
                    input type="hidden" name=(LANDLORD_FILTER) value=(landlord.id);
                    span { "Only " a href=(paths::landlord(landlord.id)) { (landlord.display_name()) } "\u{2019}s " (S::NOUN) " · " }
                    a href=(link_without_landlord(query)) { "Every landlord\u{2019}s" }
                }
            }
            div class="field" {
                button type="submit" { "Search" }
                span id=(loading) class="htmx-indicator hint" { "Loading…" }
            }
        }
    }
}

/// The list's URL without its landlord filter, from the first page.
fn link_without_landlord<S: ListScreen>(query: &S) -> String {
    let filters = query.filters();
    let mut pairs: Vec<(&str, &str)> = vec![("q", query.search())];
    pairs.extend(
        filters
            .iter()
            .filter(|(name, _)| *name != LANDLORD_FILTER)
            .map(|(name, value)| (*name, value.as_str())),
    );
    format!("{}?{}", S::PATH, query.page().link(&pairs, &PageAt::First))
}

/// `GET` a list screen: the whole page, or for htmx only its results.
pub async fn page<S: ListScreen + serde::de::DeserializeOwned>(
    ctx: &Ctx,
    viewer: &Viewer,
    query: S,
) -> Result<Markup, AppError> {
    let org_id = viewer.org.id;
    let today = ctx.state.settings.clock.today();
    let lookups = Lookups::load(ctx, org_id).await?;
    let landlord = narrowed_to(ctx, org_id, &query).await?;
    let contractors = if S::FILTERS_BY_CONTRACTOR {
        crate::store::contractors::names(&ctx.state.db, org_id).await?
    } else {
        Vec::new()
    };
    let view = ListView {
        lookups: &lookups,
        today,
        now: ctx.state.settings.clock.now(),
        landlord: landlord.as_ref(),
        contractors: &contractors,
    };
    let filter = store_filter(&query, ctx.state.settings.clock);
    let db = &ctx.state.db;
    let page = S::fetch(db, org_id, &filter, &query.page().at(), query.page().size()).await?;
    let first = page.rows.first().map(S::cursor);
    let counts = S::count(db, org_id, &filter, first.as_ref()).await?;
    let summary = S::summary(db, org_id, &filter).await?;
    let results = results(&query, &page, counts, summary, &view);
    if ctx.wants_fragment(S::RESULTS_ID) {
        return Ok(results);
    }
    let content = html! {
        div class="actions" {
            h1 { (S::TITLE) }
            @if let Some(csv) = &S::CSV {
                a class="button secondary" href={ (csv.path) "?" (to_query(&query, &PageAt::First)) } download { "Download CSV" }
            }
            (S::actions())
        }
        @if let Some(lede) = S::LEDE { p class="lede" { (lede) } }
        (filter_form(&query, &view))
        (results)
    };
    Ok(ui::page(ctx, S::TITLE, content))
}

/// `GET` a list's CSV: every row the filters find, streamed a chunk at a time.
/// A list without a CSV download answers 404.
pub fn download<S: ListScreen>(ctx: &Ctx, viewer: &Viewer, query: S) -> Result<Response, AppError> {
    let csv = S::CSV.ok_or(AppError::NotFound)?;
    let db = ctx.state.db.clone();
    let org_id = viewer.org.id;
    let filter = store_filter(&query, ctx.state.settings.clock);
    Ok(export::download(
        csv.file_name,
        csv.header,
        move |at, rows| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { S::fetch(&db, org_id, &filter, &at, rows).await }
        },
        S::csv_cells,
    ))
}
