//! Demo file items: real bytes behind the blob redirect, the big streamed file, thumbnails,
//! metadata and nested resources.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{by_title, download, items};
use crate::support::{self, Session};

#[tokio::test]
async fn file_items_download_real_bytes() {
    let sb = support::demo().await;
    let items = items(&sb);
    let s = Session::admin(&sb).await;
    let mut checked = BTreeSet::new();
    for it in items
        .iter()
        .filter(|i| i["sandbox"]["dataKind"] == "file" && i["size"].as_u64().unwrap() < 1_000_000)
    {
        let name = it["name"].as_str().unwrap();
        let ext = name.rsplit('.').next().unwrap().to_ascii_lowercase();
        let bytes = download(&s, it["id"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap();
        match ext.as_str() {
            "pdf" => {
                assert!(bytes.starts_with(b"%PDF-"), "{name}");
                assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"), "{name}");
            }
            "xlsx" | "docx" | "zip" => assert!(bytes.starts_with(b"PK\x03\x04"), "{name}"),
            "png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}"),
            "csv" => assert!(
                std::str::from_utf8(&bytes).unwrap().lines().count() >= 2,
                "{name}"
            ),
            "geojson" => assert_eq!(
                serde_json::from_slice::<Value>(&bytes).unwrap()["type"],
                "FeatureCollection"
            ),
            other => panic!("unexpected file type {other} ({name})"),
        }
        checked.insert(ext);
    }
    assert_eq!(
        checked,
        BTreeSet::from(["csv", "docx", "geojson", "pdf", "png", "xlsx", "zip"].map(String::from))
    );
    // The zipped shapefile holds a .shp with file code 9994.
    let shp = by_title(&items, "Storm drain inlets");
    let zip_bytes = download(&s, shp["id"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).unwrap();
    let mut head = [0u8; 4];
    std::io::Read::read_exact(&mut z.by_name("storm_inlets.shp").unwrap(), &mut head).unwrap();
    assert_eq!(i32::from_be_bytes(head), 9994);
}

#[tokio::test]
async fn the_big_file_streams_with_its_content_length() {
    let sb = support::demo().await;
    let items = items(&sb);
    let s = Session::admin(&sb).await;
    let ortho = by_title(&items, "Orthophoto mosaic 2024");
    assert_eq!(ortho["size"], 32 * 1024 * 1024);
    let resp = download(&s, ortho["id"].as_str().unwrap()).await;
    assert_eq!(resp.content_length(), Some(32 * 1024 * 1024));
    drop(resp);
}

#[tokio::test]
async fn thumbnails_metadata_and_resources() {
    let sb = support::demo().await;
    let items = items(&sb);
    let s = Session::admin(&sb).await;
    let with_thumb = items.iter().filter(|i| i["thumbnail"].is_string()).count();
    assert!(
        with_thumb * 10 >= items.len() * 8,
        "{with_thumb} thumbnails"
    );
    let story = by_title(&items, "Riverton's Water Story");
    let id = story["id"].as_str().unwrap();
    let thumb = s
        .auth(s.http.get(format!(
            "{}/content/items/{id}/info/{}",
            s.rest,
            story["thumbnail"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert!(thumb.bytes().await.unwrap().starts_with(b"\x89PNG"));
    assert!(
        story["typeKeywords"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "Metadata")
    );
    let meta = s
        .auth(s.http.get(format!(
            "{}/content/items/{id}/info/metadata/metadata.xml",
            s.rest
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        meta.contains("<metadata xml:lang=\"en\">")
            && meta.contains("<resTitle>Riverton&apos;s Water Story</resTitle>"),
        "{meta}"
    );
    let with_meta = items
        .iter()
        .filter(|i| i["sandbox"]["hasMetadata"] == true)
        .count();
    assert!(with_meta >= 10, "{with_meta}");
    let list = s.get(&format!("content/items/{id}/resources"), &[]).await;
    let names: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["resource"].as_str())
        .collect();
    for n in ["draft.json", "images/photo-1.png", "images/gallery/a.png"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let nested = s
        .auth(s.http.get(format!(
            "{}/content/items/{id}/resources/images/gallery/a.png",
            s.rest
        )))
        .send()
        .await
        .unwrap();
    assert!(nested.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let data = s.get(&format!("content/items/{id}/data"), &[]).await;
    let webmap = data["resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["type"] == "webmap")
        .unwrap();
    let map = s
        .get(
            &format!(
                "content/items/{}",
                webmap["data"]["itemId"].as_str().unwrap()
            ),
            &[],
        )
        .await;
    assert_eq!(map["type"], "Web Map");
}
