//! Sharing (owner path, `content/items/{id}`, batches) and content status.

use serde_json::{Value, json};

use super::{ADMIN_MAP, ADMINS, FS, MAP, SEEDED, TEAM, anon_post, assert_error, fixture};
use crate::support;

#[tokio::test]
async fn share_and_unshare_flip_the_authoritative_status_with_public_sharing() {
    let f = fixture().await;
    f.sb.with_state(|st| {
        st.items.get_mut(MAP).unwrap().content_status = Some("org_authoritative".into())
    });
    let share = format!("content/users/editor/items/{MAP}/share");
    let groups = format!("{TEAM},{ADMINS}");
    let r = f
        .editor
        .post(
            &share,
            &[
                ("everyone", "true"),
                ("groups", &groups),
                ("confirmItemControl", "true"),
            ],
        )
        .await;
    assert_eq!(r, json!({"notSharedWith": [ADMINS], "itemId": MAP}));
    let snap = f.item(MAP).unwrap();
    assert_eq!(snap["access"], "public");
    assert_eq!(snap["sandbox"]["groups"], json!([TEAM]));
    assert_eq!(snap["contentStatus"], "public_authoritative");
    assert!(snap["modified"].as_i64().unwrap() > SEEDED);
    assert_eq!(
        support::anon_get(&f.sb, &format!("content/items/{MAP}"), &[]).await["id"],
        MAP
    );

    let r = f
        .editor
        .post(&share, &[("everyone", "false"), ("org", "true")])
        .await;
    assert_eq!(r["notSharedWith"], json!([]));
    let snap = f.item(MAP).unwrap();
    assert_eq!(snap["access"], "org");
    assert_eq!(snap["contentStatus"], "org_authoritative");

    let r = f
        .editor
        .post(
            &format!("content/users/editor/items/{MAP}/unshare"),
            &[("groups", TEAM)],
        )
        .await;
    assert_eq!(r, json!({"notUnsharedFrom": [], "itemId": MAP}));
    assert_eq!(f.item(MAP).unwrap()["sandbox"]["groups"], json!([]));

    assert_error(&f.viewer.post(&share, &[("everyone", "true")]).await, 403);
    assert_error(
        &anon_post(&f.sb, &share, &[("everyone", "true")]).await,
        499,
    );
    let by_id = format!("content/items/{ADMIN_MAP}/share");
    assert_error(&f.editor.post(&by_id, &[("org", "true")]).await, 400);
    f.sb.with_state(|st| st.items.get_mut(ADMIN_MAP).unwrap().sharing.org = true);
    assert_error(&f.editor.post(&by_id, &[("everyone", "true")]).await, 403);
    assert_eq!(f.item(ADMIN_MAP).unwrap()["access"], "org");
}

#[tokio::test]
async fn admins_share_by_item_id_and_batches_report_each_item() {
    let f = fixture().await;
    let r = f
        .admin
        .post(
            &format!("content/items/{MAP}/share"),
            &[("groups", ADMINS), ("org", "true")],
        )
        .await;
    assert_eq!(r, json!({"notSharedWith": [], "itemId": MAP}));
    let snap = f.item(MAP).unwrap();
    assert_eq!(
        (snap["access"].as_str(), &snap["sandbox"]["groups"]),
        (Some("org"), &json!([ADMINS]))
    );
    let r = f
        .admin
        .post(
            &format!("content/items/{MAP}/unshare"),
            &[("groups", ADMINS)],
        )
        .await;
    assert_eq!(r, json!({"notUnsharedFrom": [], "itemId": MAP}));

    let items = format!(r#"["{MAP}","{FS}","{ADMIN_MAP}"]"#);
    let r = f
        .editor
        .post(
            "content/users/editor/shareItems",
            &[("items", &items), ("groups", TEAM), ("everyone", "true")],
        )
        .await;
    let res = r["results"].as_array().unwrap();
    assert_eq!(
        res[0],
        json!({"itemId": MAP, "success": true, "notSharedWith": []})
    );
    assert_eq!(res[1]["success"], true);
    assert_eq!(res[2]["success"], false);
    assert_eq!(res[2]["error"]["code"], 400);
    assert_eq!(f.item(FS).unwrap()["access"], "public");
    assert_eq!(f.item(ADMIN_MAP).unwrap()["access"], "private");

    let r = f
        .editor
        .post(
            "content/users/editor/unshareItems",
            &[("items", &format!("{MAP},{FS}")), ("groups", TEAM)],
        )
        .await;
    assert_eq!(
        r["results"][1],
        json!({"itemId": FS, "success": true, "notUnsharedFrom": []})
    );
    assert_eq!(f.item(FS).unwrap()["sandbox"]["groups"], json!([]));
    assert_error(
        &f.viewer
            .post(
                "content/users/viewer/shareItems",
                &[("items", MAP), ("org", "true")],
            )
            .await,
        403,
    );
}

#[tokio::test]
async fn content_status_is_admin_only_and_protects_authoritative_items() {
    let f = fixture().await;
    let path = format!("content/items/{MAP}/setContentStatus");
    assert_error(
        &f.editor
            .post(&path, &[("status", "org_authoritative")])
            .await,
        403,
    );
    assert_error(
        &anon_post(&f.sb, &path, &[("status", "org_authoritative")]).await,
        499,
    );
    let r = f
        .admin
        .post(&path, &[("status", "public_authoritative")])
        .await;
    assert_error(&r, 400);
    assert!(r["error"]["message"].as_str().unwrap().contains("public"));
    assert_error(&f.admin.post(&path, &[("status", "great")]).await, 400);
    assert!(f.item(MAP).unwrap().get("contentStatus").is_none());

    assert_eq!(
        f.admin
            .post(&path, &[("status", "org_authoritative")])
            .await,
        json!({"success": true})
    );
    let snap = f.item(MAP).unwrap();
    assert_eq!(snap["contentStatus"], "org_authoritative");
    assert_eq!(snap["protected"], true);
    assert_eq!(
        f.editor
            .post(&format!("content/users/editor/items/{MAP}/delete"), &[])
            .await["error"]["messageCode"],
        "CONT_0048"
    );

    // Esri's client clears the status with a GET.
    let v: Value = f
        .admin
        .get(&path, &[("status", ""), ("clearEmptyFields", "true")])
        .await;
    assert_eq!(v["success"], true);
    assert!(f.item(MAP).unwrap().get("contentStatus").is_none());
    f.sb.with_state(|st| st.items.get_mut(MAP).unwrap().sharing.everyone = true);
    assert_eq!(
        f.admin
            .post(&path, &[("status", "public_authoritative")])
            .await["success"],
        true
    );
    assert_eq!(
        f.item(MAP).unwrap()["contentStatus"],
        "public_authoritative"
    );
    assert_eq!(
        f.admin.post(&path, &[("status", "deprecated")]).await["success"],
        true
    );
    assert_eq!(f.item(MAP).unwrap()["contentStatus"], "deprecated");
}
