//! File uploads through the client's one choke point: multipart/form-data streamed from disk,
//! a file range (the parts of a multipart upload), bytes from memory, and a retry under
//! injected faults that re-reads the file.

use agol_backup::portal::{ApiRequest, Credentials, PortalClient};
use agol_backup::sandbox::SandboxConfig;
use agol_backup::sandbox::model::{Content, ItemData};
use serde_json::Value;

use super::{options, sandbox};

fn file_bytes(sb: &agol_backup::sandbox::SandboxHandle, id: &str) -> Vec<u8> {
    sb.with_state(|st| match &st.items[id].data {
        ItemData::File {
            content: Content::Bytes(b),
            ..
        } => b.to_vec(),
        other => panic!("not a file: {other:?}"),
    })
}

#[tokio::test]
async fn add_item_streams_a_file_and_a_thumbnail_from_memory() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let client = PortalClient::connect(
        &options(&sb.url()),
        Credentials::password("admin", "sandbox-admin"),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    let body: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(&path, &body).unwrap();
    let req = ApiRequest::post("content/users/admin/addItem")
        .param("title", "Upload test")
        .param("type", "CSV")
        .file("file", &path, "data.csv")
        .file_bytes("thumbnail", vec![1u8, 2, 3], "thumb.png");
    let v: Value = client.call_value(&req).await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(file_bytes(&sb, &id), body);
    let thumb = sb.with_state(|st| st.items[&id].thumbnail.clone()).unwrap();
    assert_eq!(thumb.bytes.as_slice(), &[1, 2, 3]);

    // Parts of a multipart upload are ranges of the same file.
    let req = ApiRequest::post("content/users/admin/addItem")
        .param("title", "Parts")
        .param("type", "CSV")
        .param("multipart", "true")
        .param("fileName", "data.csv");
    let v = client.call_value(&req).await.unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let half = body.len() as u64 / 2;
    for (n, offset, len) in [(2, half, None), (1, 0, Some(half))] {
        let req = ApiRequest::post(&format!("content/users/admin/items/{id}/addPart"))
            .param("partNum", n.to_string())
            .file_range("file", &path, offset, len, &format!("split{n}.split"));
        client.call_value(&req).await.unwrap();
    }
    let req =
        ApiRequest::post(&format!("content/users/admin/items/{id}/commit")).param("type", "CSV");
    client.call_value(&req).await.unwrap();
    assert_eq!(file_bytes(&sb, &id), body);
}

#[tokio::test]
async fn a_missing_file_is_a_clear_error_before_any_request() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let client = PortalClient::connect(
        &options(&sb.url()),
        Credentials::password("admin", "sandbox-admin"),
    )
    .await
    .unwrap();
    let req = ApiRequest::post("content/users/admin/addItem")
        .param("title", "x")
        .param("type", "CSV")
        .file("file", "/nonexistent/agol-upload.csv", "a.csv");
    let err = client.call_value(&req).await.unwrap_err();
    assert!(err.to_string().contains("agol-upload.csv"), "{err}");
}
