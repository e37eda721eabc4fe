//! All SQL lives here, one module per aggregate. Reads take the pool; changes take
//! a transaction and write their audit row in it.

pub mod audit;
pub mod landlords;
pub mod orgs;
pub mod throttle;
pub mod users;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

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
