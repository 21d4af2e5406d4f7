//! Getting past the 10,000-result search window (arcgis-protocol.md §4): read a query's `total`
//! with `num=1`; when it exceeds the window, split the query by `created:[A TO B]` ranges (epoch
//! ms zero-padded to 19 digits, as Esri's docs show), halving every range still too large, until
//! each window can be paged completely. Ranges are counted concurrently, up to the client's
//! concurrency.

use futures_util::{StreamExt, stream};

use super::errors;
use crate::portal::wire::{Item, SearchPage};
use crate::portal::{PortalClient, PortalError};

/// Results the search API lets a client page through.
pub const SEARCH_WINDOW: u64 = 10_000;
/// Results per search page (the API's maximum).
pub const PAGE_SIZE: u64 = 100;

/// One query whose results fit the search window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The full query, with its `created` range when partitioned.
    pub query: String,
    /// The first `created` of the range (for ordering), `i64::MIN` when not partitioned.
    pub from: i64,
    /// Hits, as the count said.
    pub total: u64,
}

/// How a query is covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Windows in `created` order.
    pub windows: Vec<Window>,
    /// The unpartitioned query's `total`.
    pub total: u64,
    /// Why the windows do not cover every hit, if they do not.
    pub gap: Option<String>,
}

/// `created:[A TO B]`, both bounds included, zero-padded to 19 digits.
pub fn created_range(from: i64, to: i64) -> String {
    format!("created:[{:019} TO {:019}]", from.max(0), to.max(0))
}

/// `query` limited to the `created` range `from..=to`.
fn ranged(query: &str, from: i64, to: i64) -> String {
    format!("({query}) AND {}", created_range(from, to))
}

/// Runs `call` again (up to 3 more times) while the portal calls the token invalid: the client
/// renews and replays once, and the replay itself can meet a token that expired meanwhile.
pub async fn retry_token<T, F, Fut>(mut call: F) -> Result<T, PortalError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, PortalError>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(e) if e.is_invalid_token() && attempt < 3 => attempt += 1,
            other => return other,
        }
    }
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
    retry_token(|| client.post_read("search", &form)).await
}

fn total_of(page: &SearchPage<Item>) -> u64 {
    page.total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0)
}

/// The `created` of the first hit of `query` in `descending` or ascending order.
async fn created_edge(
    client: &PortalClient,
    query: &str,
    descending: bool,
) -> Result<Option<i64>, PortalError> {
    let page = search_page(client, query, 1, 1, descending).await?;
    Ok(page.results.first().and_then(Item::created_ms))
}

/// Splits `query` (whose `total` is already known to exceed the window) into windows.
pub async fn plan(
    client: &PortalClient,
    query: &str,
    total: u64,
    concurrency: usize,
) -> Result<Plan, String> {
    if total <= SEARCH_WINDOW {
        let windows = vec![Window {
            query: query.to_string(),
            from: i64::MIN,
            total,
        }];
        return Ok(Plan {
            windows,
            total,
            gap: None,
        });
    }
    let (first, last) = futures_util::try_join!(
        created_edge(client, query, false),
        created_edge(client, query, true)
    )
    .map_err(|e| errors::portal("search", &e))?;
    let (Some(first), Some(last)) = (first, last) else {
        return Err(
            "the search results carry no creation dates, so the query cannot be \
                    split past 10,000 results; narrow the query"
                .into(),
        );
    };
    let mut windows = Vec::new();
    let mut gap = None;
    let mut pending = vec![(first.min(last), first.max(last))];
    while !pending.is_empty() {
        let counted: Vec<Result<(i64, i64, u64), PortalError>> = stream::iter(pending.drain(..))
            .map(|(from, to)| async move {
                let page = search_page(client, &ranged(query, from, to), 1, 1, false).await?;
                Ok((from, to, total_of(&page)))
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        for result in counted {
            let (from, to, n) = result.map_err(|e| errors::portal("search", &e))?;
            if n <= SEARCH_WINDOW || from >= to {
                if n > SEARCH_WINDOW {
                    gap = Some(format!(
                        "{n} items share the creation time {from}; only the first 10,000 can be read"
                    ));
                }
                if n > 0 {
                    windows.push(Window {
                        query: ranged(query, from, to),
                        from,
                        total: n,
                    });
                }
            } else {
                let mid = from + (to - from) / 2;
                pending.push((from, mid));
                pending.push((mid + 1, to));
            }
        }
    }
    windows.sort_by_key(|w| w.from);
    let covered: u64 = windows.iter().map(|w| w.total).sum();
    if covered < total && gap.is_none() {
        gap = Some(format!(
            "the date windows hold {covered} of {total} hits (items without a creation date, \
             or content changed during the scan)"
        ));
    }
    Ok(Plan {
        windows,
        total,
        gap,
    })
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
            "(a OR b) AND created:[0000000000000000000 TO 0000000000000000005]"
        );
        assert_eq!(page_starts(0).count(), 0);
        assert_eq!(page_starts(100).collect::<Vec<_>>(), [1]);
        assert_eq!(page_starts(101).collect::<Vec<_>>(), [1, 101]);
        assert_eq!(page_starts(25_000).count(), 100);
        assert_eq!(page_starts(25_000).last(), Some(9901));
    }
}
