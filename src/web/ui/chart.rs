//! Small charts drawn on the server as SVG (no script, nothing inline that the
//! CSP forbids): a bar per week, and a thin meter for a share. Each says its
//! figures in words or in a table too, for screen readers and text browsers.

use chrono::{NaiveDate, TimeDelta};
use maud::{Markup, html};

use crate::web::ui::format;

/// Width of one week's column in the chart's own units.
const COLUMN: i64 = 40;
/// Height of the tallest bar.
const BAR_HEIGHT: i64 = 90;
/// Room above the bars (for counts) and below them (for dates).
const TOP: i64 = 20;
const BOTTOM: i64 = 24;

/// A bar per week from `start` (`counts[0]` is the week starting `start`),
/// titled `caption`; a date under every fourth bar, each count above its bar,
/// and a visually hidden table of the same figures.
pub fn weekly_bars(id: &str, caption: &str, start: NaiveDate, counts: &[i64]) -> Markup {
    let highest = counts.iter().copied().max().unwrap_or(0).max(1);
    let width = COLUMN * i64::try_from(counts.len()).unwrap_or(0);
    let height = TOP + BAR_HEIGHT + BOTTOM;
    let week_start = |week: usize| start + TimeDelta::weeks(i64::try_from(week).unwrap_or(0));
    html! {
        figure class="chart" {
            figcaption id=(id) { (caption) }
            svg viewBox={ "0 0 " (width) " " (height) } role="img" aria-labelledby=(id) preserveAspectRatio="xMidYMid meet" {
                line class="axis" x1="0" y1=(TOP + BAR_HEIGHT) x2=(width) y2=(TOP + BAR_HEIGHT) {}
                @for (week, count) in counts.iter().enumerate() {
                    @let x = COLUMN * i64::try_from(week).unwrap_or(0);
                    @let bar = count * BAR_HEIGHT / highest;
                    @if *count > 0 {
                        rect class="bar" x=(x + 8) y=(TOP + BAR_HEIGHT - bar) width=(COLUMN - 16) height=(bar) rx="3" {}
                        text class="count" x=(x + COLUMN / 2) y=(TOP + BAR_HEIGHT - bar - 5) text-anchor="middle" { (count) }
                    }
                    @if week % 4 == 0 {
                        // The first date starts at its bar, the last ends at its bar, the
                        // others centre on theirs, so none runs off the chart.
                        @let (anchor, at) = if week == 0 { ("start", x + 4) } else if week + 1 == counts.len() { ("end", x + COLUMN - 4) } else { ("middle", x + COLUMN / 2) };
                        text class="date" x=(at) y=(height - 6) text-anchor=(anchor) { (format::short_date(week_start(week))) }
                    }
                }
            }
            // A table can be no narrower than its text, so the wrapper is what hides it.
            div class="visually-hidden" { table {
                caption { (caption) }
                thead { tr { th scope="col" { "Week starting" } th scope="col" { "Certificates" } } }
                tbody {
                    @for (week, count) in counts.iter().enumerate() {
                        tr { td { (format::date(week_start(week))) } td { (count) } }
                    }
                }
            } }
        }
    }
}

/// A thin bar filled to `part` of `whole` (decorative: the words beside it
/// give the figures).
pub fn meter(part: i64, whole: i64) -> Markup {
    let filled = (part.clamp(0, whole.max(0)) * 100).checked_div(whole).unwrap_or(0);
    html! {
        svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
            rect class="track" width="100" height="6" rx="3" {}
            rect class="fill" width=(filled) height="6" rx="3" {}
        }
    }
}
