//! The official working-day calendar (Art. 11(8): publicity lasts at least 5 working days).
//!
//! Working days follow the State Council General Office's annual holiday notices: days inside a
//! holiday period are off, adjusted weekend days (调休上班) are on, every other day is on from Monday
//! to Friday. The data is a file, `data/holidays.json`, one entry per notice with its source; the
//! crate embeds it as the default ([`WorkingCalendar::official`]) and the Office can load a newer
//! file (or add one year's notice) at run time with [`WorkingCalendar::from_json`] /
//! [`WorkingCalendar::with_notice`], no code change.
//!
//! A date is *covered* when the notice for its calendar year is loaded. Asking about any other date
//! is [`CalendarError::YearNotCovered`]: never a weekend-only guess, because a guess would put a
//! publicity end on a statutory holiday. Off days and working days from every loaded notice apply
//! whatever their year (the 2023 notice puts 2022-12-31 into the New Year holiday).

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The embedded default data, 2022–2026.
pub const OFFICIAL_DATA: &str = include_str!("../data/holidays.json");
/// The name [`OFFICIAL_DATA`] goes by in errors.
pub const OFFICIAL_FILE: &str = "award-domain/data/holidays.json";

/// One holiday period of a notice, both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HolidayPeriod {
    pub name: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// One annual State Council General Office notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HolidayNotice {
    pub year: i32,
    /// The notice's title.
    pub notice: String,
    pub published: NaiveDate,
    /// Where the notice was published (gov.cn).
    pub source: String,
    pub off: Vec<HolidayPeriod>,
    /// Weekend days that are working days (调休上班).
    pub working_days: Vec<NaiveDate>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CalendarError {
    /// No holiday notice is loaded for this year.
    #[error("no official holiday notice is loaded for {year} (asked about {date})")]
    YearNotCovered { year: i32, date: NaiveDate },
    #[error("the {year} notice is invalid: {message}")]
    InvalidNotice { year: i32, message: String },
    #[error("the notice for {year} is loaded twice")]
    DuplicateYear { year: i32 },
    #[error("counting working days left the loaded years")]
    OutOfRange,
    /// A holiday file that does not load, naming the file and, when the fault is inside one
    /// year's entry, that year (`None`: the file as a whole, or an entry without a readable year).
    #[error("holiday data {file}{}: {message}", year.map(|year| format!(", the {year} entry")).unwrap_or_default())]
    Load {
        file: String,
        year: Option<i32>,
        message: String,
    },
}

/// Which days are working days, from the loaded notices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingCalendar {
    notices: BTreeMap<i32, HolidayNotice>,
    off: BTreeSet<NaiveDate>,
    on: BTreeSet<NaiveDate>,
}

// Never an empty calendar in place of a bad file: that would count every holiday as a working
// day. The error is kept and returned by every call, and start-up calls it first.
static OFFICIAL: LazyLock<Result<WorkingCalendar, CalendarError>> =
    LazyLock::new(|| WorkingCalendar::from_json(OFFICIAL_FILE, OFFICIAL_DATA));

impl WorkingCalendar {
    /// The calendar from the embedded `data/holidays.json`.
    ///
    /// Errors: [`CalendarError::Load`] when that file does not load. The functions and the local
    /// runner call this at start-up (`AppConfig::from_lookup` in `award-app`), so a bad file stops
    /// them there rather than at the first deadline computed.
    pub fn official() -> Result<&'static WorkingCalendar, CalendarError> {
        OFFICIAL.as_ref().map_err(Clone::clone)
    }

    /// Parses a calendar file (the format of `data/holidays.json`) and validates every notice.
    ///
    /// Errors: [`CalendarError::Load`] naming `file` and, for a fault inside one year's entry
    /// (a field that does not parse, an invalid or duplicate notice), that year.
    pub fn from_json(file: &str, json: &str) -> Result<Self, CalendarError> {
        let load = |year: Option<i32>, message: String| CalendarError::Load {
            file: file.to_owned(),
            year,
            message,
        };
        // Read entry by entry, so that a fault names the year it is in.
        #[derive(Deserialize, schemars::JsonSchema)]
        struct RawFile {
            years: Vec<serde_json::Value>,
        }
        let raw: RawFile = serde_json::from_str(json).map_err(|error| {
            load(
                None,
                format!("not valid JSON for the calendar format: {error}"),
            )
        })?;
        raw.years
            .into_iter()
            .enumerate()
            .try_fold(Self::default(), |calendar, (index, entry)| {
                let year = entry
                    .get("year")
                    .and_then(serde_json::Value::as_i64)
                    .and_then(|year| i32::try_from(year).ok());
                let notice: HolidayNotice = serde_json::from_value(entry).map_err(|error| {
                    let place = if year.is_some() {
                        String::new()
                    } else {
                        format!("entry {index}: ")
                    };
                    load(year, format!("{place}{error}"))
                })?;
                calendar
                    .with_notice(notice)
                    .map_err(|error| load(year, error.to_string()))
            })
    }

    /// Adds one year's notice (validated); refuses a year already loaded.
    pub fn with_notice(mut self, notice: HolidayNotice) -> Result<Self, CalendarError> {
        validate_notice(&notice)?;
        if self.notices.contains_key(&notice.year) {
            return Err(CalendarError::DuplicateYear { year: notice.year });
        }
        for period in &notice.off {
            self.off.extend(
                period
                    .first
                    .iter_days()
                    .take_while(|day| *day <= period.last),
            );
        }
        self.on.extend(notice.working_days.iter().copied());
        self.notices.insert(notice.year, notice);
        Ok(self)
    }

    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }

    pub fn notice(&self, year: i32) -> Option<&HolidayNotice> {
        self.notices.get(&year)
    }

    pub fn is_covered(&self, date: NaiveDate) -> bool {
        self.notices.contains_key(&date.year())
    }

    /// Whether `date` is an official working day (Art. 11(8)).
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.is_covered(date) {
            return Err(CalendarError::YearNotCovered {
                year: date.year(),
                date,
            });
        }
        Ok(self.on.contains(&date)
            || (!self.off.contains(&date)
                && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)))
    }

    /// The `count`-th working day strictly after `date`; `date` itself when `count` is 0.
    ///
    /// Errors when a day on the way is in a year with no notice.
    pub fn add_working_days(
        &self,
        date: NaiveDate,
        count: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut remaining = count;
        while remaining > 0 {
            day = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_working_day(day)? {
                remaining -= 1;
            }
        }
        Ok(day)
    }

    /// The first working day on or after `date`.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? {
            Ok(date)
        } else {
            self.add_working_days(date, 1)
        }
    }

    /// The last day of a publicity that starts on `start` and lasts `working_days` working days
    /// (Art. 11(8): at least 5).
    ///
    /// Counting is inclusive of the start: when `start` is a working day it is the first of the
    /// working days; when it is an off day, counting begins with the next working day. The result is
    /// the last working day of the publicity, itself inclusive: comments are accepted until 24:00
    /// China time on that day, and the next step may be taken from the following day.
    pub fn publicity_last_day(
        &self,
        start: NaiveDate,
        working_days: u32,
    ) -> Result<NaiveDate, CalendarError> {
        let first = self.working_day_on_or_after(start)?;
        self.add_working_days(first, working_days.saturating_sub(1))
    }
}

fn validate_notice(notice: &HolidayNotice) -> Result<(), CalendarError> {
    let invalid = |message: String| CalendarError::InvalidNotice {
        year: notice.year,
        message,
    };
    for period in &notice.off {
        if period.last < period.first {
            return Err(invalid(format!("{} ends before it starts", period.name)));
        }
        // A notice may reach into the neighbouring year (New Year), never further.
        for day in [period.first, period.last] {
            if (day.year() - notice.year).abs() > 1 {
                return Err(invalid(format!(
                    "{} lies outside {}",
                    period.name, notice.year
                )));
            }
        }
    }
    for day in &notice.working_days {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err(invalid(format!(
                "adjusted working day {day} is not a weekend day"
            )));
        }
        if notice.off.iter().any(|p| p.first <= *day && *day <= p.last) {
            return Err(invalid(format!(
                "{day} is both a working day and a holiday"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> &'static WorkingCalendar {
        WorkingCalendar::official().unwrap()
    }

    #[test]
    fn official_data_loads() {
        let calendar = WorkingCalendar::from_json(OFFICIAL_FILE, OFFICIAL_DATA).unwrap();
        assert_eq!(
            calendar.covered_years().collect::<Vec<_>>(),
            vec![2022, 2023, 2024, 2025, 2026]
        );
        assert_eq!(&calendar, cal());
        for year in 2022..=2026 {
            assert!(calendar.notice(year).unwrap().source.contains("gov.cn"));
        }
    }

    /// Every day of 2022 – 2026-12-25 agrees with the `chinese_holiday` crate, an independent copy
    /// of the same notices (it stops at 2026-12-25). The data was also checked day by day against
    /// the PyPI package `chinesecalendar` 1.11.0 when it was written.
    #[test]
    fn agrees_with_chinese_holiday_crate() {
        for day in d(2022, 1, 1)
            .iter_days()
            .take_while(|day| *day <= d(2026, 12, 25))
        {
            let theirs = chinese_holiday::chinese_holiday(chinese_holiday::Ymd::new(
                day.year() as u16,
                day.month() as u8,
                day.day() as u8,
            ))
            .is_workday();
            assert_eq!(cal().is_working_day(day).unwrap(), theirs, "{day}");
        }
    }

    #[test]
    fn every_2026_holiday_period_is_off_and_every_adjusted_day_is_on() {
        let periods = [
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ];
        for (first, last) in periods {
            for day in first.iter_days().take_while(|day| *day <= last) {
                assert!(!cal().is_working_day(day).unwrap(), "{day} should be off");
            }
            // The day after each period is a working day (the periods are what the notice says).
            assert!(
                cal()
                    .working_day_on_or_after(last.succ_opt().unwrap())
                    .unwrap()
                    > last
            );
        }
        for day in [
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ] {
            assert!(cal().is_working_day(day).unwrap(), "{day} should be on");
        }
        // An ordinary weekend stays off, an ordinary weekday on.
        assert!(!cal().is_working_day(d(2026, 3, 7)).unwrap());
        assert!(cal().is_working_day(d(2026, 3, 9)).unwrap());
    }

    #[test]
    fn publicity_from_the_working_saturday_before_spring_festival() {
        // 2026-02-14 (Sat) works, 15–23 off, then 24, 25, 26, 27.
        assert_eq!(
            cal().publicity_last_day(d(2026, 2, 14), 5).unwrap(),
            d(2026, 2, 27)
        );
    }

    #[test]
    fn publicity_across_the_national_day_week() {
        // 29, 30 Sep, then 1–7 Oct off, then 8, 9 Oct and the working Saturday 10 Oct.
        assert_eq!(
            cal().publicity_last_day(d(2026, 9, 29), 5).unwrap(),
            d(2026, 10, 10)
        );
        // Starting in the holiday, counting begins on 8 Oct and the working Saturday 10 Oct counts.
        assert_eq!(
            cal().publicity_last_day(d(2026, 10, 3), 5).unwrap(),
            d(2026, 10, 13)
        );
    }

    #[test]
    fn publicity_over_each_other_2026_holiday() {
        // New Year: starts Wed 31 Dec 2025 → 31, (1–3 off), the working Sunday 4 Jan, 5, 6, 7.
        assert_eq!(
            cal().publicity_last_day(d(2025, 12, 31), 5).unwrap(),
            d(2026, 1, 7)
        );
        // Qingming: Thu 2 Apr → 2, 3, (4–6 off), 7, 8, 9.
        assert_eq!(
            cal().publicity_last_day(d(2026, 4, 2), 5).unwrap(),
            d(2026, 4, 9)
        );
        // Labour Day: Wed 29 Apr → 29, 30, (1–5 off), 6, 7, 8.
        assert_eq!(
            cal().publicity_last_day(d(2026, 4, 29), 5).unwrap(),
            d(2026, 5, 8)
        );
        // Dragon Boat: Thu 18 Jun → 18, (19–21 off), 22, 23, 24, 25.
        assert_eq!(
            cal().publicity_last_day(d(2026, 6, 18), 5).unwrap(),
            d(2026, 6, 25)
        );
        // Mid-Autumn, with the working Sunday 20 Sep: Fri 18 → 18, Sun 20, 21, 22, 23.
        assert_eq!(
            cal().publicity_last_day(d(2026, 9, 18), 5).unwrap(),
            d(2026, 9, 23)
        );
        // Spring Festival with the working Saturday 28 Feb: Wed 25 → 25, 26, 27, Sat 28, Mon 2 Mar.
        assert_eq!(
            cal().publicity_last_day(d(2026, 2, 25), 5).unwrap(),
            d(2026, 3, 2)
        );
    }

    #[test]
    fn a_year_without_a_notice_is_an_error() {
        assert_eq!(
            cal().is_working_day(d(2027, 3, 1)),
            Err(CalendarError::YearNotCovered {
                year: 2027,
                date: d(2027, 3, 1)
            })
        );
        // Counting that runs past the data is an error too, not a guess.
        assert!(matches!(
            cal().publicity_last_day(d(2026, 12, 29), 5),
            Err(CalendarError::YearNotCovered { year: 2027, .. })
        ));
    }

    #[test]
    fn the_office_can_load_a_new_year() {
        let notice = HolidayNotice {
            year: 2027,
            notice: "国务院办公厅关于2027年部分节假日安排的通知".into(),
            published: d(2026, 11, 1),
            source: "https://www.gov.cn/".into(),
            off: vec![HolidayPeriod {
                name: "元旦".into(),
                first: d(2027, 1, 1),
                last: d(2027, 1, 3),
            }],
            working_days: vec![d(2027, 1, 9)],
        };
        let calendar = cal().clone().with_notice(notice.clone()).unwrap();
        assert!(!calendar.is_working_day(d(2027, 1, 1)).unwrap());
        assert!(calendar.is_working_day(d(2027, 1, 9)).unwrap());
        assert_eq!(
            calendar.publicity_last_day(d(2026, 12, 29), 5).unwrap(),
            d(2027, 1, 5)
        );
        assert_eq!(
            calendar.clone().with_notice(notice),
            Err(CalendarError::DuplicateYear { year: 2027 })
        );
        // The same through the file format.
        let json = serde_json::json!({ "years": [calendar.notice(2027).unwrap()] }).to_string();
        assert!(
            WorkingCalendar::from_json("holidays-2027.json", &json)
                .unwrap()
                .is_working_day(d(2027, 1, 9))
                .unwrap()
        );
    }

    #[test]
    fn invalid_notices_are_refused() {
        let mut notice = cal().notice(2026).unwrap().clone();
        notice.working_days.push(d(2026, 3, 4)); // a Wednesday
        assert!(matches!(
            WorkingCalendar::default().with_notice(notice),
            Err(CalendarError::InvalidNotice { year: 2026, .. })
        ));
        let mut notice = cal().notice(2026).unwrap().clone();
        notice.working_days.push(d(2026, 2, 15)); // inside Spring Festival
        assert!(WorkingCalendar::default().with_notice(notice).is_err());
    }

    /// A file that does not load is an error naming the file and the year, never an empty (or a
    /// partial) calendar that would count holidays as working days.
    #[test]
    fn holiday_data_that_does_not_load_names_the_file_and_the_year() {
        let error = WorkingCalendar::from_json("holidays.json", "{").unwrap_err();
        assert!(
            matches!(&error, CalendarError::Load { file, year: None, .. } if file == "holidays.json"),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("holiday data holidays.json: ")
        );

        // A date that does not parse inside the 2025 entry.
        let broken = OFFICIAL_DATA.replacen("\"2025-01-28\"", "\"2025-01-32\"", 1);
        assert_ne!(broken, OFFICIAL_DATA, "the fixture edits the 2025 entry");
        let error = WorkingCalendar::from_json("data/holidays.json", &broken).unwrap_err();
        assert!(
            matches!(&error, CalendarError::Load { file, year: Some(2025), .. } if file == "data/holidays.json"),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("holiday data data/holidays.json, the 2025 entry: "),
            "{error}"
        );

        // An entry that parses but breaks a rule, and a year listed twice.
        let mut notice = cal().notice(2026).unwrap().clone();
        notice.working_days.push(d(2026, 3, 4)); // a Wednesday
        let json = serde_json::json!({ "years": [notice] }).to_string();
        assert!(matches!(
            WorkingCalendar::from_json("f.json", &json),
            Err(CalendarError::Load {
                year: Some(2026),
                ..
            })
        ));
        let twice = cal().notice(2024).unwrap();
        let json = serde_json::json!({ "years": [twice, twice] }).to_string();
        assert!(matches!(
            WorkingCalendar::from_json("f.json", &json),
            Err(CalendarError::Load {
                year: Some(2024),
                ..
            })
        ));
        // An entry without a readable year is placed by its position.
        let json = r#"{ "years": [ { "notice": "no year" } ] }"#;
        let error = WorkingCalendar::from_json("f.json", json).unwrap_err();
        assert!(error.to_string().contains("entry 0: "), "{error}");
    }

    fn covered_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..(365 * 5 - 40)).prop_map(|offset| d(2022, 1, 1) + chrono::Duration::days(offset))
    }

    proptest! {
        /// add_working_days never lands on an off day, and is monotonic in both arguments.
        #[test]
        fn add_working_days_is_monotonic_and_lands_on_working_days(
            a in covered_day(), b in covered_day(), n in 1u32..15, m in 1u32..15
        ) {
            let (early, late) = if a <= b { (a, b) } else { (b, a) };
            let (few, many) = if n <= m { (n, m) } else { (m, n) };
            let result = cal().add_working_days(early, few).unwrap();
            prop_assert!(cal().is_working_day(result).unwrap());
            prop_assert!(result > early);
            prop_assert!(result <= cal().add_working_days(late, few).unwrap());
            let further = cal().add_working_days(early, many).unwrap();
            prop_assert!(few == many || result < further);
            // Exactly `few` working days lie in (early, result].
            let counted = early.iter_days().skip(1).take_while(|day| *day <= result)
                .filter(|day| cal().is_working_day(*day).unwrap()).count();
            prop_assert_eq!(counted, few as usize);
        }

        /// A publicity always contains exactly the requested number of working days, and ends on one.
        #[test]
        fn publicity_contains_five_working_days(start in covered_day()) {
            let last = cal().publicity_last_day(start, 5).unwrap();
            prop_assert!(cal().is_working_day(last).unwrap());
            let counted = start.iter_days().take_while(|day| *day <= last)
                .filter(|day| cal().is_working_day(*day).unwrap()).count();
            prop_assert_eq!(counted, 5);
        }
    }
}
