//! What a scan is asked to do and what it reports back.

use std::path::PathBuf;

use crate::engine::PortalConnection;

/// Which items a scan looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanPreset {
    /// `contentstatus:org_authoritative OR contentstatus:public_authoritative`, re-validated
    /// exactly against each item's `contentStatus` (loose full-text hits are dropped and counted).
    Authoritative,
    /// Everything in the organisation.
    AllOrg,
    /// Items of one owner.
    Owner(String),
    /// Items in one folder of one owner.
    Folder {
        /// Owner username.
        owner: String,
        /// Folder id or title.
        folder: String,
    },
    /// Items shared with one group (id).
    Group(String),
    /// Items with a tag.
    Tag(String),
    /// Items of one type, e.g. `Web Map`.
    Type(String),
    /// A custom search query.
    Query(String),
}

/// A validated scan request (built by the CLI arguments or the Scan tab).
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// Portal and sign-in.
    pub connection: PortalConnection,
    /// What to look for.
    pub preset: ScanPreset,
    /// The inventory CSV to create or update.
    pub inventory: PathBuf,
    /// The index file (`id,mod,edit`) driving the delta.
    pub index: PathBuf,
    /// Stop after this many items (the original's `--max`), `None` for all.
    pub max_items: Option<usize>,
}

/// What a scan found, as every run reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Items matching the preset after validation.
    pub found: usize,
    /// Items not in the inventory before.
    pub new: usize,
    /// Items whose row changed (item modified or layer data edited).
    pub changed: usize,
    /// Items unchanged since the last scan.
    pub unchanged: usize,
    /// Rows removed (item deleted or no longer matching).
    pub removed: usize,
    /// Loose search hits dropped by the exact validation.
    pub dropped_loose: usize,
    /// The inventory written.
    pub inventory: PathBuf,
    /// Whether every matching item was read (rows of items not seen are removed only then).
    pub complete: bool,
    /// Parts that failed without stopping the scan (e.g. a layer's edit date unreadable).
    pub warnings: usize,
    /// Search and listing requests made (counts, pages).
    pub list_requests: u64,
}
