//! [`DependencyGraph`]: items as nodes, "source needs target" edges with the reason, and the
//! questions Backup, `.contentexport` and Restore ask of it (what a set of items needs, what
//! breaks if an item goes, in which order to recreate items). Deterministic: ordered maps and
//! sets only, so equal inputs give equal answers. Pure data; building it from a portal is `build`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Why one item needs another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EdgeReason {
    /// The id was found in the item's data or resource JSON.
    Data,
    /// A portal relationship of this type (`Map2Service`, `Service2Service` ...).
    Related(String),
    /// A layer URL of the item matched the target's service URL.
    Url,
}

/// One item of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Item id.
    pub id: String,
    /// Title (empty when not readable).
    pub title: String,
    /// Item type, e.g. `Web Map` (empty when not readable).
    pub item_type: String,
    /// Owner username (empty when not readable).
    pub owner: String,
    /// Whether the item belongs to the signed-in organisation.
    pub in_org: bool,
    /// `false`: the id is referenced but the item is missing or not readable.
    pub accessible: bool,
}

impl Node {
    /// A bare node for an id that is referenced but cannot be read.
    pub fn missing(id: &str) -> Self {
        Node {
            id: id.to_string(),
            title: String::new(),
            item_type: String::new(),
            owner: String::new(),
            in_org: false,
            accessible: false,
        }
    }

    /// Whether the item is one to follow and copy: readable and in the organisation.
    pub fn is_local(&self) -> bool {
        self.accessible && self.in_org
    }
}

/// Items and what they need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DependencyGraph {
    nodes: BTreeMap<String, Node>,
    edges: BTreeMap<(String, String), EdgeReason>,
    needs: BTreeMap<String, BTreeSet<String>>,
    needed_by: BTreeMap<String, BTreeSet<String>>,
}

impl DependencyGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `node`, replacing any node with its id (a bare node made by [`add_edge`](Self::add_edge)).
    pub fn add_node(&mut self, node: Node) {
        self.nodes.insert(node.id.clone(), node);
    }

    /// Records "`source` needs `target`" and returns whether it was added. Refused like Esri's
    /// graph does: self-edges, an edge whose opposite exists (no 2-cycles), and a second edge
    /// between the same pair (the first reason stays). Endpoints not yet in the graph are added
    /// as [`Node::missing`] until [`add_node`](Self::add_node) replaces them.
    pub fn add_edge(&mut self, source: &str, target: &str, reason: EdgeReason) -> bool {
        let key = (source.to_string(), target.to_string());
        if source == target
            || self.edges.contains_key(&key)
            || self
                .edges
                .contains_key(&(target.to_string(), source.to_string()))
        {
            return false;
        }
        for id in [source, target] {
            if !self.nodes.contains_key(id) {
                self.nodes.insert(id.to_string(), Node::missing(id));
            }
        }
        self.edges.insert(key, reason);
        self.needs
            .entry(source.to_string())
            .or_default()
            .insert(target.to_string());
        self.needed_by
            .entry(target.to_string())
            .or_default()
            .insert(source.to_string());
        true
    }

    /// The node with `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// Every node, by id.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }

    /// Every edge as (source, target, reason), by source then target.
    pub fn edges(&self) -> impl Iterator<Item = (&str, &str, &EdgeReason)> {
        self.edges
            .iter()
            .map(|((s, t), r)| (s.as_str(), t.as_str(), r))
    }

    /// Why `source` needs `target`, if it does directly.
    pub fn edge(&self, source: &str, target: &str) -> Option<&EdgeReason> {
        self.edges.get(&(source.to_string(), target.to_string()))
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub(super) fn needs_of(&self, id: &str) -> impl Iterator<Item = &str> {
        self.needs.get(id).into_iter().flatten().map(String::as_str)
    }

    fn needed_by_of(&self, id: &str) -> impl Iterator<Item = &str> {
        self.needed_by
            .get(id)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// What `id` needs directly, sorted.
    pub fn needs(&self, id: &str) -> Vec<&str> {
        self.needs_of(id).collect()
    }

    /// What needs `id` directly, sorted.
    pub fn needed_by(&self, id: &str) -> Vec<&str> {
        self.needed_by_of(id).collect()
    }

    /// The `roots` and everything they transitively need, sorted. Only readable items of the
    /// organisation ([`Node::is_local`]) are added and walked through: a missing item or one from
    /// outside the org (an Esri basemap) is not part of the set (see
    /// [`external_needs`](Self::external_needs)). Roots are always in the answer.
    pub fn closure(&self, roots: &[String]) -> Vec<String> {
        let mut seen: BTreeSet<&str> = roots.iter().map(String::as_str).collect();
        let mut stack: Vec<&str> = seen.iter().copied().collect();
        while let Some(id) = stack.pop() {
            for target in self.needs_of(id) {
                let local = self.node(target).is_some_and(Node::is_local);
                if local && seen.insert(target) {
                    stack.push(target);
                }
            }
        }
        seen.into_iter().map(str::to_string).collect()
    }

    /// What the [`closure`](Self::closure) of `roots` needs but leaves out (missing, unreadable
    /// or outside the organisation), sorted: the ids a backup should report.
    pub fn external_needs(&self, roots: &[String]) -> Vec<String> {
        let inside = self.closure(roots);
        let inside_set: BTreeSet<&str> = inside.iter().map(String::as_str).collect();
        let outside: BTreeSet<&str> = inside
            .iter()
            .flat_map(|id| self.needs_of(id))
            .filter(|t| !inside_set.contains(t))
            .collect();
        outside.into_iter().map(str::to_string).collect()
    }

    /// Everything that transitively needs `id` (not `id` itself), sorted.
    pub fn blast_radius(&self, id: &str) -> Vec<String> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            for source in self.needed_by_of(current) {
                if source != id && seen.insert(source) {
                    stack.push(source);
                }
            }
        }
        seen.into_iter().map(str::to_string).collect()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) fn node(id: &str, item_type: &str) -> Node {
        Node {
            id: id.into(),
            title: id.to_uppercase(),
            item_type: item_type.into(),
            owner: "admin".into(),
            in_org: true,
            accessible: true,
        }
    }

    /// app -> map -> {layer, view -> source}, map -> basemap (outside), dash -> {map, layer}.
    pub(crate) fn sample() -> DependencyGraph {
        let mut g = DependencyGraph::new();
        for (id, t) in [
            ("app", "Web Mapping Application"),
            ("map", "Web Map"),
            ("layer", "Feature Service"),
            ("view", "Feature Service"),
            ("source", "Feature Service"),
            ("dash", "Dashboard"),
        ] {
            g.add_node(node(id, t));
        }
        g.add_node(Node {
            in_org: false,
            ..node("basemap", "Vector Tile Service")
        });
        assert!(g.add_edge("app", "map", EdgeReason::Data));
        assert!(g.add_edge("map", "layer", EdgeReason::Data));
        assert!(g.add_edge("map", "view", EdgeReason::Related("Map2Service".into())));
        assert!(g.add_edge(
            "view",
            "source",
            EdgeReason::Related("Service2Service".into())
        ));
        assert!(g.add_edge("map", "basemap", EdgeReason::Data));
        assert!(g.add_edge("dash", "map", EdgeReason::Data));
        assert!(g.add_edge("dash", "layer", EdgeReason::Data));
        assert!(g.add_edge("app", "gone", EdgeReason::Data));
        g
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn refuses_self_edges_two_cycles_and_duplicates() {
        let mut g = sample();
        assert!(!g.add_edge("map", "map", EdgeReason::Data));
        assert!(!g.add_edge("map", "app", EdgeReason::Data), "2-cycle");
        assert!(!g.add_edge("app", "map", EdgeReason::Url), "duplicate");
        assert_eq!(g.edge("app", "map"), Some(&EdgeReason::Data));
        assert_eq!(g.edge("map", "app"), None);
        assert!(
            g.add_edge("layer", "app", EdgeReason::Url),
            "longer cycles are allowed"
        );
    }

    #[test]
    fn edges_make_missing_nodes_that_add_node_replaces() {
        let mut g = sample();
        assert_eq!(g.node("gone"), Some(&Node::missing("gone")));
        g.add_node(node("gone", "PDF"));
        assert!(g.node("gone").is_some_and(|n| n.accessible));
        assert_eq!(g.len(), 8);
        assert_eq!(g.needs("map"), ["basemap", "layer", "view"]);
        assert_eq!(g.needed_by("map"), ["app", "dash"]);
        assert!(g.needs("nothing").is_empty());
        let first: Vec<(&str, &str)> = g.edges().map(|(s, t, _)| (s, t)).take(2).collect();
        assert_eq!(first, [("app", "gone"), ("app", "map")]);
    }

    #[test]
    fn closure_follows_local_items_only() {
        let g = sample();
        assert_eq!(
            g.closure(&strings(&["app"])),
            strings(&["app", "layer", "map", "source", "view"])
        );
        assert_eq!(
            g.external_needs(&strings(&["app"])),
            strings(&["basemap", "gone"])
        );
        assert_eq!(
            g.closure(&strings(&["view", "view"])),
            strings(&["source", "view"])
        );
        assert_eq!(g.closure(&strings(&["unknown"])), strings(&["unknown"]));
    }

    #[test]
    fn blast_radius_walks_back() {
        let g = sample();
        assert_eq!(
            g.blast_radius("source"),
            strings(&["app", "dash", "map", "view"])
        );
        assert_eq!(g.blast_radius("layer"), strings(&["app", "dash", "map"]));
        assert!(g.blast_radius("app").is_empty());
        let mut cyclic = sample();
        cyclic.add_edge("source", "app", EdgeReason::Url);
        assert_eq!(
            cyclic.blast_radius("source"),
            strings(&["app", "dash", "map", "view"]),
            "a cycle back to the start does not list it"
        );
    }
}
