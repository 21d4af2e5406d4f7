//! What every step of one item's capture shares: the client, the options, the cancel token, the
//! byte counter, the export journal; the item-level error ([`ItemError`]) and the reasons that
//! make an archive PARTIAL ([`Capture`]). Knows nothing of which artefacts exist.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::journal::Journal;
use super::request::BackupOptions;
use crate::engine::Reporter;
use crate::formats::FormatError;
use crate::formats::archive::LayerCount;
use crate::portal::{PortalClient, PortalError};

/// Why an item stopped.
#[derive(Debug)]
pub(crate) enum ItemError {
    /// The run was cancelled; the half-written archive is removed.
    Cancelled,
    /// The item cannot be backed up; the text says why and what to do.
    Failed(String),
}

impl ItemError {
    /// A portal error during `what` (e.g. "reading the item").
    pub(crate) fn portal(what: &str, e: &PortalError) -> Self {
        ItemError::Failed(format!("{what}: {e}"))
    }
}

impl From<FormatError> for ItemError {
    fn from(e: FormatError) -> Self {
        ItemError::Failed(e.to_string())
    }
}

/// Shared by the items of one run.
pub(crate) struct RunCtx {
    /// The signed-in client.
    pub client: PortalClient,
    /// Options of the run.
    pub options: BackupOptions,
    /// Cancels the run.
    pub cancel: CancellationToken,
    /// Log lines.
    pub reporter: Reporter,
    /// The signed-in user (exports fall back to their own content path).
    pub me: Option<String>,
    /// The portal's organisation id.
    pub org_id: Option<String>,
    /// Temporary export items not yet deleted.
    pub journal: Journal,
    /// Bytes written to archives so far.
    pub bytes: AtomicU64,
    /// The destination folder.
    pub dest: std::path::PathBuf,
    /// Folder titles per owner.
    pub folders: super::folders::FolderCache,
}

impl RunCtx {
    /// `Err(Cancelled)` once the run is cancelled.
    pub(crate) fn check(&self) -> Result<(), ItemError> {
        if self.cancel.is_cancelled() {
            Err(ItemError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Sleeps `d` unless cancelled first.
    pub(crate) async fn pause(&self, d: Duration) -> Result<(), ItemError> {
        tokio::select! {
            () = self.cancel.cancelled() => Err(ItemError::Cancelled),
            () = tokio::time::sleep(d) => Ok(()),
        }
    }

    /// Counts `n` more bytes written.
    pub(crate) fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }
}

/// What one item's capture found besides its artefacts.
#[derive(Debug, Default)]
pub(crate) struct Capture {
    /// Why the archive is not complete (empty when it is).
    pub reasons: Vec<String>,
    /// How hosted layer data was captured.
    pub data_method: Option<String>,
    /// Counts per hosted layer or table.
    pub layers: Vec<LayerCount>,
    /// Notes for the log that do not make the item partial (fallbacks taken).
    pub notes: Vec<String>,
    /// The service's last edit (its own `editingInfo`, else the latest of its layers').
    pub last_edit: Option<i64>,
}

impl Capture {
    /// Records a reason the archive is partial.
    pub(crate) fn partial(&mut self, reason: impl Into<String>) {
        self.reasons.push(reason.into());
    }
}
