//! The Scan use case: list the items of a preset (search, partitioned past the 10,000-result
//! window, or a folder listing), drop loose hits, work out what is new, changed, unchanged or
//! gone against the index, and upsert the inventory CSV. Files are checked before the first
//! request and written only when the scan succeeded (never after a failure or a cancel).
//!
//! Parts: `query` (preset -> query, exact validation), `partition` (created-date windows),
//! `collect` (what to list), `pages` (one bounded pool of requests), `ledger` (results kept in
//! order), `delta` (index and layer edit dates), `errors` (messages and checks before scanning).

mod collect;
pub(crate) mod delta;
mod errors;
mod ledger;
mod pages;
mod partition;
mod query;
mod request;

pub use partition::{PAGE_SIZE, SEARCH_WINDOW};
pub use request::{ScanPreset, ScanRequest, ScanSummary};

use tokio_util::sync::CancellationToken;

use super::{Outcome, Progress, Reporter};
use crate::formats::index::Index;
use crate::formats::inventory::{Inventory, InventoryRow};
use crate::portal::PortalClient;
use crate::portal::wire::Item;

/// Sends progress `done` of `total` with `message`.
pub(crate) fn progress(reporter: &Reporter, done: u64, total: u64, message: &str) {
    reporter.progress(Progress {
        done: done.min(total),
        total: Some(total),
        message: message.to_string(),
    });
}

/// Runs a scan; the runner sends `Finished` with the result.
pub async fn run(
    request: ScanRequest,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let portal = request.connection.options.url.portal().to_string();
    reporter.started(format!(
        "scan of {portal} ({})",
        query::describe(&request.preset)
    ));
    let (inventory, index, _) = errors::load_files(&request.inventory, &request.index)?;
    let scan_start_ms = crate::engine::now_ms();
    let client = PortalClient::connect(
        &request.connection.options,
        request.connection.credentials.clone(),
    )
    .await
    .map_err(|e| errors::portal("sign-in", &e))?;
    let org = client
        .portal_self()
        .await
        .map_err(|e| errors::portal("reading the portal (portals/self)", &e))?;
    let source = query::source(&request.preset, org.id.as_deref());
    let concurrency = request.connection.options.max_concurrency.max(1);
    let collector = collect::Collector {
        client: &client,
        reporter: &reporter,
        cancel: &cancel,
        concurrency,
        preset: &request.preset,
        max: request.max_items,
    };
    let collected = collector.collect(source).await?;
    if cancel.is_cancelled() {
        return Err("cancelled".into());
    }
    if collected.dropped > 0 {
        reporter.info(format!(
            "{} loose search hits dropped (they do not match exactly)",
            collected.dropped
        ));
    }
    let job = Update {
        client: &client,
        reporter: &reporter,
        cancel: &cancel,
        concurrency,
        portal: &portal,
        scan_start_ms,
    };
    let summary = job.apply(&request, collected, inventory, index).await?;
    Ok(Outcome::Scan(summary))
}

/// The inventory row of `item`.
fn row_of(item: &Item, portal: &str) -> InventoryRow {
    InventoryRow {
        title: item.title.clone().unwrap_or_default(),
        id: item.id.clone(),
        item_type: item.item_type.clone().unwrap_or_default(),
        owner: item.owner.clone().unwrap_or_default(),
        created_ms: item.created_ms(),
        modified_ms: item.modified,
        rest_url: item.url.clone().unwrap_or_default(),
        item_page_url: format!("{portal}/home/item.html?id={}", item.id),
        tags: item.tags.clone(),
        content_status: item.content_status.clone().unwrap_or_default(),
    }
}

/// The second half of a scan: delta, rows, files.
struct Update<'a> {
    client: &'a PortalClient,
    reporter: &'a Reporter,
    cancel: &'a CancellationToken,
    concurrency: usize,
    portal: &'a str,
    scan_start_ms: i64,
}

impl Update<'_> {
    async fn apply(
        &self,
        request: &ScanRequest,
        collected: ledger::Collected,
        mut inventory: Inventory,
        mut index: Index,
    ) -> Result<ScanSummary, String> {
        let to_check: Vec<&Item> = collected
            .items
            .iter()
            .filter(|i| delta::needs_edit_check(&index, i))
            .collect();
        if !to_check.is_empty() {
            self.reporter.info(format!(
                "reading the last data edit of {} hosted feature layers",
                to_check.len()
            ));
        }
        let edits = delta::edit_dates(self.client, &to_check, self.concurrency, self.cancel).await;
        if self.cancel.is_cancelled() {
            return Err("cancelled".into());
        }
        let mut summary = ScanSummary {
            found: collected.items.len(),
            dropped_loose: collected.dropped,
            complete: collected.complete,
            list_requests: collected.requests,
            inventory: request.inventory.clone(),
            ..ScanSummary::default()
        };
        let mut rows = Vec::with_capacity(collected.items.len());
        let mut marks = Vec::with_capacity(collected.items.len());
        for item in &collected.items {
            let row = row_of(item, self.portal);
            let edit = edits.get(&item.id);
            if let Some(Err(e)) = edit {
                summary.warnings += 1;
                self.reporter.warn(format!(
                    "cannot read the data edit date of {} ({}): {}; the row is kept and the \
                     layer is checked again next time",
                    row.title,
                    item.id,
                    errors::portal("reading the layer", e)
                ));
            }
            let v = delta::classify(item, &row, &inventory, &index, edit, self.scan_start_ms);
            match v.status {
                "new" => summary.new += 1,
                "changed" => summary.changed += 1,
                _ => summary.unchanged += 1,
            }
            self.reporter
                .row(&item.id, &row.title, &row.item_type, v.status);
            marks.push((item.id.clone(), v.modified_ms, v.edit_mark));
            rows.push(row);
        }
        let gone = inventory.apply(rows, collected.complete);
        summary.removed = gone.removed.len();
        for (id, modified, mark) in marks {
            index.set(id, modified, mark);
        }
        if collected.complete {
            index.retain(|id| inventory.get(id).is_some());
        } else {
            self.reporter.info(
                "the scan did not cover every matching item: rows of items not seen are kept",
            );
        }
        inventory
            .write(&request.inventory)
            .map_err(|e| errors::format(&e))?;
        index
            .write(&request.index)
            .map_err(|e| errors::format(&e))?;
        self.reporter.info(format!(
            "{} found, {} new, {} changed, {} unchanged, {} removed, {} loose hits dropped",
            summary.found,
            summary.new,
            summary.changed,
            summary.unchanged,
            summary.removed,
            summary.dropped_loose
        ));
        // Freeing tens of thousands of items and rows takes tens of ms: not on the way to
        // the result.
        tokio::task::spawn_blocking(move || drop((collected, inventory, index, edits)));
        Ok(summary)
    }
}
