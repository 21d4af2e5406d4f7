//! What every step of a restore shares: the client, the signed-in user and organisation, the
//! options, the cancel token, the reporter, the growing [`RewriteMap`] (old ids and URLs to new
//! ones), the target's folders and groups; and the item-level error ([`StepError`]). Knows
//! nothing of which artefacts an item has.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::RestoreOptions;
use super::rewrite::RewriteMap;
use crate::engine::Reporter;
use crate::portal::{ApiRequest, PortalClient, PortalError};

/// Why an item's restore stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StepError {
    /// The run was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The step failed; the text says what and why.
    #[error("{0}")]
    Failed(String),
}

impl StepError {
    /// A portal error during `what` (e.g. "adding the item").
    pub(crate) fn portal(what: &str, e: &PortalError) -> Self {
        StepError::Failed(format!("{what}: {e}"))
    }
}

/// A group of the target portal the signed-in user can share with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TargetGroup {
    /// Group id.
    pub id: String,
    /// Group title.
    pub title: String,
}

/// State shared by every item of one restore.
pub(crate) struct RestoreCtx {
    /// The target portal.
    pub client: PortalClient,
    /// The signed-in user (owner of everything created).
    pub user: String,
    /// The target organisation's id, when known.
    pub org_id: Option<String>,
    /// Run options.
    pub options: RestoreOptions,
    /// Stops the run.
    pub cancel: CancellationToken,
    /// Events.
    pub reporter: Reporter,
    /// Old ids and URLs to new ones; grows as items are created.
    pub map: Mutex<RewriteMap>,
    /// The signed-in user's folders: title -> id (filled as folders are created).
    pub folders: tokio::sync::Mutex<BTreeMap<String, String>>,
    /// Groups the user can share with.
    pub groups: Vec<TargetGroup>,
}

impl RestoreCtx {
    /// `Err(Cancelled)` once the run is cancelled.
    pub(crate) fn check(&self) -> Result<(), StepError> {
        if self.cancel.is_cancelled() {
            Err(StepError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Waits `d` unless cancelled first.
    pub(crate) async fn pause(&self, d: Duration) -> Result<(), StepError> {
        tokio::select! {
            () = self.cancel.cancelled() => Err(StepError::Cancelled),
            () = tokio::time::sleep(d) => Ok(()),
        }
    }

    /// A copy of the rewrite map as it is now.
    pub(crate) fn map_now(&self) -> RewriteMap {
        self.map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Records that `old` is now `new` (and, when both are known, the service URL).
    pub(crate) fn remember(&self, old: &str, new: &str, urls: Option<(String, String)>) {
        let mut m = self
            .map
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if old != new {
            m.ids.insert(old.to_string(), new.to_string());
        }
        if let Some((o, n)) = urls {
            let (o, n) = (trim_url(&o), trim_url(&n));
            if !o.is_empty() && !n.is_empty() && o != n {
                m.urls.insert(o, n);
            }
        }
    }

    /// Sends `req`, naming `what` in the error. Cancellation is checked before sending, never
    /// while a request is in flight: an `addItem` or `publish` dropped half-way may still create
    /// an item whose id the run would then never learn (and could not clean up).
    pub(crate) async fn call(&self, what: &str, req: &ApiRequest) -> Result<Value, StepError> {
        self.check()?;
        self.client
            .call_value(req)
            .await
            .map_err(|e| StepError::portal(what, &e))
    }
}

/// A service URL without trailing slashes.
pub(crate) fn trim_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

/// Waits before poll number `attempt`: 0.2 s, growing to 5 s.
pub(crate) fn poll_wait(attempt: u32) -> Duration {
    Duration::from_millis((200u64 << attempt.min(5)).min(5000))
}
