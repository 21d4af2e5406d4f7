//! Paging and ordering of search results: `start`/`num` (num capped at 100), the 10,000-result
//! window (the true `total` is reported, but results past 10,000 cannot be paged), `sortField` /
//! `sortOrder` with ties broken by id, and a stable "relevance" order (by an id hash) when no
//! sort field is given. Only the requested page is ordered: the matches are partitioned around
//! it, so a page costs O(n) comparisons, not a full sort.

use std::cmp::Ordering;
use std::ops::Range;

use serde_json::Value;

use super::search_error;
use super::text::{icmp, relevance_hash};
use crate::sandbox::model::Item;
use crate::sandbox::params::Params;
use crate::sandbox::reply::ApiError;

/// Results past this rank cannot be paged.
pub const WINDOW: usize = 10_000;

/// Largest page.
pub const MAX_NUM: usize = 100;

/// The requested page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based rank of the first result.
    pub start: usize,
    /// Page size (0 to 100).
    pub num: usize,
}

impl Paging {
    /// `start` (default 1) and `num` (default 10, capped at 100); `start` past the window fails.
    pub fn from_params(p: &Params) -> Result<Paging, ApiError> {
        let start = usize::try_from(p.int("start")?.unwrap_or(1).max(1)).unwrap_or(usize::MAX);
        let num = usize::try_from(p.int("num")?.unwrap_or(10).max(0))
            .unwrap_or(0)
            .min(MAX_NUM);
        if start > WINDOW {
            return Err(search_error(
                "Results beyond the first 10,000 cannot be paged; narrow the query, e.g. by created:[A TO B]",
            ));
        }
        Ok(Paging { start, num })
    }

    /// The ranks (0-based) this page covers among `total` results, and its `nextStart`.
    pub fn window(&self, total: usize) -> (Range<usize>, i64) {
        let reachable = total.min(WINDOW);
        let end = (self.start - 1).saturating_add(self.num).min(reachable);
        let first = (self.start - 1).min(end);
        let next = if self.num > 0 && end < reachable {
            i64::try_from(end + 1).unwrap_or(-1)
        } else {
            -1
        };
        (first..end, next)
    }

    /// The response envelope around `results`.
    pub fn envelope(&self, query: &str, total: usize, next: i64, results: Vec<Value>) -> Value {
        serde_json::json!({
            "query": query,
            "total": total,
            "start": self.start,
            "num": self.num,
            "nextStart": next,
            "results": results,
        })
    }
}

/// Puts the elements of ranks `r` (by `cmp`) into `v[r]`, in order; the rest is left unordered.
pub fn select_page<T>(v: &mut [T], r: Range<usize>, cmp: impl Fn(&T, &T) -> Ordering) {
    if r.is_empty() || r.end > v.len() {
        return;
    }
    if r.end < v.len() {
        v.select_nth_unstable_by(r.end, &cmp);
    }
    let head = &mut v[..r.end];
    if r.start > 0 {
        head.select_nth_unstable_by(r.start, &cmp);
    }
    head[r.start..].sort_unstable_by(&cmp);
}

/// An item sort field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Title,
    Created,
    Modified,
    Type,
    Owner,
    AvgRating,
    NumViews,
    NumRatings,
    NumComments,
    Size,
}

impl Key {
    fn parse(name: &str) -> Option<Key> {
        Some(match name.to_ascii_lowercase().as_str() {
            "title" => Key::Title,
            "created" | "uploaded" => Key::Created,
            "modified" => Key::Modified,
            "type" => Key::Type,
            "owner" => Key::Owner,
            "avgrating" => Key::AvgRating,
            "numviews" => Key::NumViews,
            "numratings" => Key::NumRatings,
            "numcomments" => Key::NumComments,
            "size" => Key::Size,
            _ => return None,
        })
    }

    /// A number that orders like [`Key::compare`] (ties allowed): exact for numbers and dates,
    /// the first 16 lower-cased bytes for texts.
    fn coarse(self, i: &Item) -> u128 {
        let high = |v: u64| u128::from(v) << 64;
        match self {
            Key::Title => text_key(&i.title),
            Key::Type => text_key(&i.item_type),
            Key::Owner => text_key(&i.owner),
            Key::Created => high(int_key(i.created)),
            Key::Modified => high(int_key(i.modified)),
            Key::AvgRating => high(float_key(num(i, "avgRating"))),
            Key::NumViews => high(float_key(num(i, "numViews"))),
            Key::NumRatings | Key::NumComments => 0,
            Key::Size => high(int_key(i.size())),
        }
    }

    fn compare(self, a: &Item, b: &Item) -> Ordering {
        match self {
            Key::Title => icmp(&a.title, &b.title),
            Key::Created => a.created.cmp(&b.created),
            Key::Modified => a.modified.cmp(&b.modified),
            Key::Type => icmp(&a.item_type, &b.item_type),
            Key::Owner => icmp(&a.owner, &b.owner),
            Key::AvgRating => num(a, "avgRating").total_cmp(&num(b, "avgRating")),
            Key::NumViews => num(a, "numViews").total_cmp(&num(b, "numViews")),
            // The item JSON reports 0 ratings and comments for every item: all ties.
            Key::NumRatings | Key::NumComments => Ordering::Equal,
            Key::Size => a.size().cmp(&b.size()),
        }
    }
}

/// The "relevance" rank: a scrambled creation time (then an id hash on ties). It is stable and
/// unrelated to the created order, and needs no read of the id string, whose memory is the slow
/// part of ranking 25,000 items.
fn scramble(created: i64) -> u64 {
    let mut z = created.cast_unsigned().wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn num(i: &Item, k: &str) -> f64 {
    i.extra.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

/// `i64` mapped to `u64` keeping the order.
fn int_key(v: i64) -> u64 {
    v.cast_unsigned() ^ (1 << 63)
}

/// `f64` mapped to `u64` in `total_cmp` order.
fn float_key(f: f64) -> u64 {
    let b = f.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The first 16 bytes of the lower-cased UTF-8 text, big-endian: orders like [`icmp`] with ties.
fn text_key(s: &str) -> u128 {
    let mut buf = [0u8; 16];
    if s.is_ascii() {
        let n = s.len().min(16);
        buf[..n].copy_from_slice(&s.as_bytes()[..n]);
        buf.make_ascii_lowercase();
        return u128::from_be_bytes(buf);
    }
    let mut n = 0;
    let mut utf8 = [0u8; 4];
    for c in s.chars().flat_map(char::to_lowercase) {
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            if n == buf.len() {
                return u128::from_be_bytes(buf);
            }
            buf[n] = b;
            n += 1;
        }
    }
    u128::from_be_bytes(buf)
}

/// The requested item order.
#[derive(Debug, Clone, Default)]
pub struct Sort {
    keys: Vec<(Key, bool)>,
}

impl Sort {
    /// `sortField` (comma list) and `sortOrder` (`asc`/`desc`, or a comma list matching the
    /// fields; the last order applies to the remaining fields).
    pub fn from_params(p: &Params) -> Result<Sort, ApiError> {
        let orders = parse_orders(p.get("sortOrder"))?;
        let mut keys = Vec::new();
        for (k, name) in p.list("sortField").unwrap_or_default().iter().enumerate() {
            let key = Key::parse(name).ok_or_else(|| {
                search_error(format!(
                    "Invalid sortField '{name}': use title, created, uploaded, modified, type, owner, avgRating, numViews, numRatings, numComments or size."
                ))
            })?;
            let desc = orders.get(k).or(orders.last()).copied().unwrap_or(false);
            keys.push((key, desc));
        }
        Ok(Sort { keys })
    }

    /// A rank key consistent with [`Sort::compare`] (equal keys need `compare`): sorting
    /// `(key, item)` pairs touches the items only on ties, which keeps paging 25,000 items fast.
    pub fn coarse(&self, item: &Item) -> u128 {
        match self.keys.first() {
            None => u128::from(scramble(item.created)) << 64,
            Some((key, false)) => key.coarse(item),
            Some((key, true)) => !key.coarse(item),
        }
    }

    /// Total order of two items: the sort fields, then the id (or the relevance hash and id).
    pub fn compare(&self, a: &Item, b: &Item) -> Ordering {
        if self.keys.is_empty() {
            return scramble(a.created)
                .cmp(&scramble(b.created))
                .then_with(|| relevance_hash(&a.id).cmp(&relevance_hash(&b.id)))
                .then_with(|| a.id.cmp(&b.id));
        }
        for (key, desc) in &self.keys {
            let o = key.compare(a, b);
            if o != Ordering::Equal {
                return if *desc { o.reverse() } else { o };
            }
        }
        a.id.cmp(&b.id)
    }
}

/// `sortOrder`: one `asc`/`desc` per sort field (true = descending).
pub fn parse_orders(raw: Option<&str>) -> Result<Vec<bool>, ApiError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|o| match o.trim().to_ascii_lowercase().as_str() {
            "asc" | "" => Ok(false),
            "desc" => Ok(true),
            other => Err(search_error(format!(
                "Invalid sortOrder '{other}': use asc or desc."
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_caps_at_ten_thousand() {
        let p = |start, num| Paging { start, num };
        assert_eq!(p(1, 10).window(25), (0..10, 11));
        assert_eq!(p(21, 10).window(25), (20..25, -1));
        assert_eq!(p(30, 10).window(25), (25..25, -1));
        assert_eq!(p(1, 0).window(25), (0..0, -1));
        assert_eq!(p(9801, 100).window(12_000), (9800..9900, 9901));
        assert_eq!(p(9901, 100).window(12_000), (9900..10_000, -1));
        assert_eq!(p(9951, 100).window(12_000), (9950..10_000, -1));
        assert_eq!(p(1, 100).window(100), (0..100, -1));
    }

    #[test]
    fn coarse_keys_never_contradict_the_full_order() {
        let words = [
            "",
            "a",
            "A",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "ABCDEFGHZ",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "ABCDEFGHIJKLMNOPQ",
            "abcdefghijklmnoÉ",
            "b",
            "É",
            "é z",
            "z",
        ];
        for a in words {
            for b in words {
                let (ka, kb) = (text_key(a), text_key(b));
                if ka != kb {
                    assert_eq!(ka.cmp(&kb), icmp(a, b), "{a} {b}");
                }
            }
        }
        let nums = [f64::NEG_INFINITY, -2.5, -0.0, 0.0, 1.0, 3.5, f64::INFINITY];
        for a in nums {
            for b in nums {
                assert_eq!(float_key(a).cmp(&float_key(b)), a.total_cmp(&b));
            }
        }
        assert!(int_key(-5) < int_key(0) && int_key(0) < int_key(i64::MAX));
    }

    #[test]
    fn select_page_orders_just_the_page() {
        let mut v: Vec<u32> = (0..1000).map(|i| (i * 7919) % 1000).collect();
        select_page(&mut v, 500..510, u32::cmp);
        assert_eq!(&v[500..510], &(500..510).collect::<Vec<u32>>()[..]);
        let mut w = vec![3, 1, 2];
        select_page(&mut w, 0..3, i32::cmp);
        assert_eq!(w, [1, 2, 3]);
        select_page(&mut w, 2..3, |a: &i32, b: &i32| b.cmp(a));
        assert_eq!(w[2], 1);
    }
}
