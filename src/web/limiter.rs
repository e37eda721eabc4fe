//! Counts failures per client address in this process, for refusing a client
//! that keeps guessing (unknown portal links). Per node, in memory: a guess costs
//! no database write, and the 256-bit links make guessing hopeless anyway; the
//! limit stops a client from hammering the lookup.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per address within a window.
#[derive(Debug)]
pub struct FailureLimiter {
    window: Duration,
    limit: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Most addresses tracked before stale ones are swept.
const SWEEP_ABOVE: usize = 10_000;

impl FailureLimiter {
    /// At most `limit` failures per address within `window`.
    pub fn new(limit: usize, window: Duration) -> FailureLimiter {
        FailureLimiter {
            window,
            limit,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// If the address is blocked now, for how long (whole seconds, at least 1).
    pub fn blocked_for(&self, addr: &str) -> Option<u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().ok()?;
        let list = failures.get_mut(addr)?;
        while list.front().is_some_and(|at| now.duration_since(*at) >= self.window) {
            list.pop_front();
        }
        if list.len() < self.limit {
            return None;
        }
        let oldest = *list.front()?;
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Some(wait.as_secs().max(1))
    }

    /// Records one failure from the address.
    pub fn record(&self, addr: &str) {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else { return };
        if failures.len() > SWEEP_ABOVE {
            let window = self.window;
            failures.retain(|_, list| list.back().is_some_and(|at| now.duration_since(*at) < window));
        }
        let list = failures.entry(addr.to_string()).or_default();
        list.push_back(now);
        while list.len() > self.limit {
            list.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_the_limit_and_others_are_not() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            limiter.record("10.0.0.1");
        }
        assert_eq!(limiter.blocked_for("10.0.0.1"), None);
        limiter.record("10.0.0.1");
        let wait = limiter.blocked_for("10.0.0.1").expect("blocked");
        assert!((1..=60).contains(&wait));
        assert_eq!(limiter.blocked_for("10.0.0.2"), None);
    }

    #[test]
    fn failures_expire_with_the_window() {
        let limiter = FailureLimiter::new(1, Duration::from_millis(10));
        limiter.record("a");
        assert!(limiter.blocked_for("a").is_some());
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(limiter.blocked_for("a"), None);
    }
}
