//! The sandbox's datasets: the demo organisation (every kind of item, relationships, sharing);
//! file bytes, thumbnails and resources in `files`; generated:N in `generated`.

mod files;
mod generated;

use std::collections::BTreeSet;

use agol_backup::sandbox::SandboxHandle;
use serde_json::Value;

use crate::support::{self, Session};

/// The items of the sandbox's snapshot.
pub fn items(sb: &SandboxHandle) -> Vec<Value> {
    sb.snapshot()["items"].as_array().expect("items").clone()
}

/// The item titled `title`.
pub fn by_title<'a>(items: &'a [Value], title: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("no item titled {title:?}"))
}

/// GET `/data`, expect a 302, follow it to the blob origin without the auth header.
pub async fn download(s: &Session, id: &str) -> reqwest::Response {
    let resp = s
        .auth(s.http.get(format!("{}/content/items/{id}/data", s.rest)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302, "{id}");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let refused = s.auth(s.http.get(&location)).send().await.unwrap();
    assert_eq!(
        refused.status(),
        400,
        "the blob refuses requests with the auth header"
    );
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
    for t in [
        "Feature Service",
        "Web Map",
        "Web Mapping Application",
        "Dashboard",
        "Web Experience",
        "StoryMap",
        "Form",
        "PDF",
        "CSV",
        "Microsoft Excel",
        "Image",
        "Shapefile",
        "Notebook",
        "GeoJson",
        "Microsoft Word",
        "Document Link",
        "Map Service",
        "Feature Collection",
    ] {
        assert!(types.contains(t), "missing {t}: {types:?}");
    }
    assert_eq!(snap["org"]["id"], "SbxRivertonOrg01");
    assert_eq!(
        snap["users"],
        serde_json::json!(["admin", "editor", "viewer"])
    );
    let statuses: Vec<&str> = items
        .iter()
        .filter_map(|i| i["contentStatus"].as_str())
        .collect();
    for s in ["org_authoritative", "public_authoritative", "deprecated"] {
        assert!(statuses.contains(&s), "{s}");
    }
    for i in items
        .iter()
        .filter(|i| i["contentStatus"] == "public_authoritative")
    {
        assert_eq!(i["access"], "public", "{}", i["title"]);
        assert_eq!(i["protected"], true);
    }
    // Loose mentions of "authoritative" without a status.
    for t in ["Authoritative data policy", "Non-authoritative sketch"] {
        assert!(by_title(&items, t).get("contentStatus").is_none(), "{t}");
    }
    // Awkward titles.
    for t in [
        "CON",
        "aux.",
        "Trailing dots...  ",
        "Pipes: \"Main\" <2024>/Q1?*|",
        "Zürich Wasserqualität — 水質報告",
        "Main  Street  Corridor  Study",
    ] {
        by_title(&items, t);
    }
    assert!(items.iter().any(|i| {
        i["title"]
            .as_str()
            .is_some_and(|t| t.chars().count() == 250)
    }));
    assert!(items.iter().any(|i| {
        i["title"]
            .as_str()
            .is_some_and(|t| t.chars().any(|c| ('\u{5d0}'..='\u{5ea}').contains(&c)))
    }));
    let hydrants: Vec<&Value> = items
        .iter()
        .filter(|i| i["title"] == "Fire Hydrants")
        .collect();
    assert_eq!(hydrants.len(), 2);
    assert_ne!(hydrants[0]["type"], hydrants[1]["type"]);
    // Every access level.
    let access: BTreeSet<&str> = items.iter().filter_map(|i| i["access"].as_str()).collect();
    assert_eq!(
        access,
        BTreeSet::from(["org", "private", "public", "shared"])
    );
    // Hosted services and their features.
    let services = snap["services"].as_array().unwrap();
    let layer_count = |svc: &str, layer: &str| -> u64 {
        let s = services
            .iter()
            .find(|s| s["name"] == svc)
            .unwrap_or_else(|| panic!("{svc}"));
        s["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == layer)
            .unwrap()["features"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(layer_count("Fire_Hydrants", "Hydrants"), 300);
    assert_eq!(layer_count("Water_Network", "Water Mains"), 200);
    assert_eq!(layer_count("Water_Network", "Valve Inspections"), 300);
    assert_eq!(layer_count("Parcels", "Parcels"), 150);
    let hydrant_layer = &services
        .iter()
        .find(|s| s["name"] == "Fire_Hydrants")
        .unwrap()["layers"][0];
    assert!(hydrant_layer["attachments"].as_u64().unwrap() >= 40);
    let view = services
        .iter()
        .find(|s| s["name"] == "Parcels_public_view")
        .unwrap();
    assert_eq!(view["viewOf"], "Parcels");
    let total: u64 = services
        .iter()
        .flat_map(|s| s["layers"].as_array().unwrap())
        .map(|l| l["features"].as_u64().unwrap())
        .sum();
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
    let group = ops
        .iter()
        .find(|l| l["layerType"] == "GroupLayer")
        .expect("a group layer");
    assert_eq!(group["layers"].as_array().unwrap().len(), 3);
    assert!(data["tables"][0]["itemId"].is_string());
    let basemap_id = data["baseMap"]["baseMapLayers"][1]["itemId"]
        .as_str()
        .unwrap();
    let outside = s.get(&format!("content/items/{basemap_id}"), &[]).await;
    assert!(
        outside["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist or is inaccessible")
    );
    // Every layer URL points at a hosted service of this sandbox whose item exists.
    let layer_item = s
        .get(
            &format!(
                "content/items/{}",
                group["layers"][0]["itemId"].as_str().unwrap()
            ),
            &[],
        )
        .await;
    assert_eq!(layer_item["type"], "Feature Service");
    assert!(
        layer_item["url"]
            .as_str()
            .unwrap()
            .ends_with("/server/rest/services/Hosted/Water_Network/FeatureServer")
    );
    assert!(
        group["layers"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with(layer_item["url"].as_str().unwrap())
    );
    let rel = s
        .post(
            &format!("content/items/{id}/relatedItems"),
            &[
                ("relationshipTypes", "Map2Service"),
                ("direction", "forward"),
            ],
        )
        .await;
    let titles: BTreeSet<&str> = rel["relatedItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert_eq!(titles, BTreeSet::from(["Fire Hydrants", "Water Network"]));
    // View -> source, form -> service, service -> CSV.
    for (origin, origin_type, kind, dest_type) in [
        (
            "Parcels (public view)",
            "Feature Service",
            "Service2Service",
            "Feature Service",
        ),
        (
            "Street Tree Survey",
            "Form",
            "Survey2Service",
            "Feature Service",
        ),
        ("Bike Racks", "Feature Service", "Service2Data", "CSV"),
    ] {
        let o = items
            .iter()
            .find(|i| i["title"] == origin && i["type"] == origin_type)
            .unwrap();
        let rel = s
            .post(
                &format!("content/items/{}/relatedItems", o["id"].as_str().unwrap()),
                &[("relationshipTypes", kind), ("direction", "forward")],
            )
            .await;
        assert_eq!(rel["total"], 1, "{origin} {kind}");
        assert_eq!(rel["relatedItems"][0]["type"], dest_type, "{origin} {kind}");
    }
    // Apps point at maps.
    let app = by_title(&items, "Water Operations Viewer");
    let app_data = s
        .get(
            &format!("content/items/{}/data", app["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(app_data["values"]["webmap"], map["id"]);
    let dash = by_title(&items, "Water Network Dashboard");
    let dash_data = s
        .get(
            &format!("content/items/{}/data", dash["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(dash_data["widgets"][0]["type"], "mapWidget");
    assert_eq!(dash_data["widgets"][0]["itemId"], map["id"]);
    assert_eq!(
        dash_data["widgets"][1]["datasets"][0]["dataSource"]["type"],
        "itemDataSource"
    );
}
#[tokio::test]
async fn viewer_sees_group_items_but_not_private_ones() {
    let sb = support::demo().await;
    let items = items(&sb);
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let private = by_title(&items, "Draft - valve replacement plan");
    assert_eq!(
        (private["owner"].as_str(), private["access"].as_str()),
        (Some("editor"), Some("private"))
    );
    let v = viewer
        .get(
            &format!("content/items/{}", private["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist or is inaccessible"),
        "{v}"
    );
    let shared = by_title(&items, "Fire Hydrant Inspections");
    assert_eq!(shared["access"], "shared");
    let ops = sb.snapshot()["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Water Operations")
        .unwrap()["id"]
        .clone();
    assert!(
        shared["sandbox"]["groups"]
            .as_array()
            .unwrap()
            .contains(&ops)
    );
    let v = viewer
        .get(
            &format!("content/items/{}", shared["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(v["title"], "Fire Hydrant Inspections");
}
