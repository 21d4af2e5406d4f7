//! The Backup use case: each selected item (and, when asked, what it needs) into its own ZIP
//! archive with a manifest of checksums and counts, several items at a time, with a run report,
//! resume after a crash or cancel, and incremental runs driven by the destination's catalogue.
//!
//! Parts: `request` (what is asked and answered), `run` (the run: destination checks, worker
//! pool, report), `resume` (what may be skipped), `item` (one archive), `parts` (the artefacts
//! every item has), `hosted` (feature layer data: export -> replica -> query, counts), `sink`
//! (streamed entries), `journal` (temporary export items), `folders`, `ctx` (shared state),
//! `ocm` (the `.contentexport` modes: packages built from the archives of a work folder).

mod ctx;
mod folders;
mod hosted;
mod item;
pub mod journal;
mod ocm;
mod parts;
mod request;
mod resume;
mod run;
mod sink;

pub use crate::formats::run_report::RunItemStatus;
pub use request::{
    BackupMode, BackupOptions, BackupRequest, BackupSummary, ItemResult, Selection, read_selection,
};
pub use resume::RUN_FILE_NAME;
pub use run::human_bytes;
pub use run::run;

pub(crate) use resume::Skip;
