//! [`build_graph`]: the graph of some root items and everything they need, read from a portal.
//! Items are read concurrently (at most `concurrency` at once); an item is explored (its
//! documents and related items read) when it is a root or a readable item of the organisation,
//! as Esri's graph does with `outside_org=False`. The graph is assembled only once every item is
//! read, in id order, so its edges do not depend on which answer came first.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio_util::sync::CancellationToken;

use super::graph::{DependencyGraph, EdgeReason};
use super::visit::{Job, Reader, Visit};
use crate::portal::{PortalClient, PortalError};

/// Async: builds the graph of `roots` and everything they need, following only accessible org
/// items (as Esri does with `outside_org=False`), with at most `concurrency` items read at once,
/// checking `cancel` between requests. Fetches the item JSON, `/data` of JSON item types, the
/// resources the §10 rules name (draft StoryMap and Hub, Experience Builder config,
/// `qc.project.json`, `webtoolDefinition.json`) and related items forward by type.
///
/// Ids that are missing or not readable become nodes with `accessible == false`; readable items
/// from outside the organisation become nodes that are not explored. Errors that say nothing
/// about one item (network, server failure, sign-in) are returned. When `cancel` fires, the
/// graph read so far is returned: callers check `cancel.is_cancelled()` before trusting it.
pub async fn build_graph(
    client: &PortalClient,
    roots: &[String],
    concurrency: usize,
    cancel: &CancellationToken,
) -> Result<DependencyGraph, PortalError> {
    let home_org = client.portal_self().await?.id;
    let reader = Reader {
        client,
        cancel,
        home_org,
    };
    let mut queued: BTreeSet<String> = BTreeSet::new();
    let mut todo: VecDeque<Job> = VecDeque::new();
    for root in roots.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if queued.insert(root.to_string()) {
            todo.push_back(Job {
                id: root.to_string(),
                known: None,
                root: true,
            });
        }
    }
    let mut visits: BTreeMap<String, Visit> = BTreeMap::new();
    let mut running = FuturesUnordered::new();
    let limit = concurrency.max(1);
    loop {
        while running.len() < limit && !cancel.is_cancelled() {
            let Some(job) = todo.pop_front() else { break };
            running.push(reader.visit(job));
        }
        let Some(done) = running.next().await else {
            break;
        };
        let visit = done?;
        if visit.explored {
            for job in visit.next_jobs() {
                if queued.insert(job.id.clone()) {
                    todo.push_back(job);
                }
            }
        }
        visits.insert(visit.id.clone(), visit);
    }
    Ok(assemble(&visits))
}

/// The graph of `visits`: nodes, then edges by source id (data, related, then URL matches).
fn assemble(visits: &BTreeMap<String, Visit>) -> DependencyGraph {
    let mut g = DependencyGraph::new();
    for v in visits.values() {
        g.add_node(v.node());
    }
    for v in visits.values() {
        for target in &v.data_refs {
            g.add_edge(&v.id, target, EdgeReason::Data);
        }
        let mut related: Vec<(&str, &str)> = v
            .related
            .iter()
            .map(|(t, item)| (t.as_str(), item.id.as_str()))
            .collect();
        related.sort_unstable();
        for (kind, target) in related {
            g.add_edge(&v.id, target, EdgeReason::Related(kind.to_string()));
        }
    }
    let mut by_root: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for v in visits.values() {
        if let Some(root) = v.url_root() {
            by_root.entry(root).or_default().push(&v.id);
        }
    }
    for v in visits.values() {
        for root in &v.layer_roots {
            for target in by_root.get(root).into_iter().flatten() {
                g.add_edge(&v.id, target, EdgeReason::Url);
            }
        }
    }
    g
}
