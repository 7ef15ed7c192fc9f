//! Civil time without a time crate: RFC 3339 formatting and parsing, the time forms the
//! Docker CLI takes for `--since`/`--until`, Go durations, and go-units' human durations.
//!
//! Dates use Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms on the
//! proleptic Gregorian calendar, exact for every `i64` day count that fits a year in `i64`.
//! There is no time zone database: times are printed in UTC, and a time given without a
//! zone is read as UTC.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: i128 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 of the civil date `y-m-d` (`m` in 1..=12, `d` in 1..=31).
///
/// ```
/// assert_eq!(dkr::time::days_from_civil(1970, 1, 1), 0);
/// assert_eq!(dkr::time::days_from_civil(2000, 3, 1), 11_017);
/// assert_eq!(dkr::time::days_from_civil(1969, 12, 31), -1);
/// ```
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of `z` days since 1970-01-01.
///
/// ```
/// assert_eq!(dkr::time::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(dkr::time::civil_from_days(-1), (1969, 12, 31));
/// assert_eq!(dkr::time::civil_from_days(20_785), (2026, 11, 28));
/// ```
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The day of the week of `z` days since 1970-01-01: 0 is Sunday.
pub fn weekday_from_days(z: i64) -> u32 {
    // 1970-01-01 was a Thursday (4).
    (z + 4).rem_euclid(7) as u32
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A point in time as nanoseconds since the Unix epoch (negative before it).
///
/// `i128` covers every `SystemTime` and every `i64` of seconds with nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixNanos(pub i128);

impl UnixNanos {
    /// From whole seconds and nanoseconds.
    pub fn new(secs: i64, nanos: u32) -> UnixNanos {
        UnixNanos(i128::from(secs) * NANOS_PER_SEC + i128::from(nanos))
    }

    /// From a `SystemTime`, before the epoch included.
    pub fn from_system(t: SystemTime) -> UnixNanos {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => UnixNanos(d.as_nanos() as i128),
            Err(e) => UnixNanos(-(e.duration().as_nanos() as i128)),
        }
    }

    /// As a `SystemTime`, or `None` when the platform cannot hold it.
    pub fn to_system(self) -> Option<SystemTime> {
        let magnitude = Duration::new(
            u64::try_from(self.0.unsigned_abs() / NANOS_PER_SEC as u128).ok()?,
            (self.0.unsigned_abs() % NANOS_PER_SEC as u128) as u32,
        );
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// Whole seconds, rounded toward negative infinity.
    pub fn secs(self) -> i128 {
        self.0.div_euclid(NANOS_PER_SEC)
    }

    /// The nanoseconds within the second, `0..1_000_000_000`.
    pub fn subsec_nanos(self) -> u32 {
        self.0.rem_euclid(NANOS_PER_SEC) as u32
    }
}

/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`: RFC 3339 in UTC with exactly nine fraction digits,
/// as `docker events` prints times (Go's `RFC3339NanoFixed`).
///
/// ```
/// use dkr::time::{rfc3339_nanos_fixed, UnixNanos};
/// assert_eq!(
///     rfc3339_nanos_fixed(UnixNanos(1_795_863_893_397_002_825)),
///     "2026-11-28T11:04:53.397002825Z"
/// );
/// ```
pub fn rfc3339_nanos_fixed(t: UnixNanos) -> String {
    let (date, secs_of_day) = split_days(t.secs());
    format!(
        "{}T{}.{:09}Z",
        Ymd(date),
        Hms(secs_of_day),
        t.subsec_nanos()
    )
}

/// `YYYY-MM-DDTHH:MM:SSZ`, or with the fraction digits that are not zero
/// (`...:05.5Z`), like Go's `time.RFC3339Nano` in UTC.
pub fn rfc3339_nanos(t: UnixNanos) -> String {
    let (date, secs_of_day) = split_days(t.secs());
    let mut s = format!("{}T{}", Ymd(date), Hms(secs_of_day));
    let nanos = t.subsec_nanos();
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

/// Go's `time.ANSIC` layout, `Mon Jan _2 15:04:05 2006`, of a wall-clock time given as
/// seconds since the epoch (the caller adds any zone offset first).
///
/// ```
/// // docker version prints the engine's BuildTime this way.
/// let t = dkr::time::parse_rfc3339("2026-05-07T21:09:36.000000000+00:00").unwrap();
/// assert_eq!(dkr::time::ansic(t.wall_secs()), "Thu May  7 21:09:36 2026");
/// ```
pub fn ansic(wall_secs: i128) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs_of_day) = split_days(wall_secs);
    let (y, m, d) = civil_from_days(days);
    let weekday = DAYS[weekday_from_days(days) as usize];
    let month = MONTHS[(m as usize).saturating_sub(1).min(11)];
    format!("{weekday} {month} {d:>2} {} {y}", Hms(secs_of_day))
}

/// Days since the epoch and seconds into that day; days saturate at the `i64` range.
fn split_days(secs: i128) -> (i64, i64) {
    let day = i128::from(SECS_PER_DAY);
    let days = secs.div_euclid(day);
    let secs_of_day = secs.rem_euclid(day) as i64;
    let days = i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX });
    // Keep civil_from_days away from overflow: ±2^50 days is far beyond any real time.
    (days.clamp(-(1 << 50), 1 << 50), secs_of_day)
}

struct Ymd(i64);

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        if (0..=9999).contains(&y) {
            write!(f, "{y:04}-{m:02}-{d:02}")
        } else {
            write!(f, "{y}-{m:02}-{d:02}")
        }
    }
}

struct Hms(i64);

impl fmt::Display for Hms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        write!(f, "{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// Why a time or duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    input: String,
    reason: &'static str,
}

impl TimeError {
    fn new(input: &str, reason: &'static str) -> TimeError {
        TimeError {
            input: input.to_owned(),
            reason,
        }
    }
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {:?} as a time: {}", self.input, self.reason)
    }
}

impl std::error::Error for TimeError {}

/// A parsed RFC 3339 time: the instant, and the zone offset it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZonedTime {
    /// The instant.
    pub instant: UnixNanos,
    /// The zone offset in seconds east of UTC (0 for `Z` and for no zone).
    pub offset_secs: i32,
}

impl ZonedTime {
    /// The wall-clock time in its own zone, as seconds since the epoch.
    pub fn wall_secs(&self) -> i128 {
        self.instant.secs() + i128::from(self.offset_secs)
    }
}

/// Reads an RFC 3339 time (`2026-11-28T11:04:53Z`, `...53.397002825+01:00`). A missing
/// zone means UTC. Also takes the shorter forms the Docker CLI takes: a date alone
/// (`2026-11-28`), and `T` with hours or hours and minutes only (`2026-11-28T11`,
/// `2026-11-28T11:04`).
///
/// ```
/// use dkr::time::{parse_rfc3339, UnixNanos};
/// let t = parse_rfc3339("2026-11-28T12:04:53.5+01:00").unwrap();
/// assert_eq!(t.instant, UnixNanos::new(1_795_863_893, 500_000_000));
/// assert_eq!(t.offset_secs, 3600);
/// ```
pub fn parse_rfc3339(input: &str) -> Result<ZonedTime, TimeError> {
    let err = |reason| TimeError::new(input, reason);
    let s = input.trim();
    let mut p = Cursor(s.as_bytes());

    let neg_year = p.eat(b'-');
    let year = p.digits(4, 4).ok_or(err("expected a four-digit year"))?;
    let year = if neg_year { -year } else { year };
    if !p.eat(b'-') {
        return Err(err("expected '-' after the year"));
    }
    let month = p.digits(2, 2).ok_or(err("expected a two-digit month"))?;
    if !p.eat(b'-') {
        return Err(err("expected '-' after the month"));
    }
    let day = p.digits(2, 2).ok_or(err("expected a two-digit day"))?;
    if !(1..=12).contains(&month) {
        return Err(err("the month is not in 01..12"));
    }
    let (month, day) = (month as u32, day as u32);
    if day < 1 || day > days_in_month(year, month) {
        return Err(err("the day does not exist in that month"));
    }

    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0u32);
    if p.eat(b'T') || p.eat(b't') || p.eat(b' ') {
        hour = p.digits(2, 2).ok_or(err("expected a two-digit hour"))?;
        if p.eat(b':') {
            minute = p.digits(2, 2).ok_or(err("expected two-digit minutes"))?;
            if p.eat(b':') {
                second = p.digits(2, 2).ok_or(err("expected two-digit seconds"))?;
                if p.eat(b'.') || p.eat(b',') {
                    let start = p.0;
                    let frac = p
                        .digits(1, 9)
                        .ok_or(err("expected 1 to 9 fraction digits"))?;
                    let len = start.len() - p.0.len();
                    nanos = (frac * 10i64.pow(9 - len as u32)) as u32;
                    if p.0.first().is_some_and(u8::is_ascii_digit) {
                        return Err(err("more than 9 fraction digits"));
                    }
                }
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(err("the time of day is out of range"));
        }
        // A leap second reads as the last second of the minute, as Go does not accept it
        // at all; being lenient here costs nothing.
        second = second.min(59);
    }

    let offset_secs = match p.0.first() {
        None => 0,
        Some(b'Z' | b'z') => {
            p.0 = &p.0[1..];
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            p.0 = &p.0[1..];
            let h = p
                .digits(2, 2)
                .ok_or(err("expected a zone offset like +01:00"))?;
            if !p.eat(b':') {
                return Err(err("expected a zone offset like +01:00"));
            }
            let m = p
                .digits(2, 2)
                .ok_or(err("expected a zone offset like +01:00"))?;
            if h > 23 || m > 59 {
                return Err(err("the zone offset is out of range"));
            }
            let secs = (h * 3600 + m * 60) as i32;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        Some(_) => return Err(err("unexpected text after the time")),
    };
    if !p.0.is_empty() {
        return Err(err("unexpected text after the time"));
    }

    let days = days_from_civil(year, month, day);
    let secs = days * SECS_PER_DAY + hour * 3600 + minute * 60 + second - i64::from(offset_secs);
    Ok(ZonedTime {
        instant: UnixNanos::new(secs, nanos),
        offset_secs,
    })
}

/// A tiny byte cursor for the parsers.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn eat(&mut self, b: u8) -> bool {
        match self.0.first() {
            Some(&c) if c == b => {
                self.0 = &self.0[1..];
                true
            }
            _ => false,
        }
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let n = self
            .0
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let mut v: i64 = 0;
        for &b in &self.0[..n] {
            v = v * 10 + i64::from(b - b'0');
        }
        self.0 = &self.0[n..];
        Some(v)
    }
}

/// A signed Go duration, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoDuration(pub i128);

/// Reads a Go duration (`time.ParseDuration`): `300ms`, `-1.5h`, `1h30m`, `0s`; units `ns`,
/// `us` (`µs`, `μs`), `ms`, `s`, `m`, `h`. A bare `0` is a duration too, as in Go.
///
/// ```
/// use dkr::time::{parse_go_duration, GoDuration};
/// assert_eq!(parse_go_duration("1h30m"), Ok(GoDuration(5_400_000_000_000)));
/// assert_eq!(parse_go_duration("-1.5s"), Ok(GoDuration(-1_500_000_000)));
/// assert!(parse_go_duration("10").is_err());
/// ```
pub fn parse_go_duration(input: &str) -> Result<GoDuration, TimeError> {
    let err = |reason| TimeError::new(input, reason);
    let mut s = input;
    let negative = match s.as_bytes().first() {
        Some(b'-') => {
            s = &s[1..];
            true
        }
        Some(b'+') => {
            s = &s[1..];
            false
        }
        _ => false,
    };
    if s == "0" {
        return Ok(GoDuration(0));
    }
    if s.is_empty() {
        return Err(err("empty duration"));
    }
    // Go's limit: the total must fit an int64 of nanoseconds.
    const MAX: i128 = i64::MAX as i128;
    let mut total: i128 = 0;
    while !s.is_empty() {
        let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..int_len];
        s = &s[int_len..];
        let mut frac_part = "";
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &rest[..n];
            s = &rest[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(err("expected a number"));
        }
        let unit_len = s
            .char_indices()
            .find(|&(_, c)| c == '.' || c.is_ascii_digit())
            .map_or(s.len(), |(i, _)| i);
        let unit = match &s[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(err("missing unit in duration (ns, us, ms, s, m, h)")),
            _ => return Err(err("unknown unit in duration (ns, us, ms, s, m, h)")),
        };
        s = &s[unit_len..];
        let mut value: i128 = 0;
        for b in int_part.bytes() {
            value = value * 10 + i128::from(b - b'0');
            if value > MAX {
                return Err(err("duration out of range"));
            }
        }
        let mut nanos = value * unit;
        // The fraction, scaled by the unit, truncated to whole nanoseconds as Go does.
        let mut scale: i128 = 1;
        let mut frac: i128 = 0;
        for b in frac_part.bytes().take(19) {
            frac = frac * 10 + i128::from(b - b'0');
            scale *= 10;
        }
        nanos += frac * unit / scale;
        total += nanos;
        if total > MAX + i128::from(negative) {
            return Err(err("duration out of range"));
        }
    }
    Ok(GoDuration(if negative { -total } else { total }))
}

/// Reads a `--since`/`--until` value the way the Docker CLI does (`GetTimestamp`):
///
/// - a Go duration (`10m`, `1h30m`, `0s`) means `now` minus it, in whole seconds;
/// - an RFC 3339 time, with or without fraction and zone, or a date (`2026-11-28`);
/// - Unix seconds with an optional fraction (`1795863892`, `1795863892.5`); `0` is the
///   epoch, not a duration.
///
/// A time without a zone is read as UTC (the Docker CLI reads it in the local zone).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let now = UNIX_EPOCH + Duration::new(1_795_863_918, 250_000_000);
/// let t = dkr::time::parse_timestamp("10m", now).unwrap();
/// assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_795_863_318));
/// let t = dkr::time::parse_timestamp("1795863892.5", now).unwrap();
/// assert_eq!(t, UNIX_EPOCH + Duration::new(1_795_863_892, 500_000_000));
/// ```
pub fn parse_timestamp(value: &str, now: SystemTime) -> Result<SystemTime, TimeError> {
    let out_of_range = || TimeError::new(value, "out of the range of the system clock");
    if value != "0" {
        if let Ok(d) = parse_go_duration(value) {
            let t = UnixNanos::from_system(now).0 - d.0;
            let secs = t.div_euclid(NANOS_PER_SEC);
            return UnixNanos(secs * NANOS_PER_SEC)
                .to_system()
                .ok_or_else(out_of_range);
        }
    }
    if value.contains('-') && !value.starts_with('-') || value.contains('T') {
        return parse_rfc3339(value)?
            .instant
            .to_system()
            .ok_or_else(out_of_range);
    }
    parse_unix(value)?.to_system().ok_or_else(out_of_range)
}

/// Unix seconds with an optional fraction: `1795863892`, `-5`, `1795863892.000000001`.
fn parse_unix(value: &str) -> Result<UnixNanos, TimeError> {
    let err = || {
        TimeError::new(
            value,
            "not a duration (10m), an RFC 3339 time (2026-11-28T11:04:53Z) or Unix seconds",
        )
    };
    let (secs, frac) = match value.split_once('.') {
        Some((s, f)) => (s, Some(f)),
        None => (value, None),
    };
    let secs: i64 = secs.parse().map_err(|_| err())?;
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().map_err(|_| err())? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return Err(err()),
    };
    let t = UnixNanos::new(secs, 0).0;
    // "-5.5" is 5.5 seconds before the epoch.
    Ok(UnixNanos(if value.starts_with('-') {
        t - i128::from(nanos)
    } else {
        t + i128::from(nanos)
    }))
}

/// A human approximation of a duration, exactly as go-units' `HumanDuration` words it:
/// `Less than a second`, `1 second`, `N seconds`, `About a minute`, `N minutes`,
/// `About an hour`, `N hours`, `N days`, `N weeks`, `N months`, `N years`.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(dkr::time::human_duration(Duration::from_secs(90 * 60)), "2 hours");
/// assert_eq!(dkr::time::human_duration(Duration::from_secs(45)), "45 seconds");
/// ```
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 1 {
        return "Less than a second".into();
    }
    if secs == 1 {
        return "1 second".into();
    }
    if secs < 60 {
        return format!("{secs} seconds");
    }
    let minutes = secs / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    // Go: int(d.Round(time.Hour).Hours()), rounding halves away from zero.
    let hours = (d.as_nanos() + 1_800_000_000_000) / 3_600_000_000_000;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", secs / 3600 / 24 / 365)
}

/// `now - then` for a "... ago" column; zero when `then` is in the future (clock skew).
pub fn since(now: SystemTime, then: SystemTime) -> Duration {
    now.duration_since(then).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn days_round_trip_over_many_centuries() {
        // Every day from 1600-01-01 to 2500-01-01, both ways, and the calendar steps.
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2500, 1, 1);
        let (mut y, mut m, mut d) = (1600, 1, 1);
        for z in start..end {
            assert_eq!(civil_from_days(z), (y, m, d), "day {z}");
            assert_eq!(days_from_civil(y, m, d), z);
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(days_from_civil(2026, 11, 28), 20_785);
        assert_eq!(days_from_civil(1900, 3, 1), -25_508);
        assert_eq!(civil_from_days(-719_468), (0, 3, 1));
        assert_eq!(civil_from_days(days_from_civil(-1, 12, 31)), (-1, 12, 31));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday_from_days(0), 4); // Thursday
        assert_eq!(weekday_from_days(days_from_civil(2026, 11, 28)), 6); // Saturday
        assert_eq!(weekday_from_days(days_from_civil(1969, 12, 28)), 0); // Sunday
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && is_leap(1600));
        assert!(!is_leap(1900) && !is_leap(2100) && !is_leap(2026));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
    }

    #[test]
    fn formats_rfc3339_nano_fixed_in_utc() {
        let t = UnixNanos(1_795_863_903_449_878_308);
        assert_eq!(rfc3339_nanos_fixed(t), "2026-11-28T11:05:03.449878308Z");
        assert_eq!(
            rfc3339_nanos_fixed(UnixNanos(0)),
            "1970-01-01T00:00:00.000000000Z"
        );
        assert_eq!(
            rfc3339_nanos_fixed(UnixNanos(-1)),
            "1969-12-31T23:59:59.999999999Z"
        );
        assert_eq!(
            rfc3339_nanos_fixed(UnixNanos::new(951_782_400, 7)),
            "2000-02-29T00:00:00.000000007Z"
        );
    }

    #[test]
    fn formats_rfc3339_nano_trimmed() {
        assert_eq!(
            rfc3339_nanos(UnixNanos::new(1_795_863_893, 0)),
            "2026-11-28T11:04:53Z"
        );
        assert_eq!(
            rfc3339_nanos(UnixNanos::new(1_795_863_893, 500_000_000)),
            "2026-11-28T11:04:53.5Z"
        );
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for n in [
            i128::MIN,
            i128::MAX,
            i128::from(i64::MIN),
            i128::from(i64::MAX),
        ] {
            let _ = rfc3339_nanos_fixed(UnixNanos(n));
            let _ = rfc3339_nanos(UnixNanos(n));
            let _ = ansic(n);
        }
    }

    #[test]
    fn ansic_pads_the_day() {
        assert_eq!(ansic(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(ansic(1_795_863_893), "Sat Nov 28 11:04:53 2026");
    }

    #[test]
    fn parses_rfc3339_forms() {
        let base = UnixNanos::new(1_795_863_893, 0);
        let cases = [
            ("2026-11-28T11:04:53Z", base),
            ("2026-11-28T11:04:53z", base),
            ("2026-11-28t11:04:53Z", base),
            ("2026-11-28T11:04:53", base),
            ("2026-11-28 11:04:53", base),
            ("2026-11-28T12:04:53+01:00", base),
            ("2026-11-28T06:34:53-04:30", base),
            (
                "2026-11-28T11:04:53.397002825Z",
                UnixNanos::new(1_795_863_893, 397_002_825),
            ),
            (
                "2026-11-28T11:04:53.397002825",
                UnixNanos::new(1_795_863_893, 397_002_825),
            ),
            (
                "2026-11-28T11:04:53.1+00:00",
                UnixNanos::new(1_795_863_893, 100_000_000),
            ),
            ("2026-11-28", UnixNanos::new(1_795_824_000, 0)),
            ("2026-11-28T11", UnixNanos::new(1_795_863_600, 0)),
            ("2026-11-28T11:04", UnixNanos::new(1_795_863_840, 0)),
            ("2026-11-28T11:04Z", UnixNanos::new(1_795_863_840, 0)),
            ("1969-12-31T23:59:59Z", UnixNanos::new(-1, 0)),
        ];
        for (input, want) in cases {
            assert_eq!(parse_rfc3339(input).map(|t| t.instant), Ok(want), "{input}");
        }
    }

    #[test]
    fn refuses_bad_rfc3339() {
        for input in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-29",
            "2026-11-31",
            "2026-11-28T24:00:00Z",
            "2026-11-28T11:60:00Z",
            "2026-11-28T11:04:53+1",
            "2026-11-28T11:04:53+01:00x",
            "2026-11-28T11:04:53.Z",
            "2026-11-28T11:04:53.1234567891Z",
            "2026-11-28T11:04:53 UTC",
            "26-11-28",
            "２０２６-11-28",
        ] {
            assert!(parse_rfc3339(input).is_err(), "{input:?} should fail");
        }
    }

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("0", 0),
            ("0s", 0),
            ("+5s", 5_000_000_000),
            ("-5s", -5_000_000_000),
            ("10m", 600_000_000_000),
            ("1h30m", 5_400_000_000_000),
            ("1.5h", 5_400_000_000_000),
            (".5s", 500_000_000),
            ("1.s", 1_000_000_000),
            ("300ms", 300_000_000),
            ("2us", 2_000),
            ("2µs", 2_000),
            ("2μs", 2_000),
            ("7ns", 7),
            ("1h2m3s4ms5us6ns", 3_723_004_005_006),
            ("2562047h47m16.854775807s", i64::MAX as i128),
            ("-2562047h47m16.854775808s", i64::MIN as i128),
        ];
        for (input, nanos) in cases {
            assert_eq!(parse_go_duration(input), Ok(GoDuration(nanos)), "{input}");
        }
    }

    #[test]
    fn refuses_bad_go_durations() {
        for input in [
            "",
            "-",
            "10",
            "s",
            ".s",
            "1d",
            "1h 30m",
            "1hh",
            "3.3.3s",
            "2562047h47m16.854775808s",
            "99999999999999999999h",
        ] {
            assert!(parse_go_duration(input).is_err(), "{input:?} should fail");
        }
    }

    #[test]
    fn durations_are_taken_from_now_in_whole_seconds() {
        let now = at(1_795_863_918, 999_000_000);
        assert_eq!(parse_timestamp("0s", now), Ok(at(1_795_863_918, 0)));
        assert_eq!(parse_timestamp("1m", now), Ok(at(1_795_863_858, 0)));
        assert_eq!(parse_timestamp("1h30m", now), Ok(at(1_795_858_518, 0)));
        // A negative duration is in the future.
        assert_eq!(parse_timestamp("-10s", now), Ok(at(1_795_863_928, 0)));
    }

    #[test]
    fn unix_seconds_pass_through() {
        let now = at(1_795_863_918, 0);
        assert_eq!(parse_timestamp("0", now), Ok(UNIX_EPOCH));
        assert_eq!(parse_timestamp("1795863892", now), Ok(at(1_795_863_892, 0)));
        assert_eq!(
            parse_timestamp("1795863892.000000001", now),
            Ok(at(1_795_863_892, 1))
        );
        assert_eq!(
            parse_timestamp("1795863892.25", now),
            Ok(at(1_795_863_892, 250_000_000))
        );
        assert_eq!(
            parse_timestamp("-1.5", now),
            Ok(UNIX_EPOCH - Duration::from_millis(1500))
        );
        for bad in [
            "1795863892.",
            "1795863892.1234567890",
            "12abc",
            "",
            "1.2.3",
            "now",
        ] {
            assert!(parse_timestamp(bad, now).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn rfc3339_timestamps() {
        let now = at(1_795_863_918, 0);
        assert_eq!(
            parse_timestamp("2026-11-28T11:04:52Z", now),
            Ok(at(1_795_863_892, 0))
        );
        assert_eq!(
            parse_timestamp("2026-11-28T11:04:52.000000001", now),
            Ok(at(1_795_863_892, 1))
        );
        assert!(parse_timestamp("2026-11-28T99:00:00Z", now).is_err());
    }

    #[test]
    fn human_durations_match_go_units() {
        let s = Duration::from_secs;
        let m = |n: u64| s(n * 60);
        let h = |n: u64| m(n * 60);
        let day = |n: u64| h(n * 24);
        let cases = [
            (Duration::from_millis(450), "Less than a second"),
            (s(1), "1 second"),
            (s(45), "45 seconds"),
            (s(59), "59 seconds"),
            (s(60), "About a minute"),
            (m(1) + s(59), "About a minute"),
            (m(3), "3 minutes"),
            (m(35) + s(40), "35 minutes"),
            (m(59), "59 minutes"),
            (h(1), "About an hour"),
            (h(1) + m(29), "About an hour"),
            (h(1) + m(30), "2 hours"),
            (h(1) + m(31), "2 hours"),
            (h(3) + m(29), "3 hours"),
            (h(3) + m(31), "4 hours"),
            (h(24), "24 hours"),
            (day(1) + h(12), "36 hours"),
            (h(47) + m(29), "47 hours"),
            (day(2), "2 days"),
            (day(13) + h(5), "13 days"),
            (day(14), "2 weeks"),
            (day(30), "4 weeks"),
            (day(30) + day(14), "6 weeks"),
            (day(60), "2 months"),
            (day(5 * 30 + 14), "5 months"),
            (day(24 * 30), "24 months"),
            (day(24 * 30 + 14), "2 years"),
            (day(3 * 365 + 60), "3 years"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(d), want, "{d:?}");
        }
    }

    #[test]
    fn since_saturates_for_future_times() {
        assert_eq!(since(at(10, 0), at(20, 0)), Duration::ZERO);
        assert_eq!(since(at(20, 0), at(10, 0)), Duration::from_secs(10));
    }

    #[test]
    fn odd_input_is_refused_without_panicking() {
        let now = at(1_795_863_918, 0);
        let seeds = [
            "2026-11-28T11:04:53.397002825+01:00",
            "-2562047h47m16.854775808s",
            "1795863892.000000001",
            "1µs2μs3ms",
            "é1h",
            "1hé",
            "１h",
            "2026-11-28T11:04:53\u{0}",
            "+",
            ".",
            "-.",
            "0.0.0",
            "9999999999999999999999",
            "-9999999999999999999999.9",
        ];
        for seed in seeds {
            for (i, _) in seed.char_indices().chain([(seed.len(), ' ')]) {
                for input in [&seed[..i], &seed[i..]] {
                    let _ = parse_timestamp(input, now);
                    let _ = parse_rfc3339(input);
                    let _ = parse_go_duration(input);
                }
            }
        }
    }

    #[test]
    fn system_time_round_trip() {
        for t in [
            at(0, 0),
            at(1_795_863_893, 397_002_825),
            UNIX_EPOCH - Duration::new(5, 1),
        ] {
            assert_eq!(UnixNanos::from_system(t).to_system(), Some(t));
        }
    }
}
