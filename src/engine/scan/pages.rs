//! Runs a listing's requests through one bounded pool, so that every concurrency slot stays
//! busy until the last page: counting a `created` range (page 1 of it, which is also the
//! first page of the window when the range fits), splitting ranges still too large, and the
//! further pages of every window found, all fed into the same stream as they become known.
//! Counts go first (they uncover work), pages follow in `created` order (so `--max` can stop
//! early). Answers are filed in the `ledger`; cancellation is checked before every request.

use std::collections::{BTreeMap, VecDeque};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::Value;

use super::errors;
use super::ledger::{Collected, Fetch, Ledger};
use super::partition::{self, PAGE_SIZE, SEARCH_WINDOW};
use super::progress;
use crate::engine::Reporter;
use crate::portal::PortalClient;
use crate::portal::wire::{Item, SearchPage};

/// One request of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Task {
    /// Page 1 of the search limited to `from..=to`.
    Count {
        /// First `created` of the range.
        from: i64,
        /// Last `created` of the range.
        to: i64,
    },
    /// Page `page` (0-based) of a window.
    Page {
        /// Index of the window in the ledger.
        window: usize,
        /// 0-based page number.
        page: usize,
    },
}

/// The shared parts of a listing run.
pub struct Pool<'a> {
    /// The signed-in client.
    pub client: &'a PortalClient,
    /// Where progress and notes go.
    pub reporter: &'a Reporter,
    /// Stops the listing between requests.
    pub cancel: &'a tokio_util::sync::CancellationToken,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Stop once this many validated items are known.
    pub max: Option<usize>,
    /// Hits expected in all (for progress).
    pub expected: u64,
}

/// A pool at work: the ledger and the requests not sent yet.
pub struct Run<'a, 'p> {
    pool: Pool<'a>,
    /// The search split by `created` (absent for folder listings).
    query: Option<String>,
    ledger: Ledger<'p>,
    counts: VecDeque<(i64, i64)>,
    /// Pages to read, keyed by (window `from`, page) for `created` order.
    pages: BTreeMap<(i64, usize), usize>,
    gap: Option<String>,
    requests: u64,
    hits: u64,
}

/// What a request came back with.
type Answer = (Task, Result<SearchPage<Item>, String>);

impl<'a, 'p> Run<'a, 'p> {
    /// A run of `pool` over the `created` ranges of `query` (empty when windows are added
    /// directly), filing into `ledger`.
    pub fn new(pool: Pool<'a>, query: Option<String>, ledger: Ledger<'p>) -> Self {
        Run {
            pool,
            query,
            ledger,
            counts: VecDeque::new(),
            pages: BTreeMap::new(),
            gap: None,
            requests: 0,
            hits: 0,
        }
    }

    /// Counts the range `from..=to` of the query (its first page decides what follows).
    pub fn count(&mut self, from: i64, to: i64) {
        self.ledger.counting(from);
        self.counts.push_back((from, to));
    }

    /// Adds the window starting at `from` whose first page (`first`) is already read.
    pub fn window(&mut self, from: i64, fetch: Fetch, total: u64, first: Vec<Item>) {
        let pages = match fetch {
            Fetch::Search(_) => partition::page_starts(total).count(),
            // Listings have no 10,000-result window.
            Fetch::Listing(_) => usize::try_from(total.div_ceil(PAGE_SIZE)).unwrap_or(usize::MAX),
        };
        self.hits += first.len() as u64;
        let window = self.ledger.window(from, fetch, total, pages, first);
        for page in 1..pages {
            self.pages.insert((from, page), window);
        }
        self.report();
    }

    fn report(&self) {
        let p = &self.pool;
        progress(p.reporter, self.hits, p.expected, "reading search results");
    }

    fn next_task(&mut self) -> Option<Task> {
        if let Some((from, to)) = self.counts.pop_front() {
            return Some(Task::Count { from, to });
        }
        self.pages
            .pop_first()
            .map(|((_, page), window)| Task::Page { window, page })
    }

    /// The request of `task`, owning what it needs.
    fn request(&self, task: Task) -> Option<Fetch> {
        match task {
            Task::Count { from, to } => self
                .query
                .as_deref()
                .map(|q| Fetch::Search(partition::ranged(q, from, to))),
            Task::Page { window, .. } => self.ledger.fetch(window).cloned(),
        }
    }

    /// Sends requests until every page is read (or the first `max` items are known) and
    /// returns the result, counting the requests the pool made.
    pub async fn finish(mut self, total: u64) -> Result<Collected, String> {
        let mut flying = FuturesUnordered::new();
        let read_all = loop {
            if self.pool.max.is_some_and(|m| self.ledger.has_first(m)) {
                break flying.is_empty() && self.counts.is_empty() && self.pages.is_empty();
            }
            while flying.len() < self.pool.concurrency.max(1) {
                let Some(task) = self.next_task() else { break };
                if self.pool.cancel.is_cancelled() {
                    return Err("cancelled".into());
                }
                let Some(fetch) = self.request(task) else {
                    continue;
                };
                self.requests += 1;
                flying.push(answer(self.pool.client, task, fetch));
            }
            let Some((task, page)) = flying.next().await else {
                break true;
            };
            if self.pool.cancel.is_cancelled() {
                return Err("cancelled".into());
            }
            self.file(task, page?);
        };
        let covered = self.ledger.covered();
        if read_all && self.query.is_some() && covered < total && self.gap.is_none() {
            self.gap = Some(format!(
                "the date windows hold {covered} of {total} hits (items without a creation \
                 date, or content changed during the scan)"
            ));
        }
        if let Some(gap) = &self.gap {
            self.pool
                .reporter
                .warn(format!("{gap}; items not read are kept in the inventory"));
        }
        let mut out = self.ledger.finish(self.pool.max, read_all);
        out.complete &= self.gap.is_none();
        out.requests = self.requests;
        Ok(out)
    }

    /// Files the answer to `task`.
    fn file(&mut self, task: Task, page: SearchPage<Item>) {
        match task {
            Task::Count { from, to } => self.counted(from, to, page),
            Task::Page { window, page: n } => {
                self.hits += page.results.len() as u64;
                self.ledger.page(window, n, page.results);
                self.report();
            }
        }
    }

    /// A range was counted: a window, nothing, or a split.
    fn counted(&mut self, from: i64, to: i64, page: SearchPage<Item>) {
        let n = partition::total_of(&page);
        let parts = if n > SEARCH_WINDOW {
            partition::split(from, to, n)
        } else {
            Vec::new()
        };
        if n == 0 {
            self.ledger.empty(from);
        } else if parts.is_empty() {
            if n > SEARCH_WINDOW {
                self.gap = Some(format!(
                    "{n} items share the creation time {from}; only the first 10,000 can be read"
                ));
            }
            let query = self.query.as_deref().unwrap_or_default();
            let fetch = Fetch::Search(partition::ranged(query, from, to));
            self.window(from, fetch, n, page.results);
        } else {
            for (a, b) in parts {
                self.count(a, b);
            }
        }
        if !self.ledger.is_counting() {
            self.pool.reporter.info(format!(
                "past the 10,000-result window: reading {} created-date windows",
                self.ledger.windows()
            ));
        }
    }
}

/// Sends `fetch` for `task` (page `page` of a window, or page 1 of a count).
async fn answer(client: &PortalClient, task: Task, fetch: Fetch) -> Answer {
    let page = match task {
        Task::Count { .. } => 0,
        Task::Page { page, .. } => page,
    };
    let start = 1 + page as u64 * PAGE_SIZE;
    let result = match fetch {
        Fetch::Search(query) => partition::search_page(client, &query, start, PAGE_SIZE, false)
            .await
            .map_err(|e| errors::portal("search", &e)),
        Fetch::Listing(path) => list_page(client, &path, start)
            .await
            .and_then(|v| serde_json::from_value(v).map_err(|e| format!("{path}: {e}"))),
    };
    (task, result)
}

/// The page of the `content/users/...` listing at `path` starting at `start`, as JSON.
pub async fn list_page(client: &PortalClient, path: &str, start: u64) -> Result<Value, String> {
    let (start, num) = (start.to_string(), PAGE_SIZE.to_string());
    let query = [("start", start.as_str()), ("num", num.as_str())];
    client
        .get_json::<Value>(path, &query)
        .await
        .map_err(|e| errors::portal("listing user content", &e))
}
