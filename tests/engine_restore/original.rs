//! An archive in the original utility's layout (`<title>_<ts>/<title>_metadata_full.json`,
//! `<title>_data.json`) restores: a demo web map written that way, deleted, restored.

use std::io::Write;

use agol_backup::engine::restore::RestoreOptions;
use agol_backup::formats::run_report::RunItemStatus;
use tokio_util::sync::CancellationToken;
use zip::write::SimpleFileOptions;

use super::runs::{delete_all, items_by_id, json_data, restore, restore_request};
use crate::engine_backup::runs::ADMIN;
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_map_in_the_original_layout_restores() {
    let sb = support::demo().await;
    let (id, item) = items_by_id(&sb)
        .into_iter()
        .find(|(_, i)| i["type"] == "Web Map")
        .unwrap();
    let data = json_data(&sb, &id).unwrap();
    let title = item["title"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{title}_backup.zip"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let top = format!("{title}_20250129_120000");
    let minimal = serde_json::json!({"title": item["title"], "id": id, "type": item["type"],
        "owner": item["owner"]});
    for (name, bytes) in [
        (format!("{top}/{title}_metadata.json"), minimal.to_string()),
        (
            format!("{top}/{title}_metadata_full.json"),
            item.to_string(),
        ),
        (format!("{top}/{title}_data.json"), data.to_string()),
        (
            format!("{top}/backup_log.txt"),
            "Saved metadata\n".to_string(),
        ),
    ] {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    delete_all(&sb, std::slice::from_ref(&id));

    let req = restore_request(&sb, ADMIN, &[path.as_path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    assert_eq!(summary.items.len(), 1);
    let r = &summary.items[0];
    assert_eq!(r.status, RunItemStatus::Ok, "{r:?}");
    let new = r.new_id.clone().unwrap();
    let after = &items_by_id(&sb)[&new];
    assert_eq!(after["title"], item["title"]);
    assert_eq!(after["tags"], item["tags"]);
    // The layers it names still exist, so the data comes back as it was.
    assert_eq!(json_data(&sb, &new).unwrap(), data);
    let kw = after["typeKeywords"].as_array().unwrap();
    assert!(kw.iter().any(|k| *k == format!("source-{id}").as_str()));
}
