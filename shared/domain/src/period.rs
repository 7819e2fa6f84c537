//! Periods counted in years: award validity (Art. 5, Art. 18), debarment (Arts. 17, 18), years of
//! operation (Art. 10(1)).
//!
//! One rule, from the PRC Civil Code (民法典) Arts. 201–203: the start day is not counted; a period
//! in years ends on the corresponding day of the final year (到期月的对应日为期间的最后一日), and when
//! that month has no corresponding day — a period starting on 29 February ending in a common year —
//! on the last day of that month (没有对应日的，月末日为期间的最后一日). So a 5-year period from
//! 2024-02-29 ends on 2029-02-28, one from 2026-10-20 on 2031-10-20, both days included.

use chrono::{Months, NaiveDate};

/// The last day of a period of `years` years starting on `start` (the start day itself not
/// counted), per Civil Code Art. 202–203. `None` only beyond chrono's date range.
pub fn last_day_of_years(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    // chrono clamps to the month's last day when the day does not exist, which is Art. 203's rule.
    start.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// The first day after such a period.
pub fn day_after_years(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    last_day_of_years(start, years)?.succ_opt()
}

/// Whether `years` full years have passed between `start` and the end of `on`.
pub fn years_completed_by(start: NaiveDate, years: u32, on: NaiveDate) -> bool {
    last_day_of_years(start, years).is_some_and(|last| last <= on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn corresponding_day_or_month_end() {
        assert_eq!(last_day_of_years(d(2026, 10, 20), 5), Some(d(2031, 10, 20)));
        assert_eq!(last_day_of_years(d(2024, 2, 29), 5), Some(d(2029, 2, 28)));
        assert_eq!(last_day_of_years(d(2024, 2, 29), 4), Some(d(2028, 2, 29)));
        assert_eq!(day_after_years(d(2024, 2, 29), 5), Some(d(2029, 3, 1)));
        assert_eq!(day_after_years(d(2026, 12, 31), 10), Some(d(2037, 1, 1)));
    }

    #[test]
    fn years_completed() {
        assert!(years_completed_by(d(2023, 3, 1), 3, d(2026, 3, 1)));
        assert!(!years_completed_by(d(2023, 3, 2), 3, d(2026, 3, 1)));
        assert!(years_completed_by(d(2020, 2, 29), 3, d(2023, 2, 28)));
        assert!(!years_completed_by(d(2020, 2, 29), 3, d(2023, 2, 27)));
    }
}
