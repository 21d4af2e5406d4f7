//! The item dependency graph: which items an item needs (a web app its web map, a web map its
//! layers, a view its source service), read from a portal the way `arcgis.apps.itemgraph` reads
//! it (arcgis-protocol.md §5.5, §10), for Backup (what to copy along), `.contentexport` packages
//! and Restore (in which order to recreate items). Edges read "source needs target".
//!
//! Parts: `graph` ([`DependencyGraph`], [`Node`], [`EdgeReason`], closure and blast radius),
//! `order` (dependency order), `guid` (item ids in text and JSON), `parse` (per-type rules for
//! item JSON, pure), `relations` (relationship types per item type, pure), `documents` (which
//! documents to read per type, pure), `visit` (reading one item), `build` ([`build_graph`]) and
//! `job` (the Backup tab's dependency view as an engine job, [`run`]). Reads through `portal`
//! only and writes nothing; only `job` reports (other callers turn the graph into events and
//! files).

mod build;
mod documents;
mod graph;
mod guid;
mod job;
mod order;
mod parse;
mod relations;
mod visit;

pub use build::build_graph;
pub use graph::{DependencyGraph, EdgeReason, Node};
pub use guid::is_item_id;
pub use job::{
    DEFAULT_CONCURRENCY, DependencyReport, DependencyRequest, ItemDependencies, RelatedItem, run,
};
pub use parse::{data_references, service_root, service_urls};
pub use relations::{ALWAYS_FORWARD, ALWAYS_REVERSE, DEPENDENCY_TRACKING, relationship_types};
