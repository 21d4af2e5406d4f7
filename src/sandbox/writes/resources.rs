//! Item resources: `addResources` (a `file` part, or `text` + `fileName`; `resourcesPrefix`;
//! `archive=true` expands a zip), `updateResources` and `removeResources` (`resource` or
//! `deleteAll=true`). Paths are relative and `/`-separated (`images/gallery/a.png`); `..`,
//! absolute paths and executables are refused. A refused call changes nothing.

use std::io::Read;
use std::sync::Arc;

use serde_json::json;

use super::super::Ctx;
use super::super::model::{Content, Resource};
use super::super::now_ms;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{ResourceOp, coded, owned_item, touch};

/// Extensions `addResources` refuses (executables and scripts Windows runs).
const BLOCKED: &[&str] = &[
    "exe", "dll", "bat", "cmd", "com", "msi", "scr", "vbs", "ps1", "jar",
];

/// Most bytes an archive may expand to.
const MAX_EXPANDED: u64 = 512 * 1024 * 1024;

fn missing() -> ApiError {
    ApiError::not_found("Resource does not exist or is inaccessible.")
}

/// Joins the prefix and a name into a clean relative path, refusing `..`, `.`, backslashes,
/// drive letters and blocked file types.
fn resource_path(prefix: Option<&str>, name: &str) -> Result<String, ApiError> {
    let path = clean_path(prefix, name)?;
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if ext.is_some_and(|e| BLOCKED.contains(&e.as_str())) {
        return Err(coded(
            400,
            "CONT_0093",
            "File type not allowed for addResources",
        ));
    }
    Ok(path)
}

/// Joins the prefix and a name into a clean relative path.
fn clean_path(prefix: Option<&str>, name: &str) -> Result<String, ApiError> {
    let bad = || ApiError::bad_request(format!("Invalid resource path '{name}'."));
    let mut segs = Vec::new();
    for part in prefix.into_iter().chain(std::iter::once(name)) {
        for seg in part.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." || seg.contains('\\') || seg.contains(':') {
                return Err(bad());
            }
            segs.push(seg);
        }
    }
    if segs.is_empty() {
        return Err(bad());
    }
    Ok(segs.join("/"))
}

/// The files a call carries, as (path, bytes).
fn incoming(p: &Params) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let prefix = p.get("resourcesPrefix");
    if let Some(f) = p.file("file") {
        let name = p.get("fileName").unwrap_or(&f.filename);
        if p.flag("archive").unwrap_or(false) {
            return expand_zip(prefix, &f.bytes);
        }
        return Ok(vec![(resource_path(prefix, name)?, f.bytes.to_vec())]);
    }
    if let Some(text) = p.get("text") {
        let name = p
            .get("fileName")
            .ok_or_else(|| ApiError::bad_request("'fileName' must be specified with 'text'."))?;
        return Ok(vec![(
            resource_path(prefix, name)?,
            text.as_bytes().to_vec(),
        )]);
    }
    Err(ApiError::bad_request(
        "A 'file' part, or 'text' with 'fileName', must be specified.",
    ))
}

/// The files of a zip archive under `prefix`; unsafe entry names refuse the whole archive.
fn expand_zip(prefix: Option<&str>, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let bad = |e: &dyn std::fmt::Display| ApiError::bad_request(format!("Invalid archive: {e}."));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut out = Vec::new();
    let mut budget = MAX_EXPANDED;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| bad(&e))?;
        let name = entry.name().map_err(|e| bad(&e))?.to_string();
        if entry.is_dir() {
            continue;
        }
        let unsafe_name = name.starts_with(['/', '\\'])
            || name.split(['/', '\\']).any(|s| s == "..")
            || entry.enclosed_name().is_none();
        if unsafe_name {
            return Err(ApiError::bad_request(format!(
                "Invalid archive: entry '{name}' has an unsafe path."
            )));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| bad(&e))?;
        budget = budget
            .checked_sub(data.len() as u64)
            .ok_or_else(|| bad(&"it expands to more than 512 MB"))?;
        out.push((resource_path(prefix, &name)?, data));
    }
    Ok(out)
}

/// `addResources`, `updateResources`, `removeResources`.
pub(super) fn resources(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, op: ResourceOp) -> ApiResult {
    let mut st = ctx.lock();
    let item = owned_item(&mut st, call)?;
    let mut next = item.resources.clone();
    let access = p.get("access");
    if access.is_some_and(|a| a != "inherit" && a != "private") {
        return Err(ApiError::bad_request(
            "'access' must be 'inherit' or 'private'.",
        ));
    }
    let now = now_ms();
    match op {
        ResourceOp::Add => {
            for (path, bytes) in incoming(p)? {
                if next.contains_key(&path) {
                    return Err(ApiError::bad_request("Resource already exists")
                        .detail(format!("Resource '{path}' already exists.")));
                }
                let resource = Resource {
                    content: Content::bytes(bytes),
                    created: now,
                    access: access.unwrap_or("inherit").to_string(),
                    properties: p.get("properties").map(str::to_string),
                };
                next.insert(path, resource);
            }
        }
        ResourceOp::Update => {
            for (path, bytes) in incoming(p)? {
                let r = next.get_mut(&path).ok_or_else(missing)?;
                r.content = Content::bytes(bytes);
                if let Some(a) = access {
                    r.access = a.to_string();
                }
                if let Some(props) = p.get("properties") {
                    r.properties = Some(props.to_string());
                }
            }
        }
        ResourceOp::Remove => {
            if p.flag("deleteAll").unwrap_or(false) {
                next.clear();
            } else {
                let path = clean_path(None, p.require("resource")?)?;
                next.remove(&path).ok_or_else(missing)?;
            }
        }
    }
    item.resources = next;
    touch(item);
    ok(json!({"success": true, "itemId": item.id, "owner": item.owner, "folder": item.folder}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_joined_and_checked() {
        assert_eq!(
            resource_path(Some("images/gallery/"), "a.png").unwrap(),
            "images/gallery/a.png"
        );
        assert_eq!(resource_path(None, "/a/b.json").unwrap(), "a/b.json");
        assert!(resource_path(Some("x"), "../y.png").is_err());
        assert!(resource_path(None, "c:\\evil.png").is_err());
        let e = resource_path(Some("bin"), "tool.EXE").unwrap_err();
        assert_eq!(e.message_code, Some("CONT_0093"));
    }
}
