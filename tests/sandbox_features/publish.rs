//! Publishing: the export → publish round trip, GeoJSON and CSV sources, folders, name
//! clashes, permissions, and item status without a job.

use std::collections::BTreeMap;
use std::sync::Arc;

use agol_backup::sandbox::model::{Content, Folder, Item, ItemData};
use serde_json::Value;

use super::fixture::{self, ATTACHMENTS, HYDRANTS, get};
use crate::support::Session;

async fn count(fx: &fixture::Fx, s: &Session, service: &str, layer: u32) -> i64 {
    let v = get(
        s,
        &fx.svc(&format!("{service}/FeatureServer/{layer}/query")),
        &[("where", "1=1"), ("returnCountOnly", "true")],
    )
    .await;
    v["count"].as_i64().unwrap_or_else(|| panic!("{v}"))
}

fn seed_file(fx: &fixture::Fx, id: &str, item_type: &str, name: &str, bytes: &[u8]) {
    fx.sb.with_state(|st| {
        let mut it = Item::new(id, "editor", &format!("{item_type} source"), item_type, 1);
        it.data = ItemData::File {
            name: name.into(),
            content: Content::Bytes(Arc::new(bytes.to_vec())),
        };
        st.items.insert(id.into(), it);
    });
}

/// The new service item in the snapshot: a private "Feature Service" of the editor, hosted,
/// related to its source by Service2Data.
fn assert_published_item(snap: &Value, new_item: &str, export_item: &str) {
    let item = snap["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == new_item)
        .expect("new item");
    assert_eq!(item["type"], "Feature Service");
    assert_eq!(item["owner"], "editor");
    assert_eq!(item["access"], "private");
    assert!(
        item["typeKeywords"]
            .as_array()
            .expect("typeKeywords")
            .iter()
            .any(|k| k == "Hosted Service")
    );
    assert!(
        snap["relationships"]
            .as_array()
            .expect("relationships")
            .iter()
            .any(|r| r["origin"] == new_item
                && r["dest"] == export_item
                && r["type"] == "Service2Data")
    );
}

#[tokio::test]
async fn publish_round_trips_an_export() {
    let fx = fixture::start().await;
    let s = fx.session("editor").await;
    let v = s
        .post(
            "content/users/editor/export",
            &[
                ("itemId", "f1000000000040008000000000000001"),
                ("exportFormat", "File Geodatabase"),
                ("title", "Hydrants copy"),
            ],
        )
        .await;
    let export_item = v["exportItemId"].as_str().unwrap().to_string();
    fixture::wait_completed(
        &s,
        &format!("content/users/editor/items/{export_item}/status"),
        v["jobId"].as_str().unwrap(),
    )
    .await;

    // Esri's client sends the old item properties, no name, even a local thumbnail path.
    let props = r#"{"title":"Hydrants copy","url":"http://old/FeatureServer","thumbnail":"C:\\Users\\me\\thumb.png","hasStaticData":false}"#;
    let form = [
        ("itemid", export_item.as_str()),
        ("fileType", "fileGeodatabase"),
        ("publishParameters", props),
        ("overwrite", "false"),
        ("buildInitialCache", "false"),
    ];
    let v = s.post("content/users/editor/publish", &form).await;
    let svc = &v["services"][0];
    assert_eq!(svc["type"], "Feature Service", "{v}");
    assert!(
        svc["serviceurl"]
            .as_str()
            .unwrap()
            .ends_with("/server/rest/services/Hosted/Hydrants_copy/FeatureServer")
    );
    let new_item = svc["serviceItemId"].as_str().unwrap().to_string();
    let done = fixture::wait_completed(
        &s,
        &format!("content/users/editor/items/{new_item}/status"),
        svc["jobId"].as_str().unwrap(),
    )
    .await;
    assert_eq!(done["jobType"], "publish");

    assert_eq!(count(&fx, &s, "Hydrants_copy", 0).await, HYDRANTS as i64);
    assert_eq!(count(&fx, &s, "Hydrants_copy", 1).await, 30);
    let atts = get(
        &s,
        &fx.svc("Hydrants_copy/FeatureServer/0/queryAttachments"),
        &[("returnCountOnly", "true")],
    )
    .await;
    let n: i64 = atts["attachmentGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_i64().unwrap())
        .sum();
    assert_eq!(n, ATTACHMENTS as i64);
    let snap = fx.sb.snapshot();
    assert_published_item(&snap, &new_item, &export_item);

    // Same name again: the error Esri's client answers by retrying with another name.
    let again = s.post("content/users/editor/publish", &form).await;
    let org = snap["org"]["id"].as_str().unwrap();
    assert_eq!(
        again["services"][0]["error"]["message"],
        format!("Service name 'Hydrants_copy' already exists for '{org}'")
    );
    let named = s
        .post(
            "content/users/editor/publish",
            &[
                ("itemid", export_item.as_str()),
                ("fileType", "fileGeodatabase"),
                ("publishParameters", r#"{"name":"Hydrants copy 2"}"#),
            ],
        )
        .await;
    assert!(
        named["services"][0]["serviceurl"]
            .as_str()
            .unwrap()
            .contains("/Hydrants_copy_2/"),
        "{named}"
    );

    let viewer = fx.session("viewer").await;
    assert_eq!(
        viewer.post("content/users/viewer/publish", &form).await["error"]["code"],
        403
    );
    let sd = s
        .post(
            "content/users/editor/publish",
            &[
                ("itemid", export_item.as_str()),
                ("fileType", "serviceDefinition"),
            ],
        )
        .await;
    assert!(sd["services"][0]["error"]["message"].is_string(), "{sd}");
}

#[tokio::test]
async fn publish_geojson_and_csv_into_a_folder() {
    let fx = fixture::start().await;
    let geojson = br#"{"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[-73.5,45.5]},"properties":{"name":"a","rank":1}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[-74.0,46.0]},"properties":{"name":"b","rank":2}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[-75.0,47.0]},"properties":{"name":"c","rank":3}}]}"#;
    seed_file(
        &fx,
        "a1000000000040008000000000000001",
        "GeoJson",
        "pts.geojson",
        geojson,
    );
    seed_file(&fx, "a1000000000040008000000000000002", "CSV", "stations.csv", b"Station,Latitude,Longitude,Opened\nNorth,45.1,-73.1,2020-01-01\nSouth,44.9,-73.2,2021-06-30\n");
    fx.sb.with_state(|st| {
        st.folders.insert(
            "fold0000000040008000000000000001".into(),
            Folder {
                id: "fold0000000040008000000000000001".into(),
                owner: "editor".into(),
                title: "Restored".into(),
                created: 0,
            },
        );
    });
    let s = fx.session("editor").await;
    let v = s
        .post(
            "content/users/editor/fold0000000040008000000000000001/publish",
            &[
                ("itemid", "a1000000000040008000000000000001"),
                ("fileType", "geojson"),
                (
                    "publishParameters",
                    r#"{"name":"Points","fieldTypesVersion":"V2"}"#,
                ),
            ],
        )
        .await;
    let svc = &v["services"][0];
    let item = svc["serviceItemId"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    fixture::wait_completed(
        &s,
        &format!("content/users/editor/fold0000000040008000000000000001//items/{item}/status"),
        svc["jobId"].as_str().unwrap(),
    )
    .await;
    let q = get(
        &s,
        &fx.svc("Points/FeatureServer/0/query"),
        &[
            ("where", "rank >= 2"),
            ("outFields", "*"),
            ("orderByFields", "rank"),
        ],
    )
    .await;
    assert_eq!(q["features"].as_array().unwrap().len(), 2, "{q}");
    assert_eq!(q["features"][0]["attributes"]["name"], "b");
    assert_eq!(q["features"][0]["geometry"]["x"], -74.0);
    let folder = fx.sb.with_state(|st| st.items[item].folder.clone());
    assert_eq!(folder.as_deref(), Some("fold0000000040008000000000000001"));

    let v = s
        .post(
            "content/users/editor/publish",
            &[
                ("itemid", "a1000000000040008000000000000002"),
                ("fileType", "csv"),
                (
                    "publishParameters",
                    r#"{"name":"Stations","locationType":"coordinates"}"#,
                ),
            ],
        )
        .await;
    let svc = &v["services"][0];
    let item = svc["serviceItemId"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"));
    fixture::wait_completed(
        &s,
        &format!("content/users/editor/items/{item}/status"),
        svc["jobId"].as_str().unwrap(),
    )
    .await;
    let layer = get(&s, &fx.svc("Stations/FeatureServer/0"), &[]).await;
    assert_eq!(layer["geometryType"], "esriGeometryPoint");
    let types: BTreeMap<String, Value> = layer["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["type"].clone()))
        .collect();
    assert_eq!(types["Opened"], "esriFieldTypeDate");
    let q = get(
        &s,
        &fx.svc("Stations/FeatureServer/0/query"),
        &[
            ("where", "Opened > DATE '2021-01-01'"),
            ("outFields", "Station"),
        ],
    )
    .await;
    assert_eq!(q["features"][0]["attributes"]["Station"], "South");
    assert_eq!(q["features"][0]["geometry"]["y"], 44.9);
}

#[tokio::test]
async fn item_status_without_a_job_reports_uploads() {
    let fx = fixture::start().await;
    seed_file(
        &fx,
        "a1000000000040008000000000000003",
        "File Geodatabase",
        "up.zip",
        b"PK",
    );
    fx.sb.with_state(|st| {
        st.upload_parts.insert(
            "a1000000000040008000000000000003".into(),
            BTreeMap::from([(1, vec![1, 2])]),
        );
    });
    let s = fx.session("editor").await;
    let path = "content/users/editor/items/a1000000000040008000000000000003/status";
    assert_eq!(s.get(path, &[]).await["status"], "partial");
    fx.sb.with_state(|st| st.upload_parts.clear());
    let done = s.post(path, &[]).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["id"], "a1000000000040008000000000000003");
    let unknown = s
        .get(
            "content/users/editor/items/a1000000000040008000000000000009/status",
            &[],
        )
        .await;
    assert_eq!(unknown["error"]["code"], 400);
    let bad_job = s.get(path, &[("jobId", "nope")]).await;
    assert_eq!(bad_job["error"]["code"], 400);
}
