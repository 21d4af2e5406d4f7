//! Scan (work in progress: the request and summary types are settled; the job is being written).

mod request;

pub use request::{ScanPreset, ScanRequest, ScanSummary};

use tokio_util::sync::CancellationToken;

use super::{Outcome, Reporter};

/// Runs a scan; the runner sends `Finished` with the result.
pub async fn run(
    _request: ScanRequest,
    _reporter: Reporter,
    _cancel: CancellationToken,
) -> Result<Outcome, String> {
    Err("scan is not implemented yet".to_string())
}
