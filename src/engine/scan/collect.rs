//! Listing a preset's items: search pages (window by window, see `partition`) or a folder's
//! content pages, fetched concurrently with a bounded, order-keeping stream so that `--max`
//! cuts deterministically; hits are validated exactly, de-duplicated by id and sorted by
//! `created`. Cancellation is checked before every page.

use std::collections::HashSet;

use futures_util::{StreamExt, stream};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::errors;
use super::partition::{self, PAGE_SIZE};
use super::query::{self, Source};
use super::{ScanPreset, progress};
use crate::engine::Reporter;
use crate::portal::PortalClient;
use crate::portal::wire::{Item, SearchPage};

/// What a listing found.
#[derive(Debug, Default)]
pub struct Collected {
    /// Validated items, one per id, sorted by `created` (then id).
    pub items: Vec<Item>,
    /// Hits dropped by the exact validation.
    pub dropped: usize,
    /// Whether every matching item was read (not cut by `--max`, no window gap).
    pub complete: bool,
    /// List requests made (search pages, counts, listing pages).
    pub requests: u64,
}

/// One page to fetch.
#[derive(Debug, Clone)]
enum Job {
    /// A search page.
    Search { query: String, start: u64 },
    /// A page of `content/users/...`.
    Listing { path: String, start: u64 },
}

/// Lists items for one scan.
pub struct Collector<'a> {
    /// The signed-in client.
    pub client: &'a PortalClient,
    /// Where progress goes.
    pub reporter: &'a Reporter,
    /// Stops the listing between pages.
    pub cancel: &'a CancellationToken,
    /// Pages in flight at once.
    pub concurrency: usize,
    /// For the exact validation.
    pub preset: &'a ScanPreset,
    /// Stop after this many validated items.
    pub max: Option<usize>,
}

/// The items gathered so far.
struct Acc<'p> {
    preset: &'p ScanPreset,
    seen: HashSet<String>,
    out: Collected,
    hits: u64,
}

impl Acc<'_> {
    fn add(&mut self, results: Vec<Item>) {
        for item in results {
            self.hits += 1;
            if !self.seen.insert(item.id.clone()) {
                continue;
            }
            if query::is_exact_match(self.preset, &item) {
                self.out.items.push(item);
            } else {
                self.out.dropped += 1;
            }
        }
    }
}

async fn fetch(client: &PortalClient, job: Job) -> Result<SearchPage<Item>, String> {
    match job {
        Job::Search { query, start } => {
            partition::search_page(client, &query, start, PAGE_SIZE, false)
                .await
                .map_err(|e| errors::portal("search", &e))
        }
        Job::Listing { path, start } => list_page(client, &path, start)
            .await
            .and_then(|v| serde_json::from_value(v).map_err(|e| format!("{path}: {e}"))),
    }
}

async fn list_page(client: &PortalClient, path: &str, start: u64) -> Result<Value, String> {
    let (start, num) = (start.to_string(), PAGE_SIZE.to_string());
    let query = [("start", start.as_str()), ("num", num.as_str())];
    partition::retry_token(|| client.get_json::<Value>(path, &query))
        .await
        .map_err(|e| errors::portal("listing user content", &e))
}

fn total_of(page: &SearchPage<Item>) -> u64 {
    page.total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0)
}

impl Collector<'_> {
    /// Lists the items of `source`.
    pub async fn collect(&self, source: Source) -> Result<Collected, String> {
        match source {
            Source::Search(q) => self.search(&q).await,
            Source::Folder { owner, folder } => self.folder(&owner, &folder).await,
        }
    }

    async fn search(&self, q: &str) -> Result<Collected, String> {
        let first = partition::search_page(self.client, q, 1, PAGE_SIZE, false)
            .await
            .map_err(|e| errors::portal("search", &e))?;
        let total = total_of(&first);
        self.reporter
            .info(format!("the search finds {total} items"));
        let plan = partition::plan(self.client, q, total, self.concurrency).await?;
        if let Some(gap) = &plan.gap {
            self.reporter
                .warn(format!("{gap}; items not read are kept in the inventory"));
        }
        let mut requests = 1;
        let (prefetched, jobs): (Option<SearchPage<Item>>, Vec<Job>) =
            if plan.windows.len() == 1 && plan.windows[0].query == q {
                let jobs = partition::page_starts(total)
                    .skip(1)
                    .map(|start| Job::Search {
                        query: q.to_string(),
                        start,
                    })
                    .collect();
                (Some(first), jobs)
            } else {
                self.reporter.info(format!(
                    "past the 10,000-result window: reading {} created-date windows",
                    plan.windows.len()
                ));
                requests += 2 + plan.windows.len() as u64;
                let jobs = plan
                    .windows
                    .iter()
                    .flat_map(|w| {
                        partition::page_starts(w.total).map(|start| Job::Search {
                            query: w.query.clone(),
                            start,
                        })
                    })
                    .collect();
                (None, jobs)
            };
        let mut out = self.consume(prefetched, jobs, total).await?;
        out.requests += requests;
        out.complete &= plan.gap.is_none();
        Ok(out)
    }

    async fn folder(&self, owner: &str, folder: &str) -> Result<Collected, String> {
        let root_path = format!("content/users/{owner}");
        let root = list_page(self.client, &root_path, 1).await?;
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
            list_page(self.client, &path, 1).await?
        };
        let first: SearchPage<Item> =
            serde_json::from_value(first_value).map_err(|e| format!("{path}: {e}"))?;
        let total = total_of(&first);
        self.reporter
            .info(format!("the folder holds {total} items"));
        let jobs = (1..total.div_ceil(PAGE_SIZE))
            .map(|i| Job::Listing {
                path: path.clone(),
                start: 1 + i * PAGE_SIZE,
            })
            .collect();
        let mut out = self.consume(Some(first), jobs, total).await?;
        out.requests += 2;
        Ok(out)
    }

    /// Fetches `jobs` (after the `prefetched` first page) and gathers their items in order.
    async fn consume(
        &self,
        prefetched: Option<SearchPage<Item>>,
        jobs: Vec<Job>,
        expected: u64,
    ) -> Result<Collected, String> {
        let mut acc = Acc {
            preset: self.preset,
            seen: HashSet::new(),
            out: Collected {
                complete: true,
                requests: jobs.len() as u64,
                ..Collected::default()
            },
            hits: 0,
        };
        if let Some(page) = prefetched {
            acc.add(page.results);
            progress(self.reporter, acc.hits, expected, "reading search results");
        }
        let cancel = self.cancel;
        let client = self.client;
        let mut pages = stream::iter(jobs)
            .map(|job| async move {
                if cancel.is_cancelled() {
                    return Err("cancelled".to_string());
                }
                fetch(client, job).await
            })
            .buffered(self.concurrency.max(1));
        loop {
            if self.max.is_some_and(|m| acc.out.items.len() >= m) {
                break;
            }
            let Some(page) = pages.next().await else {
                break;
            };
            if cancel.is_cancelled() {
                return Err("cancelled".into());
            }
            acc.add(page?.results);
            progress(self.reporter, acc.hits, expected, "reading search results");
        }
        let mut out = acc.out;
        let cut =
            |m: &usize| out.items.len() > *m || (out.items.len() == *m && acc.hits < expected);
        if let Some(max) = self.max.filter(cut) {
            out.items.truncate(max);
            out.complete = false;
        }
        out.items
            .sort_by(|a, b| (a.created_ms(), &a.id).cmp(&(b.created_ms(), &b.id)));
        Ok(out)
    }
}
