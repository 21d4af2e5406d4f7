//! The Restore use case: backups (our per-item ZIPs, the original utility's ZIP layout,
//! `.contentexport` packages, several files or a folder of them) back into a portal. A restore
//! is planned before anything is written (per item: create, update in place, copy or skip;
//! target folder and owner; dependency order; references to rewrite), then carried out item by
//! item, dependencies first, each item verified against its backup, with a JSON run report.
//!
//! Parts: `request` (what is asked and answered: request, plan, summary), `source` (the inputs
//! read into one model, listed without extraction for inspection), `rewrite` (old ids and URLs
//! to new ones in JSON text), `run` (planning and carrying out).

mod request;
pub mod rewrite;
mod run;
pub mod source;

pub use request::{
    ConflictPolicy, PlannedAction, PlannedItem, RestoreOptions, RestorePlan, RestoreRequest,
    RestoreSummary, RestoredItem,
};
pub use run::run;
