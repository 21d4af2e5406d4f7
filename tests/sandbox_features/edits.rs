//! Attachments (query, list, download, add) and edits (applyEdits, add/update/deleteFeatures):
//! results, permissions, rollback, and `lastEditDate` bumps.

use serde_json::{Value, json};

use super::fixture::{self, ATTACHMENTS, HYDRANTS, get, post};

#[tokio::test]
async fn attachments_query_list_and_download() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let q = fx.svc("FxHydrants/FeatureServer/0/queryAttachments");
    let v = post(
        &s,
        &q,
        &[
            ("definitionExpression", "1=1"),
            ("keywords", ""),
            ("returnMetadata", "false"),
            ("returnUrl", "true"),
        ],
    )
    .await;
    let groups = v["attachmentGroups"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(groups.len(), 5);
    let total: usize = groups
        .iter()
        .map(|g| g["attachmentInfos"].as_array().unwrap().len())
        .sum();
    assert_eq!(total, ATTACHMENTS);
    let g2 = groups.iter().find(|g| g["parentObjectId"] == 2).unwrap();
    assert_eq!(
        g2["parentGlobalId"],
        "{00000001-0000-4000-8000-000000000002}"
    );
    let info = &g2["attachmentInfos"][0];
    for key in [
        "id",
        "globalId",
        "name",
        "contentType",
        "size",
        "keywords",
        "exifInfo",
    ] {
        assert!(info.get(key).is_some(), "{key} in {info}");
    }
    assert_eq!(info["size"], 6);
    let url = info["url"].as_str().unwrap().to_string();
    assert!(
        url.ends_with("/FxHydrants/FeatureServer/0/2/attachments/2"),
        "{url}"
    );

    // The count form Esri's client sends over GET with a Python bool and empty parameters.
    let counts = get(
        &s,
        &q,
        &[
            ("returnCountOnly", "True"),
            ("attachmentTypes", ""),
            ("objectIds", ""),
            ("globalIds", ""),
            ("keywords", ""),
        ],
    )
    .await;
    let n: i64 = counts["attachmentGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    assert_eq!(n, ATTACHMENTS as i64);
    let some = post(&s, &q, &[("objectIds", "1,2,9")]).await;
    assert_eq!(some["attachmentGroups"].as_array().unwrap().len(), 2);

    let list = get(&s, &fx.svc("FxHydrants/FeatureServer/0/2/attachments"), &[]).await;
    assert_eq!(list["attachmentInfos"].as_array().unwrap().len(), 2);
    let resp = s.auth(s.http.get(&url)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("photo_2_0.jpg")
    );
    assert_eq!(
        resp.bytes().await.unwrap().as_ref(),
        &[0xff, 0xd8, 2, 0, 0xff, 0xd9]
    );
    let missing = s
        .auth(
            s.http
                .get(fx.svc("FxHydrants/FeatureServer/0/2/attachments/99")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // A table without attachments refuses the operation.
    let t = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/1/queryAttachments"),
        &[],
    )
    .await;
    assert_eq!(t["error"]["code"], 400);
}

#[tokio::test]
async fn apply_edits_changes_rows_and_bumps_last_edit_date() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let before = fx.layer_state("FxHydrants", 0).2;
    let adds = json!([{"attributes": {"NAME": "New one", "STATUS": "active", "FLOW": 1.0, "OBJECTID": 5, "Bogus": 1}, "geometry": {"x": -70.0, "y": 44.0, "spatialReference": {"wkid": 4326}}}]);
    let updates = json!([{"attributes": {"OBJECTID": 1, "NAME": "Renamed"}}]);
    let v = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/0/applyEdits"),
        &[
            ("adds", &adds.to_string()),
            ("updates", &updates.to_string()),
            ("deletes", "2"),
        ],
    )
    .await;
    assert_eq!(v["addResults"][0]["success"], true, "{v}");
    let new_oid = v["addResults"][0]["objectId"].as_i64().unwrap();
    assert_eq!(
        new_oid,
        HYDRANTS as i64 + 1,
        "the service assigns object ids"
    );
    assert!(
        v["addResults"][0]["globalId"]
            .as_str()
            .unwrap()
            .starts_with('{')
    );
    assert_eq!(v["updateResults"][0]["objectId"], 1);
    assert_eq!(v["deleteResults"][0]["success"], true);
    let (count, attachments, after) = fx.layer_state("FxHydrants", 0);
    assert_eq!(count, HYDRANTS);
    assert_eq!(
        attachments,
        ATTACHMENTS - 2,
        "deleting a feature drops its attachments"
    );
    assert!(after > before);
    let layer = get(&s, &fx.svc("FxHydrants/FeatureServer/0"), &[]).await;
    assert_eq!(layer["editingInfo"]["lastEditDate"], after);
    let row = get(
        &s,
        &fx.svc("FxHydrants/FeatureServer/0/query"),
        &[("objectIds", &format!("1,{new_oid}")), ("outFields", "*")],
    )
    .await;
    assert_eq!(row["features"][0]["attributes"]["NAME"], "Renamed");
    assert_eq!(
        row["features"][0]["attributes"]["STATUS"], "active",
        "updates merge attributes"
    );
    assert_eq!(
        row["features"][1]["geometry"],
        json!({"x": -70.0, "y": 44.0})
    );

    // One bad edit with rollbackOnFailure: nothing changes.
    let bad = json!([{"attributes": {"OBJECTID": 99999, "NAME": "x"}}]);
    let v = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/0/applyEdits"),
        &[("updates", &bad.to_string()), ("deletes", "3")],
    )
    .await;
    assert_eq!(v["updateResults"][0]["success"], false);
    assert_eq!(v["updateResults"][0]["error"]["code"], 1019);
    assert_eq!(v["deleteResults"][0]["success"], false);
    assert_eq!(fx.layer_state("FxHydrants", 0).0, HYDRANTS);
}

#[tokio::test]
async fn added_features_keep_their_global_ids_only_with_use_global_ids() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let url = fx.svc("FxHydrants/FeatureServer/0/applyEdits");
    let gid = "{0A1B2C3D-0000-4000-8000-00000000ABCD}";
    let add = |g: &str| {
        json!([{"attributes": {"NAME": "kept", "GlobalID": g}, "geometry": {"x": 1.0, "y": 2.0}}])
            .to_string()
    };
    // Without useGlobalIds the server assigns a new one, as ArcGIS does.
    let v = post(&s, &url, &[("adds", &add(gid))]).await;
    assert_eq!(v["addResults"][0]["success"], true, "{v}");
    assert_ne!(v["addResults"][0]["globalId"], gid);
    // With it the given one is kept ...
    let v = post(&s, &url, &[("adds", &add(gid)), ("useGlobalIds", "true")]).await;
    assert_eq!(v["addResults"][0]["success"], true, "{v}");
    assert_eq!(v["addResults"][0]["globalId"], gid);
    // ... and a taken or malformed one fails the add, rolling back the whole request.
    for bad in [gid, "not-a-guid"] {
        let v = post(&s, &url, &[("adds", &add(bad)), ("useGlobalIds", "true")]).await;
        assert_eq!(v["addResults"][0]["success"], false, "{bad}: {v}");
    }
    assert_eq!(fx.layer_state("FxHydrants", 0).0, HYDRANTS + 2);
}

#[tokio::test]
async fn feature_operations_and_edit_permissions() {
    let fx = fixture::start().await;
    let viewer = fx.session("viewer").await;
    // FxHydrants allows editing to org members; FxParcels (Query only) does not.
    let add = json!([{"attributes": {"NAME": "by viewer"}, "geometry": {"x": 1.0, "y": 2.0}}])
        .to_string();
    let v = post(
        &viewer,
        &fx.svc("FxHydrants/FeatureServer/0/addFeatures"),
        &[("features", &add)],
    )
    .await;
    assert_eq!(v["addResults"][0]["success"], true, "{v}");
    let v = post(
        &viewer,
        &fx.svc("FxParcels/FeatureServer/0/addFeatures"),
        &[("features", &add)],
    )
    .await;
    assert_eq!(v["error"]["code"], 403);
    let anon: Value = fixture::anon(
        &fx.svc("FxParcels/FeatureServer/0/deleteFeatures"),
        &[("objectIds", "1")],
    )
    .await;
    assert_eq!(anon["error"]["code"], 499);
    assert_eq!(fx.layer_state("FxParcels", 0).0, 3);

    let editor = fx.session("editor").await;
    let before = fx.layer_state("FxParcels", 0).2;
    let upd = json!([{"attributes": {"OBJECTID": 2, "PARCEL": "P-two"}}]).to_string();
    let v = post(
        &editor,
        &fx.svc("FxParcels/FeatureServer/0/updateFeatures"),
        &[("features", &upd)],
    )
    .await;
    assert_eq!(
        v["updateResults"][0]["success"], true,
        "owners edit whatever the capabilities"
    );
    let v = post(
        &editor,
        &fx.svc("FxParcels/FeatureServer/0/deleteFeatures"),
        &[("where", "PARCEL = 'P-two' OR OBJECTID = 3")],
    )
    .await;
    assert_eq!(v["deleteResults"].as_array().unwrap().len(), 2);
    let (count, _, after) = fx.layer_state("FxParcels", 0);
    assert_eq!(count, 1);
    assert!(after > before);

    // addAttachment (multipart `attachment`) through the service owner.
    let form = reqwest::multipart::Form::new().text("f", "json").part(
        "attachment",
        reqwest::multipart::Part::bytes(b"hello".to_vec())
            .file_name("note.txt")
            .mime_str("text/plain")
            .unwrap(),
    );
    let v: Value = editor
        .auth(
            editor
                .http
                .post(fx.svc("FxHydrants/FeatureServer/0/7/addAttachment"))
                .multipart(form),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["addAttachmentResult"]["success"], true, "{v}");
    let list = get(
        &editor,
        &fx.svc("FxHydrants/FeatureServer/0/7/attachments"),
        &[],
    )
    .await;
    assert_eq!(list["attachmentInfos"][0]["name"], "note.txt");
    assert_eq!(list["attachmentInfos"][0]["contentType"], "text/plain");
    assert_eq!(fx.layer_state("FxHydrants", 0).1, ATTACHMENTS + 1);
}
