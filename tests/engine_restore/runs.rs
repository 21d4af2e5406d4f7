//! Helpers: the demo org backed up to ZIPs, everything deleted, a restore request and run.

use std::collections::BTreeMap;
use std::path::Path;

use agol_backup::engine::backup::BackupMode;
use agol_backup::engine::restore::{RestoreOptions, RestoreRequest, RestoreSummary};
use agol_backup::engine::{EventKind, JobId, Outcome, PortalConnection, Reporter};
use agol_backup::portal::Credentials;
use agol_backup::sandbox::SandboxHandle;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::engine_scan::options as client_options;

/// Backs up every org item of the sandbox as the admin into `dest` as ZIPs; returns the ids.
pub async fn backup_all(sb: &SandboxHandle, dest: &Path) -> Vec<String> {
    crate::engine_backup::runs::backup_all(sb, dest, BackupMode::Standard).await
}

/// Deletes `ids` straight from the sandbox state (with relationships and services).
pub fn delete_all(sb: &SandboxHandle, ids: &[String]) {
    sb.with_state(|st| {
        for id in ids {
            if let Some(item) = st.items.remove(id)
                && item.item_type == "Feature Service"
            {
                st.services.retain(|_, s| s.item_id != *id);
            }
            st.relationships
                .retain(|r| r.origin != *id && r.dest != *id);
        }
    });
}

/// A restore of `inputs` as `user`.
pub fn restore_request(
    sb: &SandboxHandle,
    user: (&str, &str),
    inputs: &[&Path],
    options: RestoreOptions,
) -> RestoreRequest {
    RestoreRequest {
        connection: PortalConnection {
            options: client_options(&sb.url()),
            credentials: Credentials::password(user.0, user.1),
        },
        inputs: inputs.iter().map(|p| p.to_path_buf()).collect(),
        items: None,
        options,
    }
}

/// Runs a restore: its summary, the last row status per old id, the log lines.
pub async fn restore(
    req: RestoreRequest,
    cancel: CancellationToken,
) -> (
    Result<RestoreSummary, String>,
    BTreeMap<String, String>,
    Vec<String>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let result =
        agol_backup::engine::restore::run(req, Reporter::headless(JobId(7), tx), cancel).await;
    let mut rows = BTreeMap::new();
    let mut logs = Vec::new();
    for e in rx.try_iter() {
        match e.kind {
            EventKind::Row { id, status, .. } => {
                rows.insert(id, status);
            }
            EventKind::Log { message, .. } => logs.push(message),
            _ => {}
        }
    }
    let summary = result.map(|o| match o {
        Outcome::Restore(s) => *s,
        other => panic!("not a restore outcome: {other:?}"),
    });
    if let Ok(s) = &summary {
        for r in s.items.iter().filter(|r| !r.reason.is_empty()) {
            eprintln!("{} {:?} {}: {}", r.old_id, r.status, r.title, r.reason);
        }
    }
    (summary, rows, logs)
}

/// The snapshot's items by id.
pub fn items_by_id(sb: &SandboxHandle) -> BTreeMap<String, Value> {
    sb.snapshot()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i.clone()))
        .collect()
}

/// The snapshot's services by item id: (name, [(layer id, features, attachments)]).
pub fn services_by_item(sb: &SandboxHandle) -> BTreeMap<String, Vec<(i64, u64, u64)>> {
    sb.snapshot()["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let layers = s["layers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    (
                        l["id"].as_i64().unwrap(),
                        l["features"].as_u64().unwrap(),
                        l["attachments"].as_u64().unwrap(),
                    )
                })
                .collect();
            (s["itemId"].as_str().unwrap().to_string(), layers)
        })
        .collect()
}

/// The JSON data of item `id` as the sandbox holds it.
pub fn json_data(sb: &SandboxHandle, id: &str) -> Option<Value> {
    sb.with_state(|st| match &st.items.get(id)?.data {
        agol_backup::sandbox::model::ItemData::Json(b) => serde_json::from_slice(b).ok(),
        _ => None,
    })
}
