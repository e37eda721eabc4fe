//! Pieces of list pages: page sizes and the cursor pagers.

use maud::{Markup, html};
use serde::Deserialize;

use crate::store::PageAt;

/// Page sizes a list offers; the first is the default.
pub const PAGE_SIZES: [u32; 3] = [25, 50, 100];

/// The page part of a list's URL: how many rows, and after or before which.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct PageQuery {
    /// One of [`PAGE_SIZES`]; anything else is the default.
    pub per_page: String,
    /// The cursor the page starts after.
    pub after: String,
    /// The cursor the page ends before.
    pub before: String,
    /// The column the list is sorted by, `-column` for highest first; empty
    /// for the list's own order.
    pub sort: String,
}

impl PageQuery {
    /// The page size asked for, if offered, else the default.
    pub fn size(&self) -> u32 {
        self.per_page
            .parse()
            .ok()
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(PAGE_SIZES[0])
    }

    /// Which page (a cursor that does not decode is the first page).
    pub fn at(&self) -> PageAt {
        PageAt::from_query(&self.after, &self.before)
    }

    /// The query string of a list's filters (the non-empty ones), this page
    /// size, and a page.
    pub fn link(&self, filters: &[(&str, &str)], at: &PageAt) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in filters {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        if !self.per_page.is_empty() {
            query.append_pair("per_page", &self.per_page);
        }
        if !self.sort.is_empty() {
            query.append_pair("sort", &self.sort);
        }
        match at {
            PageAt::First => {}
            PageAt::After(cursor) => {
                query.append_pair("after", &cursor.encode());
            }
            PageAt::Before(cursor) => {
                query.append_pair("before", &cursor.encode());
            }
        }
        query.finish()
    }

    /// The page-size choices of a filter form.
    pub fn size_options() -> Vec<(String, String)> {
        PAGE_SIZES
            .iter()
            .map(|n| (n.to_string(), format!("{n} per page")))
            .collect()
    }
}

/// A sortable column's heading: a link that sorts the list by it (the other
/// way round when it already is), marked with `aria-sort` and an arrow when
/// it is the list's order. `link` makes a list URL for a `sort` value (from
/// the first page).
pub fn sort_heading(
    label: &str,
    column: &str,
    current: Option<(&str, bool)>,
    class: Option<&str>,
    link: impl Fn(&str) -> String,
) -> Markup {
    let (state, next) = match current {
        Some((sorted, descending)) if sorted == column => {
            if descending {
                ("descending", column.to_string())
            } else {
                ("ascending", format!("-{column}"))
            }
        }
        _ => ("none", column.to_string()),
    };
    html! {
        th class=[class] aria-sort=(state) {
            a class="sort" href=(link(&next)) {
                (label)
                @match state { "ascending" => span aria-hidden="true" { " ▲" }, "descending" => span aria-hidden="true" { " ▼" }, _ => {} }
            }
        }
    }
}

/// Where the page sits in the whole list ("26–50 of 73"), and "Previous page"
/// and "Next page" links; each query is the list's query string for that page.
pub fn counted_pager(
    path: &str,
    before: i64,
    shown: usize,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
) -> Markup {
    let shown = i64::try_from(shown).unwrap_or(i64::MAX);
    html! {
        nav class="pager" aria-label="Pages" {
            @match previous { Some(query) => a href={ (path) "?" (query) } rel="prev" { "← Previous page" }, None => span {} }
            @if total > 0 && shown > 0 {
                span class="hint" data-testid="page-position" { (before + 1) "–" (before + shown) " of " (total) }
            }
            @match next { Some(query) => a href={ (path) "?" (query) } rel="next" { "Next page →" }, None => span {} }
        }
    }
}

/// "First page" (when not on it) and "Next page" links; each query is the list's
/// query string for that page.
pub fn pager(path: &str, first: Option<String>, next: Option<String>) -> Markup {
    html! {
        nav class="pager" aria-label="Pages" {
            @match first { Some(query) => a href={ (path) "?" (query) } { "← First page" }, None => span {} }
            @if let Some(query) = next {
                a href={ (path) "?" (query) } rel="next" { "Next page →" }
            }
        }
    }
}
