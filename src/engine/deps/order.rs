//! [`DependencyGraph::dependency_order`]: the order in which to recreate or restore items so that
//! each comes after what it needs (layers, then maps, then apps). A depth-first walk that emits an
//! item once everything it needs is out; starts and neighbours are taken by kind (services and
//! data first, then maps and scenes, then apps) and id, so the order is deterministic, and an edge
//! back into the walk is skipped, so cycles are broken at a fixed place and the walk always ends.

use std::collections::BTreeSet;

use super::graph::DependencyGraph;

/// Maps and scenes.
const MAP_TYPES: [&str; 2] = ["Web Map", "Web Scene"];

/// Apps: items built on maps and layers.
const APP_TYPES: [&str; 12] = [
    "Web Mapping Application",
    "Dashboard",
    "Web Experience",
    "StoryMap",
    "Hub Site Application",
    "Hub Page",
    "Site Application",
    "Site Page",
    "Form",
    "QuickCapture Project",
    "Workforce Project",
    "Mobile Application",
];

impl DependencyGraph {
    /// 0 for services, data and unknown ids, 1 for maps and scenes, 2 for apps.
    fn rank(&self, id: &str) -> u8 {
        let t = self.node(id).map_or("", |n| n.item_type.as_str());
        if MAP_TYPES.contains(&t) {
            1
        } else if APP_TYPES.contains(&t) {
            2
        } else {
            0
        }
    }

    fn by_rank<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let mut v: Vec<(u8, &str)> = ids.into_iter().map(|id| (self.rank(id), id)).collect();
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(|(_, id)| id).collect()
    }

    /// `ids` (each once) ordered so that every item comes after the items it transitively needs,
    /// also through items not in `ids`: targets before sources (layers, then maps, then apps).
    /// Cycles are broken deterministically; ids unknown to the graph keep their place by kind.
    pub fn dependency_order(&self, ids: &[String]) -> Vec<String> {
        let wanted: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::with_capacity(wanted.len());
        for start in self.by_rank(wanted.iter().copied()) {
            if !seen.insert(start) {
                continue;
            }
            // Each frame: an item and its needs still to visit (reversed, so `pop` takes the first).
            let mut stack = vec![(start, self.pending(start))];
            while let Some((current, pending)) = stack.last_mut() {
                if let Some(next) = pending.pop() {
                    if seen.insert(next) {
                        let frame = (next, self.pending(next));
                        stack.push(frame);
                    }
                    continue;
                }
                let done = *current;
                stack.pop();
                if wanted.contains(done) {
                    out.push(done.to_string());
                }
            }
        }
        out
    }

    fn pending(&self, id: &str) -> Vec<&str> {
        let mut v = self.by_rank(self.needs_of(id));
        v.reverse();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::tests::{node, sample};
    use super::super::graph::{DependencyGraph, EdgeReason};

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn position(order: &[String], id: &str) -> usize {
        order.iter().position(|x| x == id).unwrap()
    }

    #[test]
    fn layers_then_maps_then_apps() {
        let g = sample();
        let all: Vec<String> = g.nodes().map(|n| n.id.clone()).collect();
        let order = g.dependency_order(&all);
        assert_eq!(order.len(), all.len());
        for (s, t, _) in g.edges() {
            assert!(
                position(&order, t) < position(&order, s),
                "{t} before {s}: {order:?}"
            );
        }
        assert_eq!(
            order,
            strings(&[
                "basemap", "gone", "layer", "source", "view", "map", "app", "dash"
            ])
        );
    }

    #[test]
    fn order_of_a_subset_respects_needs_through_other_items() {
        let g = sample();
        let order = g.dependency_order(&strings(&["app", "source", "app", "nowhere"]));
        assert_eq!(order, strings(&["nowhere", "source", "app"]));
    }

    #[test]
    fn cycles_are_broken_deterministically() {
        let mut g = DependencyGraph::new();
        for (id, t) in [
            ("a", "Web Map"),
            ("b", "Feature Service"),
            ("c", "Dashboard"),
        ] {
            g.add_node(node(id, t));
        }
        assert!(g.add_edge("a", "b", EdgeReason::Data));
        assert!(g.add_edge("b", "c", EdgeReason::Data));
        assert!(g.add_edge("c", "a", EdgeReason::Data));
        let ids = strings(&["c", "a", "b"]);
        let order = g.dependency_order(&ids);
        assert_eq!(order, strings(&["a", "c", "b"]));
        let mut reversed = ids.clone();
        reversed.reverse();
        assert_eq!(
            g.dependency_order(&reversed),
            order,
            "input order does not matter"
        );
        assert!(g.dependency_order(&[]).is_empty());
    }
}
