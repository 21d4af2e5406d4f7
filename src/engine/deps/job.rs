//! The dependency-view job the Backup tab runs: sign in, build the graph of the selected items
//! and of the inventory's other items (so that what needs a selected item is known too), and
//! answer, per selected item, what it needs (its closure and what it leaves outside) and what
//! needs it (its blast radius), with titles and types. Reads through `portal` only and writes
//! nothing; it reports through the [`Reporter`] like every job. Cancellable between requests.

use std::collections::BTreeSet;

use tokio_util::sync::CancellationToken;

use super::build::build_graph;
use super::graph::{DependencyGraph, Node};
use crate::engine::{Outcome, PortalConnection, Progress, Reporter};
use crate::portal::PortalClient;

/// Items read at the same time when no concurrency is given.
pub const DEFAULT_CONCURRENCY: usize = 6;

/// What the dependency view asks for.
#[derive(Debug, Clone)]
pub struct DependencyRequest {
    /// Where and as whom to connect.
    pub connection: PortalConnection,
    /// The selected item ids, whose dependencies are shown.
    pub items: Vec<String>,
    /// The other item ids that may need a selected item (the loaded inventory); read too, so
    /// the blast radius is complete among them.
    pub candidates: Vec<String>,
    /// Items read at the same time (0: [`DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
}

/// An item related to a selected item, as the view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedItem {
    /// Item id.
    pub id: String,
    /// Title (empty when the item cannot be read).
    pub title: String,
    /// Item type (empty when the item cannot be read).
    pub item_type: String,
    /// Whether the relation is direct (an edge), not through other items.
    pub direct: bool,
    /// Whether the item is readable and in the organisation (so it can be backed up).
    pub local: bool,
}

impl RelatedItem {
    fn of(node: Option<&Node>, id: &str, direct: bool) -> Self {
        let fallback = Node::missing(id);
        let node = node.unwrap_or(&fallback);
        RelatedItem {
            id: id.to_string(),
            title: node.title.clone(),
            item_type: node.item_type.clone(),
            direct,
            local: node.is_local(),
        }
    }

    /// The title, or the id when the item has none (cannot be read).
    pub fn label(&self) -> &str {
        if self.title.is_empty() {
            &self.id
        } else {
            &self.title
        }
    }
}

/// What one selected item needs and what needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDependencies {
    /// The selected item, as the graph knows it.
    pub item: RelatedItem,
    /// Everything it needs, transitively: items of the organisation first (by title), then
    /// those left outside (missing, unreadable, outside the organisation).
    pub needs: Vec<RelatedItem>,
    /// Everything that needs it, transitively, among the items read (blast radius), by title.
    pub needed_by: Vec<RelatedItem>,
}

/// The dependency view's answer: one entry per selected item, in selection order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DependencyReport {
    /// Per selected item.
    pub items: Vec<ItemDependencies>,
}

impl DependencyReport {
    /// The report for `items` read from `graph`.
    pub fn from_graph(graph: &DependencyGraph, items: &[String]) -> Self {
        let items = dedup(items)
            .into_iter()
            .map(|id| item_dependencies(graph, &id))
            .collect();
        DependencyReport { items }
    }

    /// The items some selected item needs that can be backed up (in the organisation) and
    /// for which `is_selected` is false, without repeats, in report order.
    pub fn missing_needs(&self, is_selected: impl Fn(&str) -> bool) -> Vec<&RelatedItem> {
        let mut seen = BTreeSet::new();
        self.items
            .iter()
            .flat_map(|i| &i.needs)
            .filter(|r| r.local && !is_selected(&r.id) && seen.insert(r.id.as_str()))
            .collect()
    }
}

fn item_dependencies(graph: &DependencyGraph, id: &str) -> ItemDependencies {
    let root = [id.to_string()];
    let by_title = |a: &RelatedItem, b: &RelatedItem| {
        (a.label().to_lowercase(), &a.id).cmp(&(b.label().to_lowercase(), &b.id))
    };
    let mut inside: Vec<RelatedItem> = graph
        .closure(&root)
        .into_iter()
        .filter(|n| n != id)
        .map(|n| RelatedItem::of(graph.node(&n), &n, graph.edge(id, &n).is_some()))
        .collect();
    inside.sort_by(by_title);
    let mut outside: Vec<RelatedItem> = graph
        .external_needs(&root)
        .into_iter()
        .map(|n| RelatedItem::of(graph.node(&n), &n, graph.edge(id, &n).is_some()))
        .collect();
    outside.sort_by(by_title);
    inside.extend(outside);
    let mut needed_by: Vec<RelatedItem> = graph
        .blast_radius(id)
        .into_iter()
        .map(|n| RelatedItem::of(graph.node(&n), &n, graph.edge(&n, id).is_some()))
        .collect();
    needed_by.sort_by(by_title);
    ItemDependencies {
        item: RelatedItem::of(graph.node(id), id, true),
        needs: inside,
        needed_by,
    }
}

fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty() && seen.insert(i.clone()))
        .collect()
}

/// Runs the dependency view job; the runner sends `Finished` with
/// [`Outcome::Dependencies`] (or "cancelled").
pub async fn run(
    request: DependencyRequest,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let items = dedup(&request.items);
    let mut roots = items.clone();
    roots.extend(request.candidates.iter().cloned());
    let roots = dedup(&roots);
    reporter.started(format!(
        "dependencies of {} selected item(s), among {} item(s) of {}",
        items.len(),
        roots.len(),
        request.connection.options.url.portal()
    ));
    let concurrency = match request.concurrency {
        0 => DEFAULT_CONCURRENCY,
        n => n,
    };
    let mut options = request.connection.options.clone();
    options.max_concurrency = options.max_concurrency.max(concurrency);
    let client = PortalClient::connect(&options, request.connection.credentials.clone())
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    reporter.progress(Progress {
        done: 0,
        total: None,
        message: format!("reading {} item(s) and what they need", roots.len()),
    });
    let graph = build_graph(&client, &roots, concurrency, &cancel)
        .await
        .map_err(|e| format!("building the dependency graph failed: {e}"))?;
    if cancel.is_cancelled() {
        return Err("cancelled".into());
    }
    let report = DependencyReport::from_graph(&graph, &items);
    reporter.info(format!(
        "dependency graph: {} item(s), {} relation(s)",
        graph.len(),
        graph.edges().count()
    ));
    Ok(Outcome::Dependencies(Box::new(report)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::deps::EdgeReason;

    fn node(id: &str, title: &str, local: bool) -> Node {
        Node {
            id: id.into(),
            title: title.into(),
            item_type: "Web Map".into(),
            owner: "me".into(),
            in_org: local,
            accessible: true,
        }
    }

    /// app -> map -> layer -> source; map -> basemap (outside); other -> map.
    fn graph() -> DependencyGraph {
        let mut g = DependencyGraph::new();
        for (id, title, local) in [
            ("app", "App", true),
            ("map", "Map", true),
            ("layer", "Layer", true),
            ("source", "Source", true),
            ("basemap", "Basemap", false),
            ("other", "Other app", true),
        ] {
            g.add_node(node(id, title, local));
        }
        for (s, t) in [
            ("app", "map"),
            ("map", "layer"),
            ("layer", "source"),
            ("map", "basemap"),
            ("other", "map"),
        ] {
            g.add_edge(s, t, EdgeReason::Data);
        }
        g
    }

    fn ids(list: &[RelatedItem]) -> Vec<(&str, bool)> {
        list.iter().map(|r| (r.id.as_str(), r.direct)).collect()
    }

    #[test]
    fn needs_and_needed_by_with_direct_flags() {
        let report = DependencyReport::from_graph(&graph(), &["map".into(), "map".into()]);
        assert_eq!(report.items.len(), 1, "repeats removed");
        let map = &report.items[0];
        assert_eq!(map.item.title, "Map");
        assert_eq!(
            ids(&map.needs),
            [("layer", true), ("source", false), ("basemap", true)]
        );
        assert!(!map.needs[2].local, "outside the organisation last");
        assert_eq!(ids(&map.needed_by), [("app", true), ("other", true)]);
    }

    #[test]
    fn missing_needs_are_local_unselected_and_unique() {
        let report = DependencyReport::from_graph(&graph(), &["app".into(), "other".into()]);
        let missing: Vec<&str> = report
            .missing_needs(|id| id == "layer")
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(missing, ["map", "source"]);
    }
}
