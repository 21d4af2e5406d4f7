//! Listing a preset's items: a search (its first page and last `created` read together, then
//! either paged as one window or split into `created` ranges, see `partition`) or a folder's
//! content pages. The requests themselves run in `pages`, the results are kept in order by
//! `ledger`.

use super::ScanPreset;
use super::errors;
use super::ledger::{Collected, Fetch, Ledger};
use super::pages::{self, Pool, Run};
use super::partition::{self, PAGE_SIZE, SEARCH_WINDOW};
use super::query::Source;
use crate::engine::Reporter;
use crate::portal::PortalClient;
use crate::portal::wire::{Item, SearchPage};

/// Lists items for one scan.
pub struct Collector<'a> {
    /// The signed-in client.
    pub client: &'a PortalClient,
    /// Where progress goes.
    pub reporter: &'a Reporter,
    /// Stops the listing between pages.
    pub cancel: &'a tokio_util::sync::CancellationToken,
    /// Pages in flight at once.
    pub concurrency: usize,
    /// For the exact validation.
    pub preset: &'a ScanPreset,
    /// Stop after this many validated items.
    pub max: Option<usize>,
}

impl Collector<'_> {
    /// Lists the items of `source`.
    pub async fn collect(&self, source: Source) -> Result<Collected, String> {
        match source {
            Source::Search(q) => self.search(q).await,
            Source::Folder { owner, folder } => self.folder(&owner, &folder).await,
        }
    }

    fn pool(&self, expected: u64) -> Pool<'_> {
        Pool {
            client: self.client,
            reporter: self.reporter,
            cancel: self.cancel,
            concurrency: self.concurrency,
            max: self.max,
            expected,
        }
    }

    /// The first page and, in the same round trip, the last `created` (needed only past the
    /// window, but asking for it alongside costs one request instead of one more wait).
    async fn search(&self, q: String) -> Result<Collected, String> {
        let (first, last) = futures_util::try_join!(
            partition::search_page(self.client, &q, 1, PAGE_SIZE, false),
            partition::last_created(self.client, &q)
        )
        .map_err(|e| errors::portal("search", &e))?;
        let total = partition::total_of(&first);
        self.reporter
            .info(format!("the search finds {total} items"));
        if total <= SEARCH_WINDOW {
            let mut run = Run::new(self.pool(total), None, Ledger::new(self.preset));
            run.window(i64::MIN, Fetch::Search(q), total, first.results);
            return with_requests(run.finish(total).await, 2);
        }
        let first_created = first.results.first().and_then(Item::created_ms);
        let (Some(from), Some(to)) = (first_created, last) else {
            return Err(
                "the search results carry no creation dates, so the query cannot be \
                        split past 10,000 results; narrow the query"
                    .into(),
            );
        };
        let mut run = Run::new(self.pool(total), Some(q), Ledger::new(self.preset));
        let (from, to) = (from.min(to), from.max(to));
        let parts = partition::split(from, to, total);
        if parts.is_empty() {
            run.count(from, to);
        }
        for (a, b) in parts {
            run.count(a, b);
        }
        with_requests(run.finish(total).await, 2)
    }

    async fn folder(&self, owner: &str, folder: &str) -> Result<Collected, String> {
        let root_path = format!("content/users/{owner}");
        let root = pages::list_page(self.client, &root_path, 1).await?;
        let folder = folder.trim().trim_matches('/');
        let path = if folder.is_empty() {
            root_path.clone()
        } else {
            let folders = root["folders"].as_array().cloned().unwrap_or_default();
            let found = folders.iter().find(|f| {
                f["id"].as_str() == Some(folder)
                    || f["title"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case(folder))
            });
            let Some(id) = found.and_then(|f| f["id"].as_str()) else {
                let names: Vec<&str> = folders.iter().filter_map(|f| f["title"].as_str()).collect();
                return Err(format!(
                    "{owner} has no folder '{folder}'; the folders are: {}",
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                ));
            };
            format!("{root_path}/{id}")
        };
        let first_value = if path == root_path {
            root
        } else {
            pages::list_page(self.client, &path, 1).await?
        };
        let first: SearchPage<Item> =
            serde_json::from_value(first_value).map_err(|e| format!("{path}: {e}"))?;
        let total = partition::total_of(&first);
        self.reporter
            .info(format!("the folder holds {total} items"));
        let mut run = Run::new(self.pool(total), None, Ledger::new(self.preset));
        run.window(i64::MIN, Fetch::Listing(path), total, first.results);
        with_requests(run.finish(total).await, 2)
    }
}

/// `result` with `before` more requests (those made before the pool ran).
fn with_requests(result: Result<Collected, String>, before: u64) -> Result<Collected, String> {
    result.map(|mut c| {
        c.requests += before;
        c
    })
}
