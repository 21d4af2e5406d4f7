//! Delete, protection, folders, moves and relationships.

use serde_json::{Value, json};

use super::{ADMIN_MAP, FOLDER, FS, MAP, PDF, SEEDED, anon_post, assert_error, fixture};

fn protected_envelope() -> Value {
    json!({"error": {"code": 400, "messageCode": "CONT_0048",
        "message": "Unable to delete item. Delete protection is turned on.", "details": []}})
}

#[tokio::test]
async fn delete_respects_protection_and_takes_the_service_and_relationships_along() {
    let f = fixture().await;
    let r = f
        .editor
        .post(
            "content/users/editor/addRelationship",
            &[
                ("originItemId", MAP),
                ("destinationItemId", FS),
                ("relationshipType", "Map2Service"),
            ],
        )
        .await;
    assert_eq!(r["success"], true, "{r}");
    let item = |op: &str| format!("content/users/editor/items/{FS}/{op}");
    assert_eq!(
        f.editor.post(&item("protect"), &[]).await,
        json!({"success": true})
    );
    assert_eq!(f.item(FS).unwrap()["protected"], true);
    let can = f.editor.post(&item("canDelete"), &[]).await;
    assert_eq!(can["success"], false);
    assert_eq!(can["itemId"], FS);
    assert_eq!(can["reason"]["messageCode"], "CONT_0048");
    assert_eq!(
        f.editor.post(&item("delete"), &[]).await,
        protected_envelope()
    );
    assert!(f.item(FS).is_some());

    assert_error(&f.viewer.post(&item("unprotect"), &[]).await, 403);
    assert_error(&anon_post(&f.sb, &item("unprotect"), &[]).await, 499);
    assert_eq!(
        f.editor.post(&item("unprotect"), &[]).await["success"],
        true
    );
    assert_eq!(
        f.editor.post(&item("canDelete"), &[]).await,
        json!({"itemId": FS, "success": true})
    );
    assert_error(&f.viewer.post(&item("delete"), &[]).await, 403);
    assert_eq!(
        f.editor.post(&item("delete"), &[]).await,
        json!({"success": true, "itemId": FS})
    );
    let snap = f.sb.snapshot();
    assert!(f.item(FS).is_none());
    assert_eq!(snap["services"], json!([]));
    assert_eq!(snap["relationships"], json!([]));
    assert_error(&f.editor.post(&item("delete"), &[]).await, 400);

    // Admins delete other users' items through the owner's path; editors never admin's.
    let r = f
        .editor
        .post(
            &format!("content/users/admin/items/{ADMIN_MAP}/delete"),
            &[],
        )
        .await;
    assert_error(&r, 403);
    let r = f
        .admin
        .post(&format!("content/users/editor/items/{MAP}/delete"), &[])
        .await;
    assert_eq!(r["success"], true);
    assert!(f.item(MAP).is_none() && f.item(ADMIN_MAP).is_some());
}

#[tokio::test]
async fn delete_items_reports_each_item() {
    let f = fixture().await;
    f.sb.with_state(|st| st.items.get_mut(PDF).unwrap().protected = true);
    let missing = "ffffffffffffffffffffffffffffffff";
    let ids = format!("{MAP},{PDF},{missing}");
    let r = f
        .editor
        .post("content/users/editor/deleteItems", &[("items", &ids)])
        .await;
    let results = r["results"].as_array().unwrap();
    assert_eq!(results[0], json!({"itemId": MAP, "success": true}));
    assert_eq!(results[1]["success"], false);
    assert_eq!(results[1]["error"]["messageCode"], "CONT_0048");
    assert_eq!(results[2]["success"], false);
    assert_eq!(results[2]["error"]["messageCode"], "CONT_0001");
    assert!(f.item(MAP).is_none() && f.item(PDF).is_some());
    assert_error(
        &f.viewer
            .post("content/users/viewer/deleteItems", &[("items", PDF)])
            .await,
        403,
    );
}

#[tokio::test]
async fn folders_are_created_renamed_and_deleted_with_their_items() {
    let f = fixture().await;
    let r = f
        .editor
        .post("content/users/editor/createFolder", &[("title", "Maps")])
        .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["folder"]["username"], "editor");
    assert_eq!(r["folder"]["title"], "Maps");
    let maps = r["folder"]["id"].as_str().unwrap().to_string();
    let r = f
        .editor
        .post(
            "content/users/editor/createFolder",
            &[("folderName", "maps")],
        )
        .await;
    assert_eq!(r["error"]["message"], "Folder title 'maps' not available.");
    let r = f
        .viewer
        .post("content/users/viewer/createFolder", &[("title", "V")])
        .await;
    assert_error(&r, 403);
    assert_error(
        &f.editor
            .post("content/users/admin/createFolder", &[("title", "E")])
            .await,
        403,
    );
    assert_error(
        &anon_post(
            &f.sb,
            "content/users/editor/createFolder",
            &[("title", "A")],
        )
        .await,
        499,
    );

    let r = f
        .editor
        .post(
            &format!("content/users/editor/{maps}/updateFolder"),
            &[("newTitle", "Projects")],
        )
        .await;
    assert_error(&r, 400);
    let r = f
        .editor
        .post(
            &format!("content/users/editor/{maps}/updateFolder"),
            &[("newTitle", "Web maps")],
        )
        .await;
    assert_eq!(r["folder"]["title"], "Web maps");

    // Deleting a folder holding a protected item deletes nothing.
    f.sb.with_state(|st| st.items.get_mut(PDF).unwrap().protected = true);
    let del = format!("content/users/editor/{FOLDER}/delete");
    assert_eq!(f.editor.post(&del, &[]).await, protected_envelope());
    assert!(f.item(PDF).is_some());
    f.editor
        .post(&format!("content/users/editor/items/{PDF}/unprotect"), &[])
        .await;
    let r = f.editor.post(&del, &[]).await;
    assert_eq!(r["success"], true, "{r}");
    assert!(f.item(PDF).is_none());
    let snap = f.sb.snapshot();
    let titles: Vec<&str> = snap["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Web maps"]);
}

#[tokio::test]
async fn items_move_between_folders() {
    let f = fixture().await;
    let mv = format!("content/users/editor/items/{MAP}/move");
    let r = f.editor.post(&mv, &[("folder", FOLDER)]).await;
    assert_eq!(
        r,
        json!({"success": true, "itemId": MAP, "owner": "editor", "folder": FOLDER})
    );
    let snap = f.item(MAP).unwrap();
    assert_eq!(snap["ownerFolder"], FOLDER);
    assert!(snap["modified"].as_i64().unwrap() > SEEDED);
    let r = f.editor.post(&mv, &[("folder", "/")]).await;
    assert_eq!(r["folder"], Value::Null);
    assert_eq!(f.item(MAP).unwrap()["ownerFolder"], Value::Null);
    assert_error(&f.editor.post(&mv, &[("folder", "nope")]).await, 400);
    assert_error(&f.viewer.post(&mv, &[("folder", FOLDER)]).await, 403);

    let ids = format!(r#"["{MAP}","{PDF}","{ADMIN_MAP}"]"#);
    let r = f
        .editor
        .post(
            "content/users/editor/moveItems",
            &[("items", &ids), ("folder", FOLDER)],
        )
        .await;
    let res = r["results"].as_array().unwrap();
    assert_eq!(res[0], json!({"itemId": MAP, "success": true}));
    assert_eq!(res[1], json!({"itemId": PDF, "success": true}));
    assert_eq!(res[2]["success"], false);
    assert_eq!(f.item(MAP).unwrap()["ownerFolder"], FOLDER);
    assert_eq!(f.item(ADMIN_MAP).unwrap()["ownerFolder"], Value::Null);
}

#[tokio::test]
async fn relationships_are_added_once_and_deleted() {
    let f = fixture().await;
    let add = "content/users/editor/addRelationship";
    let rel = [
        ("originItemId", MAP),
        ("destinationItemId", FS),
        ("relationshipType", "map2service"),
    ];
    assert_eq!(f.editor.post(add, &rel).await, json!({"success": true}));
    assert_eq!(
        f.editor.post(add, &rel).await,
        json!({"success": true}),
        "duplicate is a no-op"
    );
    assert_eq!(
        f.sb.snapshot()["relationships"],
        json!([{"origin": MAP, "dest": FS, "type": "Map2Service"}])
    );
    let related = f
        .editor
        .post(
            &format!("content/items/{MAP}/relatedItems"),
            &[
                ("relationshipTypes", "Map2Service"),
                ("direction", "forward"),
            ],
        )
        .await;
    assert_eq!(related["relatedItems"][0]["id"], FS);

    let bad = [
        ("originItemId", MAP),
        ("destinationItemId", FS),
        ("relationshipType", "Map2Nothing"),
    ];
    assert_error(&f.editor.post(add, &bad).await, 400);
    let hidden = [
        ("originItemId", MAP),
        ("destinationItemId", ADMIN_MAP),
        ("relationshipType", "Map2App"),
    ];
    assert_error(&f.editor.post(add, &hidden).await, 400);
    f.sb.with_state(|st| st.items.get_mut(ADMIN_MAP).unwrap().sharing.org = true);
    let not_mine = [
        ("originItemId", ADMIN_MAP),
        ("destinationItemId", MAP),
        ("relationshipType", "Map2App"),
    ];
    assert_error(&f.editor.post(add, &not_mine).await, 403);
    assert_error(
        &f.viewer
            .post("content/users/viewer/addRelationship", &rel)
            .await,
        403,
    );
    assert_error(&anon_post(&f.sb, add, &rel).await, 499);

    let del = "content/users/editor/deleteRelationship";
    assert_eq!(f.editor.post(del, &rel).await, json!({"success": true}));
    assert_eq!(f.sb.snapshot()["relationships"], json!([]));
    assert_error(&f.editor.post(del, &rel).await, 400);
}
