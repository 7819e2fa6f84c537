//! Instants and Chinese calendar dates.
//!
//! Instants are stored in UTC; every date the Measures speak of (deadlines, publicity days, award
//! and revocation dates) is a calendar date in China.
//!
//! Why a fixed UTC+8 offset rather than `chrono-tz`: mainland China has kept UTC+8 with no daylight
//! saving since 1991 (DST ran 1986–1991), and the award's instants are all after 2022. `chrono-tz`
//! would compile the whole IANA database (≈ 600 tz entries, a build script and a few hundred KB in
//! every Lambda binary) to look up a single constant offset. The dev-only test
//! `matches_the_iana_database` cross-checks the constant against `chrono-tz`'s Asia/Shanghai for
//! every day from 1992 to 2100, so a future rule change in the database would be noticed.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

/// China Standard Time, UTC+8.
pub const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// Evaluated at compile time, so an out-of-range offset fails the build, not a request.
const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(CHINA_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The earliest date a record the award reads may carry: 1949年10月1日, the founding of the
/// People's Republic. No business licence, certificate, inspection, award or revocation the
/// Measures speak of predates it, so an earlier date is a typing error (a year 0202 for 2020).
pub const EARLIEST_RECORD_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1949, 10, 1) {
    Some(date) => date,
    None => panic!("1949-10-01 is a valid date"),
};

/// Why a date of a past event is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFault {
    /// Before [`EARLIEST_RECORD_DATE`].
    TooEarly,
    /// After today (China date).
    Future,
}

/// Whether `date`, the date of something that has happened, can be one: from
/// [`EARLIEST_RECORD_DATE`] to `today` (China date), both included.
pub fn past_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateFault> {
    if date < EARLIEST_RECORD_DATE {
        Err(DateFault::TooEarly)
    } else if date > today {
        Err(DateFault::Future)
    } else {
        Ok(date)
    }
}

/// A China date as Chinese text writes it: `2026年9月30日`.
pub fn date_zh(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// The calendar date in China (Asia/Shanghai) at `instant`.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&CHINA_OFFSET).date_naive()
}

/// The first instant of `date` in China, as UTC (00:00 China time = 16:00 UTC the day before).
pub fn china_start_of_day(date: NaiveDate) -> DateTime<Utc> {
    (date.and_time(NaiveTime::MIN) - chrono::Duration::seconds(i64::from(CHINA_OFFSET_SECONDS)))
        .and_utc()
}

/// The first instant after `date` ends in China, as UTC.
pub fn china_end_of_day_exclusive(date: NaiveDate) -> DateTime<Utc> {
    china_start_of_day(date) + chrono::Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_china_date_changes_at_16_utc() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(china_date(utc("2026-02-13T15:59:59Z")), d(2026, 2, 13));
        assert_eq!(china_date(utc("2026-02-13T16:00:00Z")), d(2026, 2, 14));
        assert_eq!(
            china_start_of_day(d(2026, 2, 14)),
            utc("2026-02-13T16:00:00Z")
        );
        assert_eq!(
            china_end_of_day_exclusive(d(2026, 2, 14)),
            utc("2026-02-14T16:00:00Z")
        );
    }

    #[test]
    fn matches_the_iana_database() {
        let shanghai = chrono_tz::Asia::Shanghai;
        let mut instant = utc("1992-01-01T00:00:00Z");
        let end = utc("2100-01-01T00:00:00Z");
        while instant < end {
            // Noon and the two sides of China midnight each day.
            for probe in [
                instant,
                instant + Duration::hours(15) + Duration::minutes(59),
                instant + Duration::hours(16),
            ] {
                assert_eq!(
                    china_date(probe),
                    probe.with_timezone(&shanghai).date_naive(),
                    "at {probe}"
                );
            }
            instant += Duration::days(1);
        }
    }
}
