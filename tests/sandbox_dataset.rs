//! The sandbox's datasets: the demo organisation (every kind of item, real file bytes, the big
//! streamed file, thumbnails, metadata, resources, relationships, sharing) and generated:N
//! (exact count, deterministic, the 512 MiB item).

use std::collections::BTreeSet;

use agol_backup::sandbox::{Dataset, SandboxConfig, SandboxHandle};
use serde_json::Value;

use crate::support::{self, Session};

fn items(sb: &SandboxHandle) -> Vec<Value> {
    sb.snapshot()["items"].as_array().expect("items").clone()
}

fn by_title<'a>(items: &'a [Value], title: &str) -> &'a Value {
    items.iter().find(|i| i["title"] == title).unwrap_or_else(|| panic!("no item titled {title:?}"))
}

/// GET `/data`, expect a 302, follow it to the blob origin without the auth header.
async fn download(s: &Session, id: &str) -> reqwest::Response {
    let resp = s.auth(s.http.get(format!("{}/content/items/{id}/data", s.rest))).send().await.unwrap();
    assert_eq!(resp.status(), 302, "{id}");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let refused = s.auth(s.http.get(&location)).send().await.unwrap();
    assert_eq!(refused.status(), 400, "the blob refuses requests with the auth header");
    let ok = s.http.get(&location).send().await.unwrap();
    assert_eq!(ok.status(), 200, "{location}");
    ok
}

#[tokio::test]
async fn demo_has_every_kind_of_item() {
    let sb = support::demo().await;
    let snap = sb.snapshot();
    let items = items(&sb);
    assert!((40..=80).contains(&items.len()), "{} items", items.len());
    let types: BTreeSet<&str> = items.iter().filter_map(|i| i["type"].as_str()).collect();
    for t in ["Feature Service", "Web Map", "Web Mapping Application", "Dashboard", "Web Experience", "StoryMap", "Form", "PDF", "CSV", "Microsoft Excel", "Image", "Shapefile", "Notebook", "GeoJson", "Microsoft Word", "Document Link", "Map Service", "Feature Collection"] {
        assert!(types.contains(t), "missing {t}: {types:?}");
    }
    assert_eq!(snap["org"]["id"], "SbxRivertonOrg01");
    assert_eq!(snap["users"], serde_json::json!(["admin", "editor", "viewer"]));
    let statuses: Vec<&str> = items.iter().filter_map(|i| i["contentStatus"].as_str()).collect();
    for s in ["org_authoritative", "public_authoritative", "deprecated"] {
        assert!(statuses.contains(&s), "{s}");
    }
    for i in items.iter().filter(|i| i["contentStatus"] == "public_authoritative") {
        assert_eq!(i["access"], "public", "{}", i["title"]);
        assert_eq!(i["protected"], true);
    }
    // Loose mentions of "authoritative" without a status.
    for t in ["Authoritative data policy", "Non-authoritative sketch"] {
        assert!(by_title(&items, t).get("contentStatus").is_none(), "{t}");
    }
    // Awkward titles.
    for t in ["CON", "aux.", "Trailing dots...  ", "Pipes: \"Main\" <2024>/Q1?*|", "Zürich Wasserqualität — 水質報告", "Main  Street  Corridor  Study"] {
        by_title(&items, t);
    }
    assert!(items.iter().any(|i| i["title"].as_str().is_some_and(|t| t.chars().count() == 250)));
    assert!(items.iter().any(|i| i["title"].as_str().is_some_and(|t| t.chars().any(|c| ('\u{5d0}'..='\u{5ea}').contains(&c)))));
    let hydrants: Vec<&Value> = items.iter().filter(|i| i["title"] == "Fire Hydrants").collect();
    assert_eq!(hydrants.len(), 2);
    assert_ne!(hydrants[0]["type"], hydrants[1]["type"]);
    // Every access level.
    let access: BTreeSet<&str> = items.iter().filter_map(|i| i["access"].as_str()).collect();
    assert_eq!(access, BTreeSet::from(["org", "private", "public", "shared"]));
    // Hosted services and their features.
    let services = snap["services"].as_array().unwrap();
    let layer_count = |svc: &str, layer: &str| -> u64 {
        let s = services.iter().find(|s| s["name"] == svc).unwrap_or_else(|| panic!("{svc}"));
        s["layers"].as_array().unwrap().iter().find(|l| l["name"] == layer).unwrap()["features"].as_u64().unwrap()
    };
    assert_eq!(layer_count("Fire_Hydrants", "Hydrants"), 300);
    assert_eq!(layer_count("Water_Network", "Water Mains"), 200);
    assert_eq!(layer_count("Water_Network", "Valve Inspections"), 300);
    assert_eq!(layer_count("Parcels", "Parcels"), 150);
    let hydrant_layer = &services.iter().find(|s| s["name"] == "Fire_Hydrants").unwrap()["layers"][0];
    assert!(hydrant_layer["attachments"].as_u64().unwrap() >= 40);
    let view = services.iter().find(|s| s["name"] == "Parcels_public_view").unwrap();
    assert_eq!(view["viewOf"], "Parcels");
    let total: u64 = services.iter().flat_map(|s| s["layers"].as_array().unwrap()).map(|l| l["features"].as_u64().unwrap()).sum();
    assert!(total >= 1000, "{total} features");
}

#[tokio::test]
async fn relationships_and_json_items_point_at_real_items() {
    let sb = support::demo().await;
    let items = items(&sb);
    let s = Session::admin(&sb).await;
    let map = by_title(&items, "Water Network Operations");
    let id = map["id"].as_str().unwrap();
    let data = s.get(&format!("content/items/{id}/data"), &[]).await;
    let ops = data["operationalLayers"].as_array().unwrap();
    let group = ops.iter().find(|l| l["layerType"] == "GroupLayer").expect("a group layer");
    assert_eq!(group["layers"].as_array().unwrap().len(), 3);
    assert!(data["tables"][0]["itemId"].is_string());
    let basemap_id = data["baseMap"]["baseMapLayers"][1]["itemId"].as_str().unwrap();
    let outside = s.get(&format!("content/items/{basemap_id}"), &[]).await;
    assert!(outside["error"]["message"].as_str().unwrap().contains("does not exist or is inaccessible"));
    // Every layer URL points at a hosted service of this sandbox whose item exists.
    let layer_item = s.get(&format!("content/items/{}", group["layers"][0]["itemId"].as_str().unwrap()), &[]).await;
    assert_eq!(layer_item["type"], "Feature Service");
    assert!(layer_item["url"].as_str().unwrap().ends_with("/server/rest/services/Hosted/Water_Network/FeatureServer"));
    assert!(group["layers"][0]["url"].as_str().unwrap().starts_with(layer_item["url"].as_str().unwrap()));
    let rel = s.post(&format!("content/items/{id}/relatedItems"), &[("relationshipTypes", "Map2Service"), ("direction", "forward")]).await;
    let titles: BTreeSet<&str> = rel["relatedItems"].as_array().unwrap().iter().filter_map(|i| i["title"].as_str()).collect();
    assert_eq!(titles, BTreeSet::from(["Fire Hydrants", "Water Network"]));
    // View -> source, form -> service, service -> CSV.
    for (origin, origin_type, kind, dest_type) in [("Parcels (public view)", "Feature Service", "Service2Service", "Feature Service"), ("Street Tree Survey", "Form", "Survey2Service", "Feature Service"), ("Bike Racks", "Feature Service", "Service2Data", "CSV")] {
        let o = items.iter().find(|i| i["title"] == origin && i["type"] == origin_type).unwrap();
        let rel = s.post(&format!("content/items/{}/relatedItems", o["id"].as_str().unwrap()), &[("relationshipTypes", kind), ("direction", "forward")]).await;
        assert_eq!(rel["total"], 1, "{origin} {kind}");
        assert_eq!(rel["relatedItems"][0]["type"], dest_type, "{origin} {kind}");
    }
    // Apps point at maps.
    let app = by_title(&items, "Water Operations Viewer");
    let app_data = s.get(&format!("content/items/{}/data", app["id"].as_str().unwrap()), &[]).await;
    assert_eq!(app_data["values"]["webmap"], map["id"]);
    let dash = by_title(&items, "Water Network Dashboard");
    let dash_data = s.get(&format!("content/items/{}/data", dash["id"].as_str().unwrap()), &[]).await;
    assert_eq!(dash_data["widgets"][0]["type"], "mapWidget");
    assert_eq!(dash_data["widgets"][0]["itemId"], map["id"]);
    assert_eq!(dash_data["widgets"][1]["datasets"][0]["dataSource"]["type"], "itemDataSource");
}

#[tokio::test]
async fn file_items_download_real_bytes() {
    let sb = support::demo().await;
    let items = items(&sb);
    let s = Session::admin(&sb).await;
    let mut checked = BTreeSet::new();
    for it in items.iter().filter(|i| i["sandbox"]["dataKind"] == "file" && i["size"].as_u64().unwrap() < 1_000_000) {
        let name = it["name"].as_str().unwrap();
        let ext = name.rsplit('.').next().unwrap().to_ascii_lowercase();
        let bytes = download(&s, it["id"].as_str().unwrap()).await.bytes().await.unwrap();
        match ext.as_str() {
            "pdf" => {
                assert!(bytes.starts_with(b"%PDF-"), "{name}");
                assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"), "{name}");
            }
            "xlsx" | "docx" | "zip" => assert!(bytes.starts_with(b"PK\x03\x04"), "{name}"),
            "png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}"),
            "csv" => assert!(std::str::from_utf8(&bytes).unwrap().lines().count() >= 2, "{name}"),
            "geojson" => assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap()["type"], "FeatureCollection"),
            other => panic!("unexpected file type {other} ({name})"),
        }
        checked.insert(ext);
    }
    assert_eq!(checked, BTreeSet::from(["csv", "docx", "geojson", "pdf", "png", "xlsx", "zip"].map(String::from)));
    // The zipped shapefile holds a .shp with file code 9994.
    let shp = by_title(&items, "Storm drain inlets");
    let zip_bytes = download(&s, shp["id"].as_str().unwrap()).await.bytes().await.unwrap();
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
    assert!(with_thumb * 10 >= items.len() * 8, "{with_thumb} thumbnails");
    let story = by_title(&items, "Riverton's Water Story");
    let id = story["id"].as_str().unwrap();
    let thumb = s.auth(s.http.get(format!("{}/content/items/{id}/info/{}", s.rest, story["thumbnail"].as_str().unwrap()))).send().await.unwrap();
    assert!(thumb.bytes().await.unwrap().starts_with(b"\x89PNG"));
    assert!(story["typeKeywords"].as_array().unwrap().iter().any(|k| k == "Metadata"));
    let meta = s.auth(s.http.get(format!("{}/content/items/{id}/info/metadata/metadata.xml", s.rest))).send().await.unwrap().text().await.unwrap();
    assert!(meta.contains("<metadata xml:lang=\"en\">") && meta.contains("<resTitle>Riverton&apos;s Water Story</resTitle>"), "{meta}");
    let with_meta = items.iter().filter(|i| i["sandbox"]["hasMetadata"] == true).count();
    assert!(with_meta >= 10, "{with_meta}");
    let list = s.get(&format!("content/items/{id}/resources"), &[]).await;
    let names: Vec<&str> = list["resources"].as_array().unwrap().iter().filter_map(|r| r["resource"].as_str()).collect();
    for n in ["draft.json", "images/photo-1.png", "images/gallery/a.png"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let nested = s.auth(s.http.get(format!("{}/content/items/{id}/resources/images/gallery/a.png", s.rest))).send().await.unwrap();
    assert!(nested.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let data = s.get(&format!("content/items/{id}/data"), &[]).await;
    let webmap = data["resources"].as_object().unwrap().values().find(|r| r["type"] == "webmap").unwrap();
    let map = s.get(&format!("content/items/{}", webmap["data"]["itemId"].as_str().unwrap()), &[]).await;
    assert_eq!(map["type"], "Web Map");
}

#[tokio::test]
async fn viewer_sees_group_items_but_not_private_ones() {
    let sb = support::demo().await;
    let items = items(&sb);
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let private = by_title(&items, "Draft - valve replacement plan");
    assert_eq!((private["owner"].as_str(), private["access"].as_str()), (Some("editor"), Some("private")));
    let v = viewer.get(&format!("content/items/{}", private["id"].as_str().unwrap()), &[]).await;
    assert!(v["error"]["message"].as_str().unwrap().contains("does not exist or is inaccessible"), "{v}");
    let shared = by_title(&items, "Fire Hydrant Inspections");
    assert_eq!(shared["access"], "shared");
    let ops = sb.snapshot()["groups"].as_array().unwrap().iter().find(|g| g["title"] == "Water Operations").unwrap()["id"].clone();
    assert!(shared["sandbox"]["groups"].as_array().unwrap().contains(&ops));
    let v = viewer.get(&format!("content/items/{}", shared["id"].as_str().unwrap()), &[]).await;
    assert_eq!(v["title"], "Fire Hydrant Inspections");
}

async fn generated(count: usize, seed: u64) -> SandboxHandle {
    support::with(SandboxConfig { dataset: Dataset::Generated { count, seed }, ..SandboxConfig::for_tests() }).await
}

#[tokio::test]
async fn generated_has_exactly_n_items_deterministically() {
    let a = generated(300, 5).await;
    let b = generated(300, 5).await;
    let ids = |sb: &SandboxHandle| items(sb).iter().map(|i| i["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (ia, ib) = (ids(&a), ids(&b));
    assert_eq!(ia.len(), 300);
    assert_eq!(ia, ib);
    assert_ne!(ia, ids(&generated(300, 6).await));
    let all = items(&a);
    let types: BTreeSet<&str> = all.iter().filter_map(|i| i["type"].as_str()).collect();
    assert!(types.len() >= 8, "{types:?}");
    assert!(all.iter().any(|i| i["contentStatus"] == "org_authoritative"));
    let snap = a.snapshot();
    let service_items = all.iter().filter(|i| i["type"] == "Feature Service").count();
    assert_eq!(snap["services"].as_array().unwrap().len(), service_items);
    // Created dates spread evenly over 2019-2025.
    let years: BTreeSet<i64> = all.iter().map(|i| 1970 + i["created"].as_i64().unwrap() / 31_557_600_000).collect();
    assert_eq!(years, (2019..=2025).collect());
    // The 512 MiB item streams from generated bytes.
    let big = all.iter().find(|i| i["size"].as_u64() == Some(512 * 1024 * 1024)).expect("the big item");
    let s = Session::admin(&a).await;
    let resp = download(&s, big["id"].as_str().unwrap()).await;
    assert_eq!(resp.content_length(), Some(512 * 1024 * 1024));
}
