//! The runner's clock. Every handler gets `now` from here, so tests can move time (an expired link,
//! an expired token) without waiting for it.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The machine's clock shifted by a fixed offset: a demonstration or a rehearsal of later stages
/// (a deadline passed, a publicity ended) without waiting for the calendar. The runner's schedule,
/// its handlers and the tokens it verifies all read it, so `award-local token` must be given the
/// same offset (both read `AWARD_CLOCK_OFFSET_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    pub offset: Duration,
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// A clock that only moves when told to; shared between a test and the server it drives.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        // A poisoned lock still holds a valid instant: a panicking test must not hide the cause.
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_clock_is_the_machines_shifted() {
        let offset = Duration::days(160);
        let clock = OffsetClock { offset };
        let before = Utc::now() + offset;
        let now = clock.now();
        let after = Utc::now() + offset;
        assert!(before <= now && now <= after, "{before} {now} {after}");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = ManualClock::new(start);
        let shared = clock.clone();
        assert_eq!(shared.now(), start);
        clock.advance(Duration::minutes(16));
        assert_eq!(shared.now(), start + Duration::minutes(16));
        clock.set(start);
        assert_eq!(shared.now(), start);
    }
}
