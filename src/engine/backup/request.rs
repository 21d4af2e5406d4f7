//! What a backup run is asked to do (the validated form both the CLI and the Backup tab build)
//! and what it reports back.

use std::path::PathBuf;

use crate::engine::PortalConnection;
use crate::formats::run_report::RunItemStatus;

/// The archive format of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackupMode {
    /// One ZIP archive per item, with a manifest of checksums and counts.
    #[default]
    Standard,
    /// One `.contentexport` package per selected item, holding the item and what it needs.
    OcmPerItem,
    /// One `.contentexport` package holding every selected item and what they need.
    OcmBatch,
}

impl BackupMode {
    /// The name the CLI flag and the report use.
    pub fn name(self) -> &'static str {
        match self {
            BackupMode::Standard => "standard",
            BackupMode::OcmPerItem => "ocm_per_item",
            BackupMode::OcmBatch => "ocm_batch",
        }
    }

    /// The mode named `name` (as [`name`](Self::name) spells it).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Standard, Self::OcmPerItem, Self::OcmBatch]
            .into_iter()
            .find(|m| m.name() == name)
    }

    /// Whether the run writes `.contentexport` packages (and so always needs the dependency
    /// closure of the selection).
    pub fn is_package(self) -> bool {
        self != Self::Standard
    }
}

/// How a run behaves; the defaults are the original utility's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupOptions {
    /// Archive format.
    pub mode: BackupMode,
    /// Items backed up at the same time.
    pub workers: usize,
    /// Download thumbnails (`--no-thumbnails` turns it off).
    pub thumbnails: bool,
    /// Capture hosted layer data by item export first (`--no-fgdb` skips straight to replica
    /// and query).
    pub export_data: bool,
    /// Export format, `File Geodatabase` unless asked otherwise.
    pub export_format: String,
    /// Leave the temporary export items in the portal (`--keep-exports`).
    pub keep_exports: bool,
    /// Also leave each archive's content unpacked in a folder beside it.
    pub keep_uncompressed: bool,
    /// Also back up what the selected items need (web map -> layers ...).
    pub with_dependencies: bool,
    /// Skip items unchanged since their last complete backup in the destination.
    pub incremental: bool,
    /// Where the JSON run report goes (its CSV twin beside it); default in the destination.
    pub report: Option<PathBuf>,
}

impl Default for BackupOptions {
    fn default() -> Self {
        BackupOptions {
            mode: BackupMode::Standard,
            workers: 4,
            thumbnails: true,
            export_data: true,
            export_format: "File Geodatabase".into(),
            keep_exports: false,
            keep_uncompressed: false,
            with_dependencies: false,
            incremental: false,
            report: None,
        }
    }
}

/// A validated backup request.
#[derive(Debug, Clone)]
pub struct BackupRequest {
    /// Portal and sign-in.
    pub connection: PortalConnection,
    /// The selected item ids, in the order given.
    pub items: Vec<String>,
    /// The destination folder (must exist and be writable).
    pub destination: PathBuf,
    /// Run options.
    pub options: BackupOptions,
}

/// One item's result: exactly a row of the run report (id, title, type, status, reason,
/// archive file name, bytes, seconds).
pub type ItemResult = crate::formats::run_report::RunReportItem;

/// What a finished run reports.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupSummary {
    /// Every item's result, in selection order (dependencies after the items that need them).
    pub items: Vec<ItemResult>,
    /// The JSON run report written.
    pub report: PathBuf,
    /// Whether the run was cancelled (the items not reached are SKIPPED).
    pub cancelled: bool,
}

impl BackupSummary {
    /// How many items ended with `status`.
    pub fn count(&self, status: RunItemStatus) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// Whether every item is OK or skipped as unchanged / already done.
    pub fn all_ok(&self) -> bool {
        !self.cancelled
            && self
                .items
                .iter()
                .all(|i| matches!(i.status, RunItemStatus::Ok | RunItemStatus::Skipped))
    }
}

/// The items of a selection CSV (a scan inventory, or any CSV with an id column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The rows with a valid id, in file order, without duplicates.
    pub items: Vec<crate::formats::id_list::IdEntry>,
    /// What was wrong with the other rows, one line each.
    pub warnings: Vec<String>,
}

/// Reads the selection CSV at `path`.
///
/// # Errors
/// The file cannot be read, is not a CSV, or holds no valid id; the text says what to do.
pub fn read_selection(path: &std::path::Path) -> Result<Selection, String> {
    let list = crate::formats::id_list::read_id_list(path).map_err(|e| e.to_string())?;
    let mut warnings: Vec<String> = list
        .invalid
        .iter()
        .map(|bad| {
            format!(
                "{}: line {}: '{}' is not an item id (32 hexadecimal characters); \
                 Excel may have changed it: format the column as text",
                path.display(),
                bad.line,
                bad.value
            )
        })
        .collect();
    if !list.duplicate_lines.is_empty() {
        warnings.push(format!(
            "{}: {} duplicate row(s) ignored",
            path.display(),
            list.duplicate_lines.len()
        ));
    }
    if list.entries.is_empty() {
        let mut message = format!(
            "{}: no item ids found; the CSV needs an id column (id, itemid, \"Item ID\" ...) \
             or ids in its first column",
            path.display()
        );
        if let Some(first) = warnings.first() {
            message.push_str(&format!(" ({first})"));
        }
        return Err(message);
    }
    Ok(Selection {
        items: list.entries,
        warnings,
    })
}
