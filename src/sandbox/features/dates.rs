//! Calendar arithmetic for the sandbox's feature data: epoch milliseconds to and from ISO-8601
//! UTC text (`DATE '2024-01-31'`/`TIMESTAMP '…'` literals in `where`, date columns in CSV
//! exports and CSV publishing). Proleptic Gregorian calendar, UTC only, no time zones.

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Formats epoch ms as `YYYY-MM-DDTHH:MM:SSZ` (with `.mmm` when the milliseconds are not zero).
pub fn format_iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
    }
}

fn num(s: &str, len: usize) -> Option<i64> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses `YYYY-MM-DD`, optionally followed by ` HH:MM[:SS[.fff]]` or `THH:MM[:SS[.fff]]` and
/// an optional `Z`, as UTC epoch ms. Anything else is `None`.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('Z');
    let (date, time) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let y = num(dp.next()?, 4)?;
    let m = num(dp.next()?, 2)?;
    let d = num(dp.next()?, 2)?;
    if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    if let Some(t) = time.filter(|t| !t.is_empty()) {
        let (hms, frac) = match t.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (t, None),
        };
        let mut tp = hms.split(':');
        let h = num(tp.next()?, 2)?;
        let mi = num(tp.next()?, 2)?;
        let sec = match tp.next() {
            Some(x) => num(x, 2)?,
            None => 0,
        };
        if tp.next().is_some() || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        ms += (h * 3600 + mi * 60 + sec) * 1000;
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let padded: String = f.chars().chain("000".chars()).take(3).collect();
            ms += padded.parse::<i64>().ok()?;
        }
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_values() {
        assert_eq!(parse_iso("1970-01-01"), Some(0));
        assert_eq!(parse_iso("2000-03-01 00:00:00"), Some(951_868_800_000));
        assert_eq!(format_iso(951_868_800_000), "2000-03-01T00:00:00Z");
        for ms in [0, 1_700_000_000_123, -86_400_000, 4_102_444_799_000] {
            assert_eq!(parse_iso(&format_iso(ms)), Some(ms), "{ms}");
        }
        assert_eq!(parse_iso("2024-02-30x"), None);
        assert_eq!(parse_iso("hello"), None);
        assert_eq!(parse_iso("2024-13-01"), None);
    }
}
