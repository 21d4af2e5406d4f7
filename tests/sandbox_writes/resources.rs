//! Item resources: add, update, remove, archives and refusals.

use std::io::Write;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{ADMIN_MAP, MAP, anon_post, assert_error, fixture, post_multipart};
use crate::support::Session;

fn file_form(name: &str, bytes: &[u8]) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.to_vec()).file_name(name.to_string()),
    )
}

async fn fetch(s: &Session, path: &str) -> (u16, Vec<u8>) {
    let resp = s
        .auth(
            s.http
                .get(format!("{}/content/items/{MAP}/resources/{path}", s.rest)),
        )
        .send()
        .await
        .expect("resource");
    (
        resp.status().as_u16(),
        resp.bytes().await.expect("bytes").to_vec(),
    )
}

fn paths(f: &super::Fixture) -> Vec<String> {
    f.item(MAP).expect("item")["sandbox"]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["path"].as_str().expect("path").to_string())
        .collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.add_directory("img/", opts).expect("dir");
    for (name, bytes) in entries {
        w.start_file(*name, opts).expect("entry");
        w.write_all(bytes).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn resources_are_added_updated_and_removed() {
    let f = fixture().await;
    let base = format!("content/users/editor/items/{MAP}");
    let form = file_form("a.png", b"png-bytes").text("resourcesPrefix", "images/gallery");
    let r = post_multipart(&f.editor, &format!("{base}/addResources"), form).await;
    assert_eq!(
        r,
        json!({"success": true, "itemId": MAP, "owner": "editor", "folder": null})
    );
    assert_eq!(
        fetch(&f.editor, "images/gallery/a.png").await,
        (200, b"png-bytes".to_vec())
    );
    let again = file_form("a.png", b"x").text("resourcesPrefix", "images/gallery/");
    let r = post_multipart(&f.editor, &format!("{base}/addResources"), again).await;
    assert_eq!(r["error"]["message"], "Resource already exists");

    let r = f
        .editor
        .post(
            &format!("{base}/addResources"),
            &[
                ("text", r#"{"v":1}"#),
                ("fileName", "config.json"),
                ("properties", r#"{"editable":true}"#),
                ("access", "private"),
            ],
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    let list = f
        .editor
        .get(&format!("content/items/{MAP}/resources"), &[])
        .await;
    assert_eq!(list["total"], 2);
    let cfg = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["resource"] == "config.json")
        .unwrap()
        .clone();
    assert_eq!(
        (cfg["access"].clone(), cfg["properties"].clone()),
        (json!("private"), json!(r#"{"editable":true}"#))
    );

    let upd = format!("{base}/updateResources");
    assert_eq!(
        f.editor
            .post(&upd, &[("text", r#"{"v":2}"#), ("fileName", "config.json")])
            .await["success"],
        true
    );
    assert_eq!(fetch(&f.editor, "config.json").await.1, br#"{"v":2}"#);
    let r = f
        .editor
        .post(&upd, &[("text", "x"), ("fileName", "nope.json")])
        .await;
    assert_eq!(r["error"]["code"], 404);
    assert_eq!(
        r["error"]["message"],
        "Resource does not exist or is inaccessible."
    );

    let rm = format!("{base}/removeResources");
    assert_eq!(
        f.editor
            .post(&rm, &[("resource", "images/gallery/a.png")])
            .await["success"],
        true
    );
    assert_eq!(paths(&f), ["config.json"]);
    assert_eq!(fetch(&f.editor, "images/gallery/a.png").await.0, 404);
    assert_error(
        &f.editor
            .post(&rm, &[("resource", "images/gallery/a.png")])
            .await,
        404,
    );
    assert_eq!(
        f.editor.post(&rm, &[("deleteAll", "true")]).await["success"],
        true
    );
    assert!(paths(&f).is_empty());
}

#[tokio::test]
async fn archives_expand_and_unsafe_or_blocked_files_are_refused() {
    let f = fixture().await;
    let add = format!("content/users/editor/items/{MAP}/addResources");
    let zip = zip_of(&[("a.json", b"{}"), ("img/b.png", b"png")]);
    let form = file_form("bundle.zip", &zip)
        .text("archive", "true")
        .text("resourcesPrefix", "data");
    let r = post_multipart(&f.editor, &add, form).await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(paths(&f), ["data/a.json", "data/img/b.png"]);
    assert_eq!(fetch(&f.editor, "data/img/b.png").await.1, b"png");

    let evil = zip_of(&[("ok.txt", b"1"), ("../evil.txt", b"2")]);
    let r = post_multipart(
        &f.editor,
        &add,
        file_form("evil.zip", &evil).text("archive", "true"),
    )
    .await;
    assert_error(&r, 400);
    let r = post_multipart(&f.editor, &add, file_form("tool.exe", b"MZ")).await;
    assert_eq!(
        r,
        json!({"error": {"code": 400, "messageCode": "CONT_0093", "message": "File type not allowed for addResources", "details": []}})
    );
    let r = f
        .editor
        .post(&add, &[("text", "x"), ("fileName", "../up.txt")])
        .await;
    assert_error(&r, 400);
    assert_eq!(
        paths(&f),
        ["data/a.json", "data/img/b.png"],
        "refusals add nothing"
    );

    let form = || file_form("c.txt", b"c");
    assert_error(
        &post_multipart(&f.viewer, &add.replace("/editor/", "/viewer/"), form()).await,
        403,
    );
    let other = format!("content/users/admin/items/{ADMIN_MAP}/addResources");
    assert_error(&post_multipart(&f.editor, &other, form()).await, 403);
    let v: Value = anon_post(&f.sb, &add, &[("text", "x"), ("fileName", "c.txt")]).await;
    assert_error(&v, 499);
    assert_eq!(paths(&f).len(), 2);
}
