//! The runner's clock. Every handler gets `now` from here, so tests can move time (an expired link,
//! an expired token) without waiting for it.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, FixedOffset, Utc};

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
/// same offset (both read [`CLOCK_OFFSET_ENV`], or the older [`CLOCK_OFFSET_DAYS_ENV`]).
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    pub offset: Duration,
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// The variable that sets the local clock: a signed duration (`60d`, `-2h`, `1d12h`) or an RFC 3339
/// instant (see [`parse_clock_offset`]).
pub const CLOCK_OFFSET_ENV: &str = "AWARD_CLOCK_OFFSET";
/// The older variable: a whole number of days, possibly negative.
pub const CLOCK_OFFSET_DAYS_ENV: &str = "AWARD_CLOCK_OFFSET_DAYS";
/// The largest shift either variable may ask for, in days (a century either way): beyond it the
/// value is a typing error, not a rehearsal.
const MAX_OFFSET_DAYS: i64 = 36_500;

/// How the environment sets the runner's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSetting {
    /// The machine's clock shifted by this much (negative: into the past).
    Shift(Duration),
    /// The clock reads this instant when the runner starts and runs on from there.
    StartAt(DateTime<FixedOffset>),
}

impl ClockSetting {
    /// The shift from the machine's clock, read at `machine_now`, that this setting asks for:
    /// the shift itself, or the distance from `machine_now` to the start instant. Errors: a start
    /// instant more than 36 500 days away.
    pub fn offset_at(&self, machine_now: DateTime<Utc>) -> Result<Duration, String> {
        match self {
            Self::Shift(shift) => Ok(*shift),
            Self::StartAt(instant) => {
                let offset = instant.with_timezone(&Utc) - machine_now;
                if offset.num_days().abs() > MAX_OFFSET_DAYS {
                    Err(format!(
                        "{} is more than 36500 days from now",
                        instant.to_rfc3339()
                    ))
                } else {
                    Ok(offset)
                }
            }
        }
    }
}

impl std::fmt::Display for ClockSetting {
    /// `shifted by -1d2h30m` or `started at 2026-10-12T23:59:00+08:00`, for the runner's banner.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Shift(shift) => write!(f, "shifted by {}", describe_shift(*shift)),
            Self::StartAt(instant) => write!(f, "started at {}", instant.to_rfc3339()),
        }
    }
}

/// A shift written the way [`parse_clock_offset`] reads it: `1d12h`, `-90s`, `0s`.
fn describe_shift(shift: Duration) -> String {
    let sign = if shift < Duration::zero() { "-" } else { "" };
    let mut seconds = shift.num_seconds().unsigned_abs();
    if seconds == 0 {
        return "0s".into();
    }
    let mut text = sign.to_owned();
    for (unit, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
        if seconds >= size {
            text.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    text
}

/// The clock the environment asks for, read through `lookup` (the process environment in the
/// binary): [`CLOCK_OFFSET_ENV`], else the older [`CLOCK_OFFSET_DAYS_ENV`]; `Ok(None)` when
/// neither is set (an empty value is unset). Errors: both set, or a value that does not parse
/// (the message names the variable and the forms it takes).
pub fn clock_setting_from(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<ClockSetting>, String> {
    let read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    match (read(CLOCK_OFFSET_ENV), read(CLOCK_OFFSET_DAYS_ENV)) {
        (Some(_), Some(_)) => Err(format!(
            "{CLOCK_OFFSET_ENV} and {CLOCK_OFFSET_DAYS_ENV} are both set; set only one \
             ({CLOCK_OFFSET_DAYS_ENV}=N is {CLOCK_OFFSET_ENV}=Nd)"
        )),
        (Some(text), None) => parse_clock_offset(&text)
            .map(Some)
            .map_err(|why| format!("{CLOCK_OFFSET_ENV}={text:?}: {why}")),
        (None, Some(text)) => parse_offset_days(&text)
            .map(|days| Some(ClockSetting::Shift(days)))
            .map_err(|why| format!("{CLOCK_OFFSET_DAYS_ENV}={text:?}: {why}")),
        (None, None) => Ok(None),
    }
}

/// `AWARD_CLOCK_OFFSET`: a signed duration, one or more of `<n>d`, `<n>h`, `<n>m`, `<n>s` in that
/// order, each at most once, after an optional `+` or `-` (`60d`, `-2h`, `90m`, `1d12h`, `0`), at
/// most 36 500 days; or an RFC 3339 instant (`2026-10-12T23:59:00+08:00`), at which the clock
/// starts. Errors: the reason, in English, for the person who set it.
pub fn parse_clock_offset(text: &str) -> Result<ClockSetting, String> {
    const FORMS: &str = "a signed duration such as 60d, -2h, 90m, 30s or 1d12h, \
                         or an RFC 3339 instant such as 2026-10-12T23:59:00+08:00";
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(ClockSetting::StartAt(instant));
    }
    // Something that was meant as an instant gets the instant's reason, not the duration's.
    let dated = text.len() > 4
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    if dated || text.contains(['T', ':']) {
        return Err(format!(
            "not an RFC 3339 instant (it needs a date, a time and an offset, as in \
             2026-10-12T23:59:00+08:00); expected {FORMS}"
        ));
    }
    parse_shift(text)
        .map(ClockSetting::Shift)
        .map_err(|why| format!("{why}; expected {FORMS}"))
}

fn parse_shift(text: &str) -> Result<Duration, String> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(Duration::zero());
    }
    if rest.is_empty() {
        return Err("no duration".into());
    }
    const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
    let mut seconds: i64 = 0;
    // Units must come in the order of UNITS, each once: `next_unit` is the first still allowed.
    let mut next_unit = 0;
    let mut digits = String::new();
    for character in rest.chars() {
        if character.is_ascii_digit() {
            digits.push(character);
            continue;
        }
        let Some(position) = UNITS.iter().position(|(unit, _)| *unit == character) else {
            return Err(format!(
                "{character:?} is not a unit (d days, h hours, m minutes, s seconds)"
            ));
        };
        if digits.is_empty() {
            return Err(format!("no number before {character:?}"));
        }
        if position < next_unit {
            return Err("units must come in the order d, h, m, s, each once".into());
        }
        let amount: i64 = digits
            .parse()
            .ok()
            .filter(|amount| *amount <= MAX_OFFSET_DAYS * 86_400)
            .ok_or("the shift is longer than 36500 days")?;
        seconds = UNITS[position]
            .1
            .checked_mul(amount)
            .and_then(|part| seconds.checked_add(part))
            .ok_or("the shift is longer than 36500 days")?;
        next_unit = position + 1;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(format!(
            "{digits} has no unit (d days, h hours, m minutes, s seconds: {digits}d for days)"
        ));
    }
    if seconds > MAX_OFFSET_DAYS * 86_400 {
        return Err("the shift is longer than 36500 days".into());
    }
    let shift = Duration::seconds(seconds);
    Ok(if negative { -shift } else { shift })
}

/// `AWARD_CLOCK_OFFSET_DAYS`: a whole number of days, possibly negative, at most 36 500 either way.
pub fn parse_offset_days(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|days| days.abs() <= MAX_OFFSET_DAYS)
        .map(Duration::days)
        .ok_or_else(|| "must be a whole number of days, at most 36500 either way".to_owned())
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

    fn shift(text: &str) -> Duration {
        match parse_clock_offset(text) {
            Ok(ClockSetting::Shift(shift)) => shift,
            other => panic!("{text:?}: expected a shift, got {other:?}"),
        }
    }

    #[test]
    fn a_clock_offset_is_a_signed_duration_in_days_hours_minutes_and_seconds() {
        assert_eq!(shift("60d"), Duration::days(60));
        assert_eq!(shift("-2h"), -Duration::hours(2));
        assert_eq!(shift("+90m"), Duration::minutes(90));
        assert_eq!(shift("30s"), Duration::seconds(30));
        assert_eq!(shift(" 1d12h "), Duration::hours(36));
        assert_eq!(
            shift("-1d2h3m4s"),
            -(Duration::days(1) + Duration::hours(2) + Duration::minutes(3) + Duration::seconds(4))
        );
        assert_eq!(shift("0"), Duration::zero());
        assert_eq!(shift("0d"), Duration::zero());
        assert_eq!(shift("36500d"), Duration::days(36_500));
        assert_eq!(shift("-36500d"), -Duration::days(36_500));
    }

    #[test]
    fn a_clock_offset_may_be_an_instant_the_clock_starts_at() {
        let Ok(ClockSetting::StartAt(instant)) = parse_clock_offset("2026-10-12T23:59:00+08:00")
        else {
            panic!("expected an instant");
        };
        assert_eq!(instant.to_rfc3339(), "2026-10-12T23:59:00+08:00");
        let machine_now = DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let setting = ClockSetting::StartAt(instant);
        assert_eq!(
            machine_now + setting.offset_at(machine_now).unwrap(),
            instant.with_timezone(&Utc),
            "the clock reads the instant when the runner starts"
        );
        let far = parse_clock_offset("2999-01-01T00:00:00Z").unwrap();
        assert!(
            far.offset_at(machine_now)
                .is_err_and(|message| message.contains("more than 36500 days")),
            "an instant beyond a century is refused when the clock starts"
        );
        assert_eq!(
            parse_clock_offset("2026-03-02T01:00:00Z"),
            Ok(ClockSetting::StartAt(
                DateTime::parse_from_rfc3339("2026-03-02T01:00:00+00:00").unwrap()
            ))
        );
    }

    #[test]
    fn a_bad_clock_offset_is_refused_with_its_reason() {
        for (text, reason) in [
            ("", "no duration"),
            ("-", "no duration"),
            ("60", "has no unit"),
            ("1d12", "has no unit"),
            ("60D", "is not a unit"),
            ("2w", "is not a unit"),
            ("1.5d", "is not a unit"),
            ("d", "no number before"),
            ("12h1d", "in the order d, h, m, s"),
            ("1h1h", "in the order d, h, m, s"),
            ("--1d", "is not a unit"),
            ("1 d", "is not a unit"),
            ("36501d", "longer than 36500 days"),
            ("99999999999999999999s", "longer than 36500 days"),
            ("3153600001s", "longer than 36500 days"),
            ("2026-10-12", "not an RFC 3339 instant"),
            ("2026-10-12T23:59:00", "not an RFC 3339 instant"),
            ("2026-10-12 23:59", "not an RFC 3339 instant"),
        ] {
            match parse_clock_offset(text) {
                Err(message) => {
                    assert!(message.contains(reason), "{text:?}: {message}");
                    assert!(message.contains("expected"), "{text:?}: {message}");
                }
                Ok(setting) => panic!("{text:?} was accepted as {setting:?}"),
            }
        }
    }

    #[test]
    fn the_environment_takes_either_variable_but_not_both() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(clock_setting_from(env(&[])), Ok(None));
        assert_eq!(
            clock_setting_from(env(&[(CLOCK_OFFSET_ENV, " "), (CLOCK_OFFSET_DAYS_ENV, "")])),
            Ok(None),
            "empty values are unset"
        );
        assert_eq!(
            clock_setting_from(env(&[(CLOCK_OFFSET_DAYS_ENV, "-3")])),
            Ok(Some(ClockSetting::Shift(-Duration::days(3)))),
            "the older variable keeps working"
        );
        assert_eq!(
            clock_setting_from(env(&[(CLOCK_OFFSET_ENV, "1d12h")])),
            Ok(Some(ClockSetting::Shift(Duration::hours(36))))
        );
        let both = clock_setting_from(env(&[
            (CLOCK_OFFSET_ENV, "1d"),
            (CLOCK_OFFSET_DAYS_ENV, "1"),
        ]));
        assert!(
            both.as_ref()
                .is_err_and(|message| message.contains("both set")),
            "{both:?}"
        );
        let days = clock_setting_from(env(&[(CLOCK_OFFSET_DAYS_ENV, "60d")]));
        assert!(
            days.as_ref().is_err_and(|message| message
                .starts_with("AWARD_CLOCK_OFFSET_DAYS=\"60d\": must be a whole number")),
            "{days:?}"
        );
        let bad = clock_setting_from(env(&[(CLOCK_OFFSET_ENV, "soon")]));
        assert!(
            bad.as_ref()
                .is_err_and(|message| message.starts_with("AWARD_CLOCK_OFFSET=\"soon\": ")),
            "{bad:?}"
        );
    }

    #[test]
    fn a_setting_is_shown_as_it_is_written() {
        assert_eq!(
            ClockSetting::Shift(Duration::hours(36)).to_string(),
            "shifted by 1d12h"
        );
        assert_eq!(
            ClockSetting::Shift(-Duration::seconds(90)).to_string(),
            "shifted by -1m30s"
        );
        assert_eq!(
            ClockSetting::Shift(Duration::zero()).to_string(),
            "shifted by 0s"
        );
        assert_eq!(
            parse_clock_offset("2026-10-12T23:59:00+08:00")
                .unwrap()
                .to_string(),
            "started at 2026-10-12T23:59:00+08:00"
        );
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
