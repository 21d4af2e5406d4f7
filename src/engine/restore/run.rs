//! Carries out a restore: reads the inputs, plans, and (unless a dry run) restores item by
//! item, dependencies first, verifying each against its backup, then writes the report.

use tokio_util::sync::CancellationToken;

use super::RestoreRequest;
use crate::engine::{Outcome, Reporter};

/// Runs a restore job.
///
/// # Errors
/// The restore could not start (no readable input, cannot sign in ...); the text says why.
pub async fn run(
    request: RestoreRequest,
    reporter: Reporter,
    cancel: CancellationToken,
) -> Result<Outcome, String> {
    let _ = (request, reporter, cancel);
    Err("restore is not implemented yet".into())
}
