//! Item reads against the demo organisation: item JSON, the blob redirect and its header rule,
//! thumbnails, metadata, resources, related items, groups, user content and permissions.

use serde_json::Value;

use crate::support::{self, Session};

/// Items of the demo snapshot matching `pred`.
fn find(snapshot: &Value, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
    snapshot["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| pred(i))
        .cloned()
        .collect()
}

#[tokio::test]
async fn file_data_redirects_to_a_blob_origin_that_refuses_the_auth_header() {
    let sb = support::demo().await;
    let admin = Session::admin(&sb).await;
    let snap = sb.snapshot();
    let pdf = &find(&snap, |i| i["type"] == "PDF")[0];
    let id = pdf["id"].as_str().unwrap();
    let resp = admin
        .auth(
            admin
                .http
                .get(format!("{}/content/items/{id}/data", admin.rest)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&sb.blob_url()), "{location}");
    assert_ne!(
        sb.blob_url(),
        sb.url().trim_end_matches("/portal"),
        "another origin"
    );
    // Carrying the token to the other origin is refused.
    let refused = admin.auth(admin.http.get(&location)).send().await.unwrap();
    assert_eq!(refused.status(), 400);
    // Without it, the bytes.
    let ok = support::client().get(&location).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = ok.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // A tampered signature is refused.
    let bad = location.replacen("/blob/", "/blob/x", 1);
    assert_ne!(
        support::client().get(&bad).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn json_items_thumbnails_metadata_and_resources() {
    let sb = support::demo().await;
    let admin = Session::admin(&sb).await;
    let snap = sb.snapshot();
    let map = &find(&snap, |i| i["type"] == "Web Map")[0];
    let id = map["id"].as_str().unwrap();
    let item = admin.post(&format!("content/items/{id}"), &[]).await;
    for key in [
        "id",
        "title",
        "type",
        "owner",
        "url",
        "name",
        "typeKeywords",
        "thumbnail",
        "access",
        "created",
        "isOrgItem",
    ] {
        assert!(item.get(key).is_some(), "item JSON lacks {key}");
    }
    assert_eq!(item["isOrgItem"], true);
    let data = admin.get(&format!("content/items/{id}/data"), &[]).await;
    assert!(data["operationalLayers"].is_array());
    let thumb = item["thumbnail"].as_str().unwrap();
    let png = admin
        .auth(
            admin
                .http
                .get(format!("{}/content/items/{id}/info/{thumb}", admin.rest)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));

    let with_meta = &find(&snap, |i| i["sandbox"]["hasMetadata"] == true)[0];
    let mid = with_meta["id"].as_str().unwrap();
    assert!(
        with_meta["typeKeywords"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "Metadata")
    );
    let xml = admin
        .auth(admin.http.get(format!(
            "{}/content/items/{mid}/info/metadata/metadata.xml",
            admin.rest
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), 200);
    assert!(xml.text().await.unwrap().contains("<metadata"));

    let nested = &find(&snap, |i| {
        i["sandbox"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["path"].as_str().unwrap().matches('/').count() >= 2)
    })[0];
    let rid = nested["id"].as_str().unwrap();
    let page1 = admin
        .get(&format!("content/items/{rid}/resources"), &[("num", "1")])
        .await;
    assert_eq!(page1["num"], 1);
    assert_eq!(page1["nextStart"], 2);
    let all = admin
        .get(&format!("content/items/{rid}/resources"), &[("num", "500")])
        .await;
    assert_eq!(all["nextStart"], -1);
    let deep = all["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"].as_str().unwrap().to_string())
        .find(|p| p.matches('/').count() >= 2)
        .unwrap();
    let got = admin
        .auth(admin.http.get(format!(
            "{}/content/items/{rid}/resources/{deep}",
            admin.rest
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert!(got.headers().contains_key("content-type"));
    let missing = admin
        .auth(admin.http.get(format!(
            "{}/content/items/{rid}/resources/nope/none.txt",
            admin.rest
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn related_items_both_directions_and_groups() {
    let sb = support::demo().await;
    let admin = Session::admin(&sb).await;
    let snap = sb.snapshot();
    let rel = snap["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Map2Service")
        .unwrap()
        .clone();
    let (map, svc) = (
        rel["origin"].as_str().unwrap(),
        rel["dest"].as_str().unwrap(),
    );
    let fwd = admin
        .post(
            &format!("content/items/{map}/relatedItems"),
            &[
                ("relationshipTypes", "Map2Service,Map2AppConfig"),
                ("direction", "forward"),
            ],
        )
        .await;
    assert!(
        fwd["relatedItems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == svc),
        "{fwd}"
    );
    let back = admin
        .post(
            &format!("content/items/{svc}/relatedItems"),
            &[
                ("relationshipTypes", "Map2Service"),
                ("direction", "reverse"),
            ],
        )
        .await;
    assert!(
        back["relatedItems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == map)
    );
    let none = admin
        .post(&format!("content/items/{map}/relatedItems"), &[])
        .await;
    assert_eq!(none["error"]["code"], 400);

    let shared = &find(&snap, |i| {
        !i["sandbox"]["groups"].as_array().unwrap().is_empty()
    })[0];
    let gid = shared["sandbox"]["groups"][0].clone();
    let groups = admin
        .post(
            &format!("content/items/{}/groups", shared["id"].as_str().unwrap()),
            &[],
        )
        .await;
    let all: Vec<&Value> = ["admin", "member", "other"]
        .iter()
        .flat_map(|k| groups[*k].as_array().unwrap())
        .collect();
    assert!(all.iter().any(|g| g["id"] == gid), "{groups}");
}

#[tokio::test]
async fn permissions_follow_sharing() {
    let sb = support::demo().await;
    let snap = sb.snapshot();
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let private_other = &find(&snap, |i| {
        i["access"] == "private" && i["owner"] != "viewer"
    })[0];
    let pid = private_other["id"].as_str().unwrap();
    let v = viewer.post(&format!("content/items/{pid}"), &[]).await;
    assert_eq!(v["error"]["code"], 400);
    assert_eq!(v["error"]["messageCode"], "CONT_0001");
    let public = &find(&snap, |i| i["access"] == "public")[0];
    let anon = support::anon_get(
        &sb,
        &format!("content/items/{}", public["id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(anon["id"], public["id"]);
    let org_item = &find(&snap, |i| i["access"] == "org")[0];
    let anon = support::anon_get(
        &sb,
        &format!("content/items/{}", org_item["id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(
        anon["error"]["code"], 400,
        "anonymous must not see org items"
    );
    let seen = viewer
        .post(
            &format!("content/items/{}", org_item["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(seen["id"], org_item["id"]);
    // The viewer cannot list another user's content; the admin can.
    assert_eq!(
        viewer.get("content/users/editor", &[]).await["error"]["code"],
        403
    );
    let admin = Session::admin(&sb).await;
    let listing = admin.get("content/users/editor", &[("num", "100")]).await;
    assert!(listing["total"].as_u64().unwrap() >= 1, "{listing}");
    assert!(listing["folders"].is_array());
}
