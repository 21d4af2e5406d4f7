//! Item export: the job and status sequence, the download through the blob origin, the
//! formats, and the 403 a non-owner gets.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;

use super::fixture::{self, ACTIVE, ATTACHMENTS, HYDRANTS};
use crate::support::Session;

const HYDRANTS_ITEM: &str = "f1000000000040008000000000000001";

/// Downloads an item's `/data`, following the 302 to the blob origin without the token.
pub async fn download(s: &Session, item: &str) -> Vec<u8> {
    let resp = s
        .auth(s.http.get(format!("{}/content/items/{item}/data", s.rest)))
        .send()
        .await
        .expect("data request");
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"]
        .to_str()
        .expect("ASCII location")
        .to_string();
    let blob = s.http.get(&location).send().await.expect("blob request");
    assert_eq!(blob.status(), 200, "{location}");
    blob.bytes().await.expect("blob body").to_vec()
}

/// Waits for an export's job, then downloads the item.
pub async fn download_export(s: &Session, user: &str, v: &Value) -> Vec<u8> {
    let item = v["exportItemId"]
        .as_str()
        .unwrap_or_else(|| panic!("no export: {v}"));
    fixture::wait_completed(
        s,
        &format!("content/users/{user}/items/{item}/status"),
        v["jobId"].as_str().expect("jobId"),
    )
    .await;
    download(s, item).await
}

/// Unzips one member.
pub fn member(zip: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut out = String::new();
    z.by_name(name)
        .expect("member")
        .read_to_string(&mut out)
        .expect("text member");
    out
}

#[tokio::test]
async fn export_status_goes_processing_then_completed_then_downloads() {
    let fx = fixture::start_with_delay(400).await;
    let s = fx.session("admin").await;
    let v = s
        .post(
            "content/users/admin/export",
            &[
                ("itemId", HYDRANTS_ITEM),
                ("exportFormat", "File Geodatabase"),
                ("title", "Hydrants backup"),
            ],
        )
        .await;
    assert_eq!(v["type"], "File Geodatabase", "{v}");
    assert_eq!(v["serviceItemId"], HYDRANTS_ITEM);
    assert_eq!(v["exportFormat"], "File Geodatabase");
    let (item, job) = (
        v["exportItemId"].as_str().unwrap().to_string(),
        v["jobId"].as_str().unwrap().to_string(),
    );
    let status_path = format!("content/users/admin/items/{item}/status");
    let st = s
        .get(&status_path, &[("jobType", "export"), ("jobId", &job)])
        .await;
    assert_eq!(st["status"], "processing", "{st}");
    let mut status = st;
    for _ in 0..40 {
        if status["status"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        status = s
            .get(&status_path, &[("jobType", "export"), ("jobId", &job)])
            .await;
    }
    assert_eq!(status["status"], "completed");
    assert_eq!(status["itemId"], item.as_str());
    let snapshot = fx.sb.snapshot();
    let exported = snapshot["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item.as_str())
        .unwrap();
    assert_eq!(exported["owner"], "admin");
    assert_eq!(exported["access"], "private");
    assert_eq!(exported["name"], "Hydrants backup.zip");

    let zip = download(&s, &item).await;
    assert!(member(&zip, "README.txt").contains("File Geodatabase"));
    let pkg: Value = serde_json::from_str(&member(&zip, "sandbox-export.json")).unwrap();
    assert_eq!(
        pkg["layers"][0]["features"].as_array().unwrap().len(),
        HYDRANTS
    );
    assert_eq!(
        pkg["layers"][0]["attachments"].as_array().unwrap().len(),
        ATTACHMENTS
    );
    assert_eq!(pkg["layers"][1]["definition"]["type"], "Table");
    // Without a job id the status is the item's own: complete.
    let own = s.get(&status_path, &[]).await;
    assert_eq!(own["status"], "completed");
    assert_eq!(own["id"], item.as_str());
}

#[tokio::test]
async fn export_formats_and_permissions() {
    let fx = fixture::start().await;
    let viewer = fx.session("viewer").await;
    let refused = viewer
        .post(
            "content/users/viewer/export",
            &[("itemId", HYDRANTS_ITEM), ("exportFormat", "GeoJson")],
        )
        .await;
    assert_eq!(refused["error"]["code"], 403);
    assert_eq!(
        refused["error"]["message"],
        "You do not have permissions to access this resource or perform this operation."
    );

    let s = fx.session("editor").await;
    let params = r#"{"layers":[{"id":0,"where":"STATUS = 'active'"}]}"#;
    let v = s
        .post(
            "content/users/editor/export",
            &[
                ("itemId", HYDRANTS_ITEM),
                ("exportFormat", "GeoJson"),
                ("title", "gj"),
                ("exportParameters", params),
            ],
        )
        .await;
    let gj: Value = serde_json::from_slice(&download_export(&s, "editor", &v).await).unwrap();
    assert_eq!(gj["type"], "FeatureCollection");
    assert_eq!(gj["features"].as_array().unwrap().len(), ACTIVE);

    let v = s
        .post(
            "content/users/editor/export",
            &[
                ("itemId", HYDRANTS_ITEM),
                ("exportFormat", "CSV"),
                ("title", "csv"),
            ],
        )
        .await;
    let zip = download_export(&s, "editor", &v).await;
    let csv = member(&zip, "Hydrants_0.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "X,Y,OBJECTID,GlobalID,NAME,STATUS,FLOW,NOTE,INSTALLED"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",Hydrant 1,active,1.5,note 1,2000-03-02T00:00:00Z")
    );
    assert_eq!(csv.lines().count(), HYDRANTS + 1);
    assert_eq!(member(&zip, "Inspections_1.csv").lines().count(), 31);

    let v = s
        .post(
            "content/users/editor/export",
            &[
                ("itemId", HYDRANTS_ITEM),
                ("exportFormat", "Feature Collection"),
                ("exportParameters", r#"{"layers":[{"id":1}]}"#),
            ],
        )
        .await;
    let fc = s
        .get(
            &format!("content/items/{}/data", v["exportItemId"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(
        fc["layers"][0]["featureSet"]["features"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    assert_eq!(fc["layers"][0]["layerDefinition"]["name"], "Inspections");

    let bad = s
        .post(
            "content/users/editor/export",
            &[
                ("itemId", HYDRANTS_ITEM),
                ("exportFormat", "Vector Tile Package"),
            ],
        )
        .await;
    assert_eq!(bad["error"]["code"], 400);
    let other_path = s
        .post(
            "content/users/admin/export",
            &[("itemId", HYDRANTS_ITEM), ("exportFormat", "CSV")],
        )
        .await;
    assert_eq!(other_path["error"]["code"], 403);
}
