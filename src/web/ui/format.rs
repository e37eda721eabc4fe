//! How dates, times, money and phone numbers read on a page: `3 Mar 2026`,
//! `£1,250.00`, a tap-to-call link.

use chrono::{DateTime, NaiveDate, Utc};

/// A date as `3 Mar 2026`.
pub fn date(value: NaiveDate) -> String {
    value.format("%-d %b %Y").to_string()
}

/// A date without its year, as `3 Mar` (chart labels).
pub fn short_date(value: NaiveDate) -> String {
    value.format("%-d %b").to_string()
}

/// A time as London reads it: `3 Mar 2026, 14:05` (BST in summer, GMT in winter).
pub fn date_time(value: DateTime<Utc>) -> String {
    crate::clock::local(value).format("%-d %b %Y, %H:%M").to_string()
}

pub use crate::domain::money::money;

/// A phone number as a tap-to-call link (`tel:` with the spaces taken out),
/// shown as typed.
pub fn phone_link(phone: &str) -> maud::Markup {
    let dial: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    maud::html! { a href={ "tel:" (dial) } { (phone) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_in_thousands() {
        assert_eq!(money(125_000), "£1,250.00");
        assert_eq!(money(5), "£0.05");
        assert_eq!(money(-500), "-£5.00");
        assert_eq!(money(123_456_789), "£1,234,567.89");
    }

    #[test]
    fn dates_read_day_month_year() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()), "3 Mar 2026");
    }
}
