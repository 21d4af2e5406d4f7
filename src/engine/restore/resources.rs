//! An item's resources on the target (arcgis-protocol.md §6.4): each backed-up file sent with
//! its full path (`resourcesPrefix` + `fileName`), JSON resources rewritten with the run's map.
//! On update, resources the backup does not hold are removed, existing ones replaced
//! (`updateResources`) and missing ones added. Also lists an item's resources (for updates and
//! verification).

use std::collections::BTreeSet;

use super::create::json_text;
use super::ctx::{RestoreCtx, StepError};
use super::source::{ResourceFile, SourceItem};
use crate::portal::ApiRequest;

/// The resource paths item `id` has on the target.
pub(crate) async fn list(ctx: &RestoreCtx, id: &str) -> Result<BTreeSet<String>, StepError> {
    let mut out = BTreeSet::new();
    let mut start = 1i64;
    loop {
        let req = ApiRequest::get(&format!("content/items/{id}/resources"))
            .param("start", start.to_string())
            .param("num", "100");
        let v = ctx.call("listing the item's resources", &req).await?;
        for r in v["resources"].as_array().into_iter().flatten() {
            if let Some(p) = r["resource"].as_str() {
                out.insert(p.to_string());
            }
        }
        match v["nextStart"].as_i64() {
            Some(n) if n > start => start = n,
            _ => return Ok(out),
        }
    }
}

fn split(path: &str) -> (Option<&str>, &str) {
    match path.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, path),
    }
}

async fn send(
    ctx: &RestoreCtx,
    owner: &str,
    id: &str,
    r: &ResourceFile,
    op: &str,
) -> Result<(), StepError> {
    let (prefix, name) = split(&r.path);
    let mut req =
        ApiRequest::post(&format!("content/users/{owner}/items/{id}/{op}")).param("fileName", name);
    if let Some(p) = prefix {
        req = req.param("resourcesPrefix", p);
    }
    req = if r.path.to_ascii_lowercase().ends_with(".json") {
        let text = json_text(&r.file, &ctx.map_now())?;
        req.file_bytes("file", text.into_bytes(), name)
    } else {
        req.file("file", &r.file, name)
    };
    ctx.call(&format!("sending the resource {}", r.path), &req)
        .await
        .map(drop)
}

/// Sends every resource of `si` to item `id` of `owner`. With `replace`, first removes what the
/// backup does not hold and replaces what exists.
pub(crate) async fn restore(
    ctx: &RestoreCtx,
    si: &SourceItem,
    owner: &str,
    id: &str,
    replace: bool,
) -> Result<(), StepError> {
    let existing = if replace {
        list(ctx, id).await?
    } else {
        BTreeSet::new()
    };
    let wanted: BTreeSet<&str> = si.resources.iter().map(|r| r.path.as_str()).collect();
    for gone in existing.iter().filter(|p| !wanted.contains(p.as_str())) {
        let req = ApiRequest::post(&format!("content/users/{owner}/items/{id}/removeResources"))
            .param("resource", gone.as_str());
        ctx.call(&format!("removing the resource {gone}"), &req)
            .await?;
    }
    for r in &si.resources {
        let op = if existing.contains(&r.path) {
            "updateResources"
        } else {
            "addResources"
        };
        send(ctx, owner, id, r, op).await?;
    }
    Ok(())
}
