//! A file item over the multipart threshold (50 MiB) goes up in parts (`addItem` multipart,
//! `addPart` x2, `commit`, `status`) and comes back byte for byte (the hash the backup recorded).

use agol_backup::engine::restore::RestoreOptions;
use agol_backup::formats::run_report::RunItemStatus;
use agol_backup::sandbox::model::{Content, ItemData};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::runs::{delete_all, restore, restore_request};
use crate::engine_backup::runs::{ADMIN, request, run};
use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_item_is_uploaded_in_parts() {
    let sb = support::demo().await;
    let id = sb.with_state(|st| {
        let id = st
            .items
            .values()
            .find(|i| matches!(i.data, ItemData::File { .. }) && i.item_type != "Feature Service")
            .map(|i| i.id.clone())
            .unwrap();
        let it = st.items.get_mut(&id).unwrap();
        it.data = ItemData::File {
            name: "big.bin".into(),
            content: Content::Generated {
                len: 60 << 20,
                seed: 11,
            },
        };
        it.id.clone()
    });
    let dir = tempfile::tempdir().unwrap();
    let opts = agol_backup::engine::backup::BackupOptions::default();
    let (s, _, _) = run(
        request(&sb, ADMIN, vec![id.clone()], dir.path(), opts),
        CancellationToken::new(),
    )
    .await;
    s.unwrap();
    delete_all(&sb, std::slice::from_ref(&id));
    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let r = &summary.items[0];
    assert_eq!(r.status, RunItemStatus::Ok, "{r:?}");
    let new = r.new_id.clone().unwrap();
    let bytes = sb.with_state(|st| match &st.items[&new].data {
        ItemData::File {
            content: Content::Bytes(b),
            ..
        } => b.to_vec(),
        other => panic!("{other:?}"),
    });
    assert_eq!(bytes.len(), 60 << 20);
    let mut h = Sha256::new();
    h.update(&bytes);
    assert_eq!(format!("{:x}", h.finalize()), data_hash(dir.path(), &id));
}

/// The SHA-256 the backup's manifest recorded for the data of `id`.
fn data_hash(dir: &std::path::Path, id: &str) -> String {
    let work = tempfile::tempdir().unwrap();
    let set = agol_backup::engine::restore::source::read_inputs(&[dir.to_path_buf()], work.path())
        .unwrap();
    let item = set.items.iter().find(|i| i.old_id == id).unwrap();
    item.hashes
        .iter()
        .find(|(k, _)| k == "data")
        .unwrap()
        .1
        .clone()
}
