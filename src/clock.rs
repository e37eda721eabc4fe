//! One clock for "now" and "today", in the time of the agencies Portico
//! serves: Europe/London. Stored times stay UTC; what a person reads, and the
//! day that decides "overdue" or "expired", is London's (an agent in July sees
//! 14:08, not 13:08 UTC, and a task due today is not overdue at 00:30 BST).
//! The app holds one [`Clock`] in its settings; tests fix it.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// The time zone every time is shown in and every "today" is taken in.
pub const ZONE: Tz = chrono_tz::Europe::London;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system's clock.
    #[default]
    System,
    /// A fixed moment (tests).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// Now, as an instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Today's date in London.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now())
    }
}

/// An instant as London's wall-clock time.
pub fn local(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&ZONE)
}

/// The date in London at an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// The instant a London day begins (midnight always exists in London: the
/// clocks change at 01:00 and 02:00).
pub fn start_of_local_day(date: NaiveDate) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    ZONE.from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.to_utc())
            .unwrap_or_default()
    }

    #[test]
    fn today_is_londons_day_summer_and_winter() {
        // 00:30 BST on 2 July is still 1 July in UTC.
        assert_eq!(
            Clock::Fixed(at("2026-07-01T23:30:00Z")).today(),
            NaiveDate::from_ymd_opt(2026, 7, 2).unwrap_or_default()
        );
        // In winter London is on UTC.
        assert_eq!(
            Clock::Fixed(at("2026-01-15T23:30:00Z")).today(),
            NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
        );
        assert_eq!(local(at("2026-07-01T13:08:00Z")).format("%H:%M").to_string(), "14:08");
        let day = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap_or_default();
        assert_eq!(start_of_local_day(day), Some(at("2026-07-01T23:00:00Z")));
    }
}
