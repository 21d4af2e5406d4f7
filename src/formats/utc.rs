//! UTC date text without a date library: epoch milliseconds to `YYYY-MM-DD HH:MM:SS` (the
//! inventory's `Created`/`Modified`) and `YYYYMMDDTHHMMSSZ` (backup file names), and back.
//! Uses the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil` algorithms).

const MS_PER_DAY: i64 = 86_400_000;

/// A UTC calendar date and time of day, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    /// The year (may be negative or above 9999 for absurd inputs).
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
}

impl UtcDateTime {
    /// The date and time of `ms` milliseconds since 1970-01-01T00:00:00Z (sub-seconds dropped).
    pub fn from_ms(ms: i64) -> Self {
        let days = ms.div_euclid(MS_PER_DAY);
        let secs = ms.rem_euclid(MS_PER_DAY) / 1000;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// Milliseconds since the epoch for this date and time.
    pub fn to_ms(self) -> i64 {
        let secs =
            i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        days_from_civil(self.year, self.month, self.day) * MS_PER_DAY + secs * 1000
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, the inventory's date format.
pub fn format_datetime(ms: i64) -> String {
    let t = UtcDateTime::from_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// `YYYYMMDDTHHMMSSZ` in UTC, the compact stamp used in backup file names.
pub fn format_compact(ms: i64) -> String {
    let t = UtcDateTime::from_ms(ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// Parses a UTC date written as `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (also with `T`
/// between date and time, `/` in the date, or a trailing `Z`) into epoch milliseconds.
/// Returns `None` for anything else or for impossible dates.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = match text.find([' ', 'T']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    let mut parts = date.split(['-', '/']);
    let year: i64 = number(parts.next()?, 4)?;
    let month: u32 = number(parts.next()?, 2)?;
    let day: u32 = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut hms = [0u32; 3];
    if !clock.is_empty() {
        let fields: Vec<&str> = clock.split(':').collect();
        if !(2..=3).contains(&fields.len()) {
            return None;
        }
        for (slot, field) in hms.iter_mut().zip(fields) {
            *slot = number(field, 2)?;
        }
    }
    if hms[0] > 23 || hms[1] > 59 || hms[2] > 59 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || (clock.is_empty() && !fraction.is_empty()) {
        return None;
    }
    let millis = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    let t = UtcDateTime {
        year,
        month,
        day,
        hour: hms[0],
        minute: hms[1],
        second: hms[2],
    };
    Some(t.to_ms() + millis)
}

/// An unsigned decimal of 1 to `max_digits` digits.
fn number<T: std::str::FromStr>(s: &str, max_digits: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Whether `year` is a Gregorian leap year.
fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1..=12) of `year`.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_datetime(0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(1_705_314_645_123), "2024-01-15 10:30:45");
        assert_eq!(format_datetime(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(format_datetime(-1), "1969-12-31 23:59:59");
        assert_eq!(format_datetime(4_102_444_799_000), "2099-12-31 23:59:59");
        assert_eq!(format_compact(1_738_152_000_000), "20250129T120000Z");
    }

    #[test]
    fn round_trips_every_day_across_four_centuries() {
        let mut ms = -2_208_988_800_000; // 1900-01-01
        while ms < 10_413_792_000_000 {
            // 2300-01-01
            let t = UtcDateTime::from_ms(ms + 45_296_000);
            assert_eq!(t.to_ms(), ms + 45_296_000);
            assert_eq!(
                parse_datetime(&format_datetime(ms + 45_296_000)),
                Some(ms + 45_296_000)
            );
            ms += MS_PER_DAY;
        }
    }

    #[test]
    fn parses_the_forms_users_and_pandas_write() {
        let base = 1_705_314_645_000;
        assert_eq!(parse_datetime("2024-01-15 10:30:45"), Some(base));
        assert_eq!(parse_datetime("2024-01-15T10:30:45Z"), Some(base));
        assert_eq!(parse_datetime("2024-01-15 10:30:45.123"), Some(base + 123));
        assert_eq!(parse_datetime("2024-01-15 10:30:45.5"), Some(base + 500));
        assert_eq!(parse_datetime(" 2024/01/15 10:30 "), Some(base - 45_000));
        assert_eq!(parse_datetime("2024-01-15"), Some(1_705_276_800_000));
        for bad in [
            "",
            "2024-13-01",
            "2023-02-29",
            "2024-01-15 24:00:00",
            "15.01.2024",
            "x",
            "2024-01-15 10",
            "2024-01-15.5",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
