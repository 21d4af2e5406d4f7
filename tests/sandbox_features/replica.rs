//! createReplica: async JSON replicas with attachments, sync container replicas, filters, and
//! the refusal on services without Sync or Extract.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;

use super::fixture::{self, ACTIVE, ATTACHMENTS, HYDRANTS, get, post};

#[tokio::test]
async fn async_json_replica_with_attachments() {
    let fx = fixture::start_with_delay(300).await;
    let s = fx.session("viewer").await;
    let v = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/createReplica"),
        &[
            ("replicaName", "backup"),
            ("layers", "0,1"),
            ("returnAttachments", "true"),
            ("async", "true"),
            ("syncModel", "none"),
            ("dataFormat", "json"),
            ("transportType", "esriTransportTypeUrl"),
        ],
    )
    .await;
    let status_url = v["statusUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string();
    assert!(
        status_url.contains("/FxHydrants/FeatureServer/jobs/"),
        "{status_url}"
    );
    let first = get(&s, &status_url, &[]).await;
    assert_eq!(first["status"], "Pending", "{first}");
    assert!(first["submissionTime"].is_number());
    let mut done = Value::Null;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let st = get(&s, &status_url, &[]).await;
        if st["status"] == "Completed" {
            done = st;
            break;
        }
        assert!(
            ["Pending", "ExportingData"].contains(&st["status"].as_str().unwrap()),
            "{st}"
        );
    }
    let result_url = done["resultUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("never completed"))
        .to_string();
    // The file needs the token like the service.
    let anon = fixture::anon(&result_url, &[]).await;
    assert_eq!(anon["error"]["code"], 499);
    let replica: Value = s
        .auth(s.http.get(&result_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(replica["replicaName"], "backup");
    assert!(replica["replicaID"].as_str().unwrap().starts_with('{'));
    let layers = replica["layers"].as_array().unwrap();
    assert_eq!(layers[0]["features"].as_array().unwrap().len(), HYDRANTS);
    assert_eq!(layers[1]["features"].as_array().unwrap().len(), 30);
    let atts = layers[0]["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), ATTACHMENTS);
    let a = &atts[0];
    assert_eq!(
        a["parentGlobalId"],
        "{00000001-0000-4000-8000-000000000001}"
    );
    let bytes = s
        .auth(s.http.get(a["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len() as u64, a["size"].as_u64().unwrap());
}

#[tokio::test]
async fn sync_replicas_filter_and_package_and_refusal() {
    let fx = fixture::start().await;
    let s = fx.session("viewer").await;
    let queries = r#"{"0":{"queryOption":"useFilter","where":"STATUS = 'active'"},"1":{"queryOption":"none"}}"#;
    let v = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/createReplica"),
        &[
            ("layers", "[0,1]"),
            ("layerQueries", queries),
            ("async", "False"),
            ("dataFormat", "json"),
        ],
    )
    .await;
    assert_eq!(v["responseType"], "esriReplicaResponseTypeData", "{v}");
    let replica: Value = s
        .auth(s.http.get(v["resultUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        replica["layers"][0]["features"].as_array().unwrap().len(),
        ACTIVE
    );
    assert_eq!(
        replica["layers"][1]["features"].as_array().unwrap().len(),
        0
    );
    assert!(replica["layers"][0].get("attachments").is_none());

    let v = post(
        &s,
        &fx.svc("FxHydrants/FeatureServer/createReplica"),
        &[
            ("layers", "0"),
            ("dataFormat", "filegdb"),
            ("returnAttachments", "true"),
        ],
    )
    .await;
    let resp = s
        .auth(s.http.get(v["resultUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let bytes = resp.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut json = String::new();
    zip.by_name("sandbox-export.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let pkg: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        pkg["layers"][0]["features"].as_array().unwrap().len(),
        HYDRANTS
    );
    assert_eq!(
        pkg["layers"][0]["attachments"].as_array().unwrap().len(),
        ATTACHMENTS
    );

    let refused = post(
        &s,
        &fx.svc("FxParcels/FeatureServer/createReplica"),
        &[("layers", "0"), ("dataFormat", "json")],
    )
    .await;
    assert_eq!(refused["error"]["code"], 400);
    assert_eq!(
        refused["error"]["message"],
        "Create replica operation is not supported on this service."
    );
}
