//! Getting past the 10,000-result search window (arcgis-protocol.md §4): read a query's `total`
//! with `num=1`; when it exceeds the window, split the query by `created:[A TO B]` ranges (epoch
//! ms zero-padded to 19 digits, as Esri's docs show), halving every range still too large, until
//! each window can be paged completely. This module only builds the requests and the ranges;
//! `pages` runs them.

use crate::portal::wire::{Item, SearchPage};
use crate::portal::{PortalClient, PortalError};

/// Results the search API lets a client page through.
pub const SEARCH_WINDOW: u64 = 10_000;
/// Results per search page (the API's maximum).
pub const PAGE_SIZE: u64 = 100;
/// Hits a split aims at per range: below the window, so that uneven dates rarely need a
/// second split, and few ranges, since each one ends with a partly filled page.
const TARGET: u64 = SEARCH_WINDOW * 3 / 4;
/// Most ranges one split makes.
const MAX_PARTS: u64 = 64;

/// `created:[A TO B]`, both bounds included, zero-padded to 19 digits.
pub fn created_range(from: i64, to: i64) -> String {
    format!("created:[{:019} TO {:019}]", from.max(0), to.max(0))
}

/// `query` limited to the `created` range `from..=to`. The range comes first: a portal that
/// tests the clauses of an `AND` in order (as the sandbox does) then rejects the items outside
/// the range without evaluating the query, which cuts its work per page.
pub fn ranged(query: &str, from: i64, to: i64) -> String {
    format!("{} AND ({query})", created_range(from, to))
}

/// One page of `search` for `query`, sorted by `created` ascending (stable paging).
pub async fn search_page(
    client: &PortalClient,
    query: &str,
    start: u64,
    num: u64,
    descending: bool,
) -> Result<SearchPage<Item>, PortalError> {
    let (start, num) = (start.to_string(), num.to_string());
    let order = if descending { "desc" } else { "asc" };
    let form = [
        ("q", query),
        ("start", start.as_str()),
        ("num", num.as_str()),
        ("sortField", "created"),
        ("sortOrder", order),
    ];
    client.post_read("search", &form).await
}

/// The search's `total` (0 when missing or negative).
pub fn total_of(page: &SearchPage<Item>) -> u64 {
    page.total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0)
}

/// The `created` of the last hit of `query` (one `num=1` page sorted descending).
pub async fn last_created(client: &PortalClient, query: &str) -> Result<Option<i64>, PortalError> {
    let page = search_page(client, query, 1, 1, true).await?;
    Ok(page.results.first().and_then(Item::created_ms))
}

/// Splits the range `from..=to` holding `hits` results into consecutive ranges expected to
/// fit the window: `hits / TARGET` equal time slices (at least 2, at most `MAX_PARTS`, never
/// more than the range has milliseconds). Empty when the range cannot be split.
pub fn split(from: i64, to: i64, hits: u64) -> Vec<(i64, i64)> {
    let span = i128::from(to) - i128::from(from) + 1;
    let wanted = hits.div_ceil(TARGET).clamp(2, MAX_PARTS);
    let parts = i128::from(wanted).min(span);
    if parts < 2 {
        return Vec::new();
    }
    let edge = |i: i128| i64::try_from(i128::from(from) + span * i / parts).unwrap_or(to);
    (0..parts)
        .map(|i| (edge(i), if i + 1 == parts { to } else { edge(i + 1) - 1 }))
        .collect()
}

/// The `start` of every page of a window of `total` hits (1, 101, ...), capped by the window.
pub fn page_starts(total: u64) -> impl Iterator<Item = u64> {
    let total = total.min(SEARCH_WINDOW);
    (0..total.div_ceil(PAGE_SIZE)).map(|i| 1 + i * PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_padded_and_pages_cover_the_window() {
        assert_eq!(
            created_range(1_249_084_800_000, 1_249_548_000_000),
            "created:[0000001249084800000 TO 0000001249548000000]"
        );
        assert_eq!(
            ranged("a OR b", 0, 5),
            "created:[0000000000000000000 TO 0000000000000000005] AND (a OR b)"
        );
        assert_eq!(page_starts(0).count(), 0);
        assert_eq!(page_starts(100).collect::<Vec<_>>(), [1]);
        assert_eq!(page_starts(101).collect::<Vec<_>>(), [1, 101]);
        assert_eq!(page_starts(25_000).count(), 100);
        assert_eq!(page_starts(25_000).last(), Some(9901));
    }

    #[test]
    fn splits_cover_the_range_without_overlap() {
        assert_eq!(
            split(0, 99, 25_000),
            [(0, 24), (25, 49), (50, 74), (75, 99)]
        );
        assert_eq!(split(10, 11, 10_001), [(10, 10), (11, 11)]);
        assert_eq!(split(5, 5, 50_000), []);
        let parts = split(i64::MIN, i64::MAX, 10_000_000);
        assert_eq!(parts.len(), 64);
        assert_eq!((parts[0].0, parts[63].1), (i64::MIN, i64::MAX));
        assert!(
            parts
                .windows(2)
                .all(|w| w[0].1 + 1 == w[1].0 && w[0].0 <= w[0].1)
        );
    }
}
