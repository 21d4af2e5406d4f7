//! The retry policy of idempotent requests (arcgis-protocol.md §8): which failures are transient
//! (network errors, cut or undecodable bodies, HTTP or envelope 429/500/502/503/504) and how long
//! to wait before the next attempt (exponential backoff with full jitter, at least `Retry-After`).
//! Whether a request may be retried at all (reads yes, writes no) is the caller's decision.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Statuses (HTTP or envelope `code`) worth another attempt.
pub const TRANSIENT_CODES: [u16; 5] = [429, 500, 502, 503, 504];

/// How idempotent requests are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Backoff base: the first retry waits up to this long.
    pub base: Duration,
    /// Upper bound of one backoff wait.
    pub cap: Duration,
    /// Upper bound of a wait asked for by `Retry-After` (longer asks are cut to this).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Production values: 6 attempts, base 500 ms, cap 30 s, `Retry-After` honoured up to 120 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Short waits for tests (base 10 ms, cap 100 ms); `Retry-After` is still honoured.
    pub fn fast() -> Self {
        RetryPolicy {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(100),
            ..RetryPolicy::default()
        }
    }

    /// The longest backoff before attempt `attempt + 1` (attempt counts from 1), before jitter.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// How long to wait after failed attempt `attempt`: a uniformly random share of
    /// [`ceiling`](Self::ceiling) ("full jitter"), but never less than the server's `Retry-After`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let jittered = Duration::from_nanos(if nanos == 0 {
            0
        } else {
            random_u64() % (nanos + 1)
        });
        match retry_after {
            Some(ra) => jittered.max(ra.min(self.max_retry_after)),
            None => jittered,
        }
    }
}

/// True for an HTTP status or envelope code worth another attempt.
pub fn is_transient_code(code: u16) -> bool {
    TRANSIENT_CODES.contains(&code)
}

/// The `Retry-After` header as a duration (delta-seconds or an HTTP date).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn random_u64() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        // Jitter needs no secrecy: the clock is a good enough fallback.
        let t = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let mut x = u64::from(t.subsec_nanos()) ^ t.as_secs().rotate_left(32);
        x ^= x << 13;
        x ^= x >> 7;
        x ^ (x << 17)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.ceiling(1), Duration::from_millis(500));
        assert_eq!(p.ceiling(2), Duration::from_secs(1));
        assert_eq!(p.ceiling(4), Duration::from_secs(4));
        assert_eq!(p.ceiling(10), Duration::from_secs(30));
        assert_eq!(p.ceiling(200), Duration::from_secs(30));
        for attempt in 1..8 {
            for _ in 0..50 {
                assert!(p.delay(attempt, None) <= p.ceiling(attempt));
            }
        }
        // Full jitter: the waits are spread, not all equal.
        let waits: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| p.delay(3, None)).collect();
        assert!(waits.len() > 1);
    }

    #[test]
    fn retry_after_is_a_floor_with_a_cap() {
        let p = RetryPolicy::fast();
        let d = p.delay(1, Some(Duration::from_secs(2)));
        assert_eq!(d, Duration::from_secs(2));
        let huge = p.delay(1, Some(Duration::from_secs(100_000)));
        assert_eq!(huge, p.max_retry_after);
    }

    #[test]
    fn parses_retry_after() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(60);
        let date = httpdate::fmt_http_date(later);
        h.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(55) && d <= Duration::from_secs(60),
            "{d:?}"
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        assert!(is_transient_code(503) && !is_transient_code(400) && !is_transient_code(498));
    }
}
