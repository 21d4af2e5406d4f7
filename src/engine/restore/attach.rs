//! Backed-up attachments back onto rebuilt rows (`rows`): every
//! `attachments/<layer>/<old object id>/<attachment id>-<name>` file goes up with
//! `addAttachment` on the object id the row has now, four at a time. Attachments whose rows did
//! not come back, and those the portal refuses, are counted in the notes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures_util::{StreamExt, stream};

use super::ctx::{RestoreCtx, StepError};
use crate::portal::ApiRequest;

/// Attachments uploaded at the same time.
const ATTACHMENT_UPLOADS: usize = 4;

/// One backed-up attachment: its layer, the old object id, the file and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttachmentFile {
    layer: i64,
    oid: i64,
    path: PathBuf,
    name: String,
}

/// Every `attachments/<layer>/<oid>/<id>-<name>` file under `dir`.
fn attachment_files(dir: &Path) -> Vec<AttachmentFile> {
    let entries = |d: &Path| -> Vec<(String, PathBuf)> {
        let mut v: Vec<(String, PathBuf)> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        v.sort();
        v
    };
    let mut out = Vec::new();
    for (layer, ldir) in entries(dir) {
        let Ok(layer) = layer.parse::<i64>() else {
            continue;
        };
        for (oid, odir) in entries(&ldir) {
            let Ok(oid) = oid.parse::<i64>() else {
                continue;
            };
            for (file, path) in entries(&odir).into_iter().filter(|(_, p)| p.is_file()) {
                let name = file
                    .split_once('-')
                    .map_or(file.as_str(), |(_, n)| n)
                    .to_string();
                out.push(AttachmentFile {
                    layer,
                    oid,
                    path,
                    name,
                });
            }
        }
    }
    out
}

/// Uploads every backed-up attachment onto the row that now holds it; returns notes.
pub(crate) async fn upload(
    ctx: &RestoreCtx,
    url: &str,
    dir: &Path,
    ids: &BTreeMap<i64, BTreeMap<i64, i64>>,
) -> Result<Vec<String>, StepError> {
    let files = attachment_files(dir);
    let orphans = files
        .iter()
        .filter(|a| ids.get(&a.layer).and_then(|m| m.get(&a.oid)).is_none())
        .count();
    // Collected first: a lazy iterator of futures here is not `Send` for every lifetime.
    let uploads: Vec<_> = files
        .iter()
        .filter_map(|a| {
            let new = ids.get(&a.layer)?.get(&a.oid)?;
            let req = ApiRequest::post(&format!("{url}/{}/{new}/addAttachment", a.layer)).file(
                "attachment",
                &a.path,
                &a.name,
            );
            Some(async move {
                let what = format!("adding attachment {} of layer {}", a.name, a.layer);
                match ctx.call(&what, &req).await {
                    Ok(v) if v["addAttachmentResult"]["success"].as_bool() == Some(true) => {
                        Ok(None)
                    }
                    Ok(v) => Ok(Some(
                        v["addAttachmentResult"]["error"]["description"]
                            .as_str()
                            .unwrap_or("refused")
                            .to_string(),
                    )),
                    Err(StepError::Failed(m)) => Ok(Some(m)),
                    Err(e) => Err(e),
                }
            })
        })
        .collect();
    let results: Vec<Result<Option<String>, StepError>> = stream::iter(uploads)
        .buffer_unordered(ATTACHMENT_UPLOADS)
        .collect()
        .await;
    let mut refused: Vec<String> = Vec::new();
    for r in results {
        refused.extend(r?);
    }
    let mut notes = Vec::new();
    if orphans > 0 {
        notes.push(format!(
            "{orphans} attachment(s) not restored: their rows did not come back"
        ));
    }
    if let Some(first) = refused.first() {
        notes.push(format!(
            "{} attachment(s) not restored: {first}",
            refused.len()
        ));
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_files_are_found_by_layer_and_old_object_id() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("0").join("12");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("3-photo-1.jpg"), b"x").unwrap();
        std::fs::create_dir_all(dir.path().join("junk")).unwrap();
        let found = attachment_files(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].layer, found[0].oid), (0, 12));
        assert_eq!(found[0].name, "photo-1.jpg");
    }
}
