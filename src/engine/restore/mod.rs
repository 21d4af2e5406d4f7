//! The Restore use case: backups (our per-item ZIPs, the original utility's ZIP layout,
//! `.contentexport` packages, several files or a folder of them) back into a portal. A restore
//! is planned before anything is written (per item: create, update in place, copy or skip;
//! target folder and owner; dependency order; references to rewrite), then carried out item by
//! item, dependencies first, each item verified against its backup, with a JSON run report.
//!
//! Parts: `request` (what is asked and answered: request, plan, summary), `source` (the inputs
//! read into one model, listed without extraction for inspection), `rewrite` (old ids and URLs
//! to new ones in JSON text), `run` (the run: inputs, sign-in, plan, levels, report), `plan` (actions,
//! levels, references), `item` (one item: write, share, verify), `create` (addItem, update,
//! multipart uploads), `fields` (item properties), `resources`, `hosted` (publish, views),
//! `rebuild`, `rows` and `attach` (a hosted layer from its definitions, rows and attachments),
//! `share` (folders, sharing, status, protection, relationships), `check` (verification),
//! `report` (the JSON report), `textmap` (applying the rewrite map), `ctx` (shared state).

mod attach;
mod check;
mod create;
mod ctx;
mod fields;
#[cfg(test)]
mod fixtures;
mod hosted;
mod item;
mod plan;
mod rebuild;
mod report;
mod request;
mod resources;
pub mod rewrite;
mod rows;
mod run;
mod share;
pub mod source;
mod textmap;

pub use request::{
    ConflictPolicy, PlannedAction, PlannedItem, RestoreOptions, RestorePlan, RestoreRequest,
    RestoreSummary, RestoredItem,
};
pub use run::run;
