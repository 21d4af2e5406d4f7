//! addItem (text, file, thumbnail, metadata, ids, refusals), multipart uploads and update.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{
    ADMIN_MAP, FOLDER, MAP, PDF, SEEDED, anon_post, assert_error, data_bytes, fixture,
    post_multipart,
};

#[tokio::test]
async fn add_item_with_text_then_data_returns_it_and_tags_take_json_arrays() {
    let f = fixture().await;
    let text = r#"{"operationalLayers":[{"id":"x"}],"version":"2.31"}"#;
    let r = f
        .editor
        .post(
            "content/users/editor/addItem",
            &[
                ("title", "New map"),
                ("type", "Web Map"),
                ("tags", r#"["hydrants","water"]"#),
                ("typeKeywords", "ArcGIS Online, source-abc"),
                ("extent", "-10.5,40,-9,41.25"),
                ("snippet", "A map"),
                ("properties", r#"{"a":1}"#),
                ("text", text),
            ],
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["folder"], Value::Null);
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);

    let item = f.editor.get(&format!("content/items/{id}"), &[]).await;
    assert_eq!(item["owner"], "editor");
    assert_eq!(item["tags"], json!(["hydrants", "water"]));
    assert_eq!(item["typeKeywords"], json!(["ArcGIS Online", "source-abc"]));
    assert_eq!(item["extent"], json!([[-10.5, 40.0], [-9.0, 41.25]]));
    assert_eq!(item["properties"], json!({"a": 1}));
    assert_eq!(item["access"], "private");
    assert_eq!(item["isOrgItem"], true);
    assert_eq!(data_bytes(&f.editor, &id).await, text.as_bytes());

    let snap = f.item(&id).unwrap();
    assert_eq!(snap["sandbox"]["dataKind"], "json");
    assert_eq!(snap["created"], snap["modified"]);
    assert_eq!(snap["ownerFolder"], Value::Null);
    // Others cannot see a new (private) item.
    assert_error(
        &f.viewer.get(&format!("content/items/{id}"), &[]).await,
        400,
    );
}

#[tokio::test]
async fn add_file_item_into_folder_with_thumbnail_and_metadata() {
    let f = fixture().await;
    let png = b"\x89PNG\r\n\x1a\nfake-thumbnail".to_vec();
    let xml = b"<metadata><title>m</title></metadata>".to_vec();
    let form = Form::new()
        .text("title", "Plan")
        .text("type", "PDF")
        .text("tags", "plans, water ,plans")
        .part(
            "file",
            Part::bytes(b"%PDF-1.7 plan".to_vec()).file_name("plan.pdf"),
        )
        .part("thumbnail", Part::bytes(png.clone()).file_name("thumb.png"))
        .part(
            "metadata",
            Part::bytes(xml.clone()).file_name("metadata.xml"),
        );
    let r = post_multipart(
        &f.editor,
        &format!("content/users/editor/{FOLDER}/addItem"),
        form,
    )
    .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["folder"], FOLDER);
    let id = r["id"].as_str().unwrap();

    let item = f.editor.get(&format!("content/items/{id}"), &[]).await;
    assert_eq!(item["name"], "plan.pdf");
    assert_eq!(item["tags"], json!(["plans", "water"]));
    assert_eq!(item["thumbnail"], "thumbnail/thumb.png");
    assert!(
        item["typeKeywords"]
            .as_array()
            .unwrap()
            .contains(&json!("Metadata"))
    );
    assert_eq!(data_bytes(&f.editor, id).await, b"%PDF-1.7 plan");
    let thumb = f
        .editor
        .auth(f.editor.http.get(format!(
            "{}/content/items/{id}/info/thumbnail/thumb.png",
            f.editor.rest
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(thumb.to_vec(), png);
    let meta = f
        .editor
        .auth(f.editor.http.get(format!(
            "{}/content/items/{id}/info/metadata/metadata.xml",
            f.editor.rest
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(meta.to_vec(), xml);
    let snap = f.item(id).unwrap();
    assert_eq!(snap["sandbox"]["folder"], FOLDER);
    assert_eq!(snap["sandbox"]["hasMetadata"], true);
    assert_eq!(snap["sandbox"]["dataKind"], "file");
}

#[tokio::test]
async fn add_item_refusals_create_nothing() {
    let f = fixture().await;
    let before = f.sb.snapshot()["items"].as_array().unwrap().len();
    let fields = [("title", "T"), ("type", "Web Map"), ("text", "{}")];
    assert_error(
        &anon_post(&f.sb, "content/users/editor/addItem", &fields).await,
        499,
    );
    assert_error(
        &f.viewer.post("content/users/viewer/addItem", &fields).await,
        403,
    );
    assert_error(
        &f.editor.post("content/users/admin/addItem", &fields).await,
        403,
    );
    assert_error(
        &f.admin.post("content/users/editor/addItem", &fields).await,
        403,
    );
    assert_error(
        &f.editor
            .post("content/users/editor/addItem", &[("type", "PDF")])
            .await,
        400,
    );
    let long = "t".repeat(257);
    let r = f
        .editor
        .post(
            "content/users/editor/addItem",
            &[("title", &long), ("type", "PDF")],
        )
        .await;
    assert_error(&r, 400);
    let r = f
        .editor
        .post(
            "content/users/editor/addItem",
            &[
                ("title", "x"),
                ("type", "PDF"),
                ("dataUrl", "http://x/a.pdf"),
            ],
        )
        .await;
    assert_error(&r, 400);
    assert!(r["error"]["message"].as_str().unwrap().contains("dataUrl"));
    assert_error(
        &f.editor
            .post("content/users/editor/nofolder/addItem", &fields)
            .await,
        400,
    );
    let r = f
        .editor
        .post(
            "content/users/editor/addItem",
            &[("title", "x"), ("type", "PDF"), ("itemIdToCreate", MAP)],
        )
        .await;
    assert_eq!(r["error"]["message"], "Item id already exists.");
    assert_eq!(f.sb.snapshot()["items"].as_array().unwrap().len(), before);

    let wanted = "abcdef0123456789abcdef0123456789";
    let r = f
        .editor
        .post(
            "content/users/editor/addItem",
            &[("title", "x"), ("type", "PDF"), ("itemIdToCreate", wanted)],
        )
        .await;
    assert_eq!(r["id"], wanted);
    assert_eq!(f.item(wanted).unwrap()["owner"], "editor");
}

async fn add_part(f: &super::Fixture, id: &str, num: &str, name: &str, bytes: &[u8]) -> Value {
    let part = Part::bytes(bytes.to_vec())
        .file_name(name.to_string())
        .mime_str("text/plain")
        .expect("mime");
    // Esri's client names the part `file`, others `split{n}.split`: the sandbox takes any name.
    let field = name.to_string();
    let url = format!("{}/content/users/editor/items/{id}/addPart", f.editor.rest);
    f.editor
        .auth(f.editor.http.post(url).query(&[
            ("f", "json"),
            ("partNum", num),
            ("streamdata", "True"),
        ]))
        .multipart(Form::new().part(field, part))
        .send()
        .await
        .expect("addPart")
        .json()
        .await
        .expect("json")
}

fn uploading(f: &super::Fixture, id: &str) -> Option<usize> {
    f.sb.with_state(|st| st.upload_parts.get(id).map(|p| p.len()))
}

#[tokio::test]
async fn multipart_upload_joins_parts_in_number_order() {
    let f = fixture().await;
    // Esri's importer: multipart addItem with no file part.
    let form = Form::new()
        .text("title", "Hydrants")
        .text("type", "File Geodatabase")
        .text("multipart", "true")
        .text("fileName", "Hydrants.zip");
    let r = post_multipart(&f.editor, "content/users/editor/addItem", form).await;
    let id = r["id"].as_str().unwrap().to_string();
    assert_eq!(uploading(&f, &id), Some(0), "status is partial");
    assert_error(
        &f.editor
            .post(&format!("content/users/editor/items/{id}/commit"), &[])
            .await,
        400,
    );

    for (num, name, bytes) in [
        ("3", "split3.split", &b"-three"[..]),
        ("1", "file", b"one?"),
        ("2", "split2.split", b"-two"),
    ] {
        assert_eq!(add_part(&f, &id, num, name, bytes).await["success"], true);
    }
    assert_eq!(
        add_part(&f, &id, "1", "file", b"one").await["success"],
        true,
        "re-send overwrites"
    );
    assert_error(&add_part(&f, &id, "0", "file", b"x").await, 400);
    assert_error(&add_part(&f, MAP, "1", "file", b"x").await, 400);
    assert_eq!(uploading(&f, &id), Some(3), "still partial");

    let r = f
        .editor
        .post(
            &format!("content/users/editor/items/{id}/commit"),
            &[
                ("id", id.as_str()),
                ("type", "File Geodatabase"),
                ("async", "True"),
                ("tags", "gdb,hydrants"),
            ],
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["id"], id.as_str());
    assert_eq!(r["itemId"], id.as_str());
    assert_eq!(uploading(&f, &id), None, "status is completed");
    assert_eq!(data_bytes(&f.editor, &id).await, b"one-two-three");
    let snap = f.item(&id).unwrap();
    assert_eq!(snap["name"], "Hydrants.zip");
    assert_eq!(snap["tags"], json!(["gdb", "hydrants"]));
    assert_eq!(snap["size"], 13);
}

#[tokio::test]
async fn update_sets_and_clears_fields_and_replaces_data() {
    let f = fixture().await;
    let path = format!("content/users/editor/items/{MAP}/update");
    let r = f
        .editor
        .post(
            &path,
            &[
                ("title", "Renamed"),
                ("tags", "a,b"),
                ("thumbnail", "C:\\Users\\me\\AppData\\thumb.png"),
                ("text", r#"{"v":2}"#),
            ],
        )
        .await;
    assert_eq!(r, json!({"success": true, "id": MAP}));
    let snap = f.item(MAP).unwrap();
    assert_eq!(snap["title"], "Renamed");
    assert_eq!(snap["tags"], json!(["a", "b"]));
    assert_eq!(
        snap["thumbnail"],
        Value::Null,
        "a local path string is ignored"
    );
    assert!(snap["modified"].as_i64().unwrap() > SEEDED);
    assert_eq!(data_bytes(&f.editor, MAP).await, br#"{"v":2}"#);

    f.editor.post(&path, &[("tags", "")]).await;
    assert_eq!(
        f.item(MAP).unwrap()["tags"],
        json!(["a", "b"]),
        "empty ignored"
    );
    f.editor
        .post(&path, &[("tags", ""), ("clearEmptyFields", "true")])
        .await;
    assert_eq!(f.item(MAP).unwrap()["tags"], json!([]));

    // Admins update other users' items through the owner's path only.
    assert_eq!(
        f.admin.post(&path, &[("snippet", "by admin")]).await["success"],
        true
    );
    assert_eq!(f.item(MAP).unwrap()["snippet"], "by admin");
    assert_error(
        &f.admin
            .post(
                &format!("content/users/admin/items/{MAP}/update"),
                &[("title", "x")],
            )
            .await,
        400,
    );
    assert_error(&f.viewer.post(&path, &[("title", "x")]).await, 403);
    assert_error(
        &f.editor
            .post(
                &format!("content/users/admin/items/{ADMIN_MAP}/update"),
                &[("title", "x")],
            )
            .await,
        403,
    );
    assert_error(&anon_post(&f.sb, &path, &[("title", "x")]).await, 499);
    assert_eq!(f.item(MAP).unwrap()["title"], "Renamed");

    // A large file replaced in parts.
    let r = f
        .editor
        .post(
            &format!("content/users/editor/{FOLDER}/items/{PDF}/update"),
            &[("multipart", "true"), ("filename", "v2.pdf")],
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(uploading(&f, PDF), Some(0));
    assert_eq!(
        data_bytes(&f.editor, PDF).await,
        b"%PDF-1.4",
        "old data until commit"
    );
    add_part(&f, PDF, "1", "file", b"%PDF-2.0").await;
    assert_eq!(
        f.editor
            .post(&format!("content/users/editor/items/{PDF}/commit"), &[])
            .await["success"],
        true
    );
    assert_eq!(data_bytes(&f.editor, PDF).await, b"%PDF-2.0");
    assert_eq!(f.item(PDF).unwrap()["name"], "v2.pdf");
}
