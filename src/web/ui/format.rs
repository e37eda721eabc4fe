//! How dates, times and money read on a page: `3 Mar 2026`, `£1,250.00`.

use chrono::{DateTime, NaiveDate, Utc};

/// A date as `3 Mar 2026`.
pub fn date(value: NaiveDate) -> String {
    value.format("%-d %b %Y").to_string()
}

/// A time as `3 Mar 2026, 14:05 UTC`.
pub fn date_time(value: DateTime<Utc>) -> String {
    value.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// An amount of pence as `£1,250.00` (negative as `-£5.00`).
pub fn money(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.unsigned_abs();
    let pounds = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}£{grouped}.{:02}", pence % 100)
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
