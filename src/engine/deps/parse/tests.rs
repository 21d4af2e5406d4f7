//! Parser tests on documents shaped like real ones: trimmed from the captures in
//! `shared/real-responses/data/` (the ROW Permit web map, web app and dashboard, the Cherry
//! Blossoms StoryMap, an Experience Builder app) and from the builders' published formats.

use serde_json::json;

use super::*;

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const SERVICE: &str = "dbca451a5e1546998137bb0a09d94240";
const TOPO: &str = "7dc6cea0b1764a1f9af2e679f642f0f5";
const MAP: &str = "164831217e154849a731573e1855cb1a";

fn row_permit_map() -> Value {
    json!({
        "operationalLayers": [{
            "id": "ROWPermitApplication_4605", "layerType": "ArcGISFeatureLayer",
            "url": "https://services123.arcgis.com/myOrg123/arcgis/rest/services/ROWPermits_publiccomment/FeatureServer/0",
            "visibility": true, "opacity": 1, "title": "ROW Permits", "itemId": SERVICE,
            "popupInfo": {"title": "Permit {permitid}", "description": "<a href=\"https://www.arcgis.com/home/item.html?id=9c0a6c2fb4b24cc2a9bbc4f1e0d3e8a7\">info</a>"}
        }],
        "baseMap": {"baseMapLayers": [
            {"id": "World_Hillshade_3689", "layerType": "ArcGISTiledMapServiceLayer", "url": "http://services.arcgisonline.com/arcgis/rest/services/Elevation/World_Hillshade/MapServer", "visibility": true, "opacity": 1, "title": "World Hillshade"},
            {"id": "VectorTile_6451", "type": "VectorTileLayer", "layerType": "VectorTileLayer", "title": "World Topographic Map",
             "styleUrl": format!("https://www.arcgis.com/sharing/rest/content/items/{TOPO}/resources/styles/root.json"), "itemId": TOPO, "visibility": true, "opacity": 1}
        ], "title": "Topographic"},
        "spatialReference": {"wkid": 102_100, "latestWkid": 3857},
        "authoringApp": "WebMapViewer", "authoringAppVersion": "6.2", "version": "2.11",
        "tables": [{"url": "https://services123.arcgis.com/myOrg123/arcgis/rest/services/ROWPermits_publiccomment/FeatureServer/1",
                    "id": "ROWPermitApplication_4404", "title": "ROW Permit Comment", "itemId": SERVICE}],
        "applicationProperties": {"viewing": {"routing": {"enabled": true}}}
    })
}

#[test]
fn web_map_layers_tables_basemap_and_ids_in_json() {
    let got = data_references("Web Map", &row_permit_map());
    assert_eq!(
        got,
        ids(&[SERVICE, TOPO]),
        "the item link in a popup is a URL: cut"
    );
}

#[test]
fn web_map_group_layers_and_layer_ids() {
    let layer_id = "5f4d8a1c2b3e4d5f8a6b7c8d9e0f1a2b";
    let data = json!({
        "operationalLayers": [{
            "id": "group_1", "layerType": "GroupLayer", "title": "Network",
            "layers": [
                {"id": layer_id, "layerType": "ArcGISFeatureLayer", "itemId": "0a1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d", "url": "https://h/arcgis/rest/services/Mains/FeatureServer/0"},
                {"id": "g2", "layerType": "GroupLayer", "layers": [{"id": "deep", "itemId": "1a1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d"}]},
                {"id": "byurl", "layerType": "ArcGISFeatureLayer", "url": "https://h/arcgis/rest/services/Valves/FeatureServer/3?token=x"}
            ]
        }],
        "baseMap": {"baseMapLayers": []}
    });
    let got = data_references("Web Scene", &data);
    assert_eq!(
        got,
        ids(&[
            "0a1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d",
            "1a1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d"
        ]),
        "a layer id that looks like an item id is skipped"
    );
    assert_eq!(
        service_urls("Web Map", &data),
        ids(&["h/arcgis/rest/services/valves/featureserver"])
    );
    assert!(service_urls("Dashboard", &data).is_empty());
}

#[test]
fn dashboard_widgets_datasets_and_arcade() {
    let data = json!({
        "version": 24,
        "headerPanel": {"type": "headerPanel", "title": "ROW Permits"},
        "widgets": [
            {"itemId": "1fb7fe5da4924b9aa608b08f865031e4", "type": "mapWidget", "id": "1200f3f1-8f72-4ea6-af16-14f19e9a4517", "name": "ROW Permit Map",
             "layers": [{"type": "featureLayerDataSource", "layerId": "ROWPermitApplication_4605"}]},
            {"type": "indicatorWidget", "id": "3e796f16-722b-437f-89a4-e3787e105b24", "name": "Count",
             "datasets": [{"type": "serviceDataset", "dataSource": {"type": "itemDataSource", "id": "ds0", "itemId": SERVICE, "layerId": 0}}]}
        ],
        "desktopView": {"widgets": [
            {"type": "listWidget", "id": "0f994268-e553-4d11-b8d1-afecf0818841",
             "datasets": [{"type": "serviceDataset", "dataSource": {"type": "arcadeDataSource", "id": "ds1",
                "script": "var p = Portal('https://www.arcgis.com');\nreturn FeatureSetByPortalItem(p,'6e0d4b1fa2c34f0b9d5e2c7a8b9c0d1e',0);"}}]}
        ]}
    });
    assert_eq!(
        data_references("Dashboard", &data),
        ids(&[
            "1fb7fe5da4924b9aa608b08f865031e4",
            SERVICE,
            "6e0d4b1fa2c34f0b9d5e2c7a8b9c0d1e"
        ])
    );
}

#[test]
fn dashboard_synthetic_map_id_still_counts_when_explicit() {
    let data =
        json!({"widgets": [{"type": "mapWidget", "itemId": "d45b0a2d000000000000000000000001"}]});
    assert_eq!(
        data_references("Dashboard", &data),
        ids(&["d45b0a2d000000000000000000000001"])
    );
}

#[test]
fn web_mapping_application_webmap_map_and_data_sources() {
    let instant = json!({
        "source": "bb3fcf7c3d804271bfd7ac6f48290fcf",
        "folderId": "6046cfcbf84840eea9d8d04958a13790",
        "values": {"webmap": MAP, "title": "ROW Permit Public Comment", "titleIcon": "images/banner.png",
                   "featureLayer": {"id": "ROWPermitApplication_4605"}}
    });
    assert_eq!(
        data_references("Web Mapping Application", &instant),
        ids(&[MAP, "bb3fcf7c3d804271bfd7ac6f48290fcf"]),
        "the template (source) counts, the folder does not"
    );
    let wab = json!({
        "map": {"itemId": "4f0a9b8c7d6e4f5a9b8c7d6e5f4a3b2c", "mapOptions": {}},
        "dataSource": {"dataSources": {"frameWork_1": {"itemId": "5f0a9b8c7d6e4f5a9b8c7d6e5f4a3b2c", "type": "Features"}}},
        "appId": "widgets_Edit_Widget_18"
    });
    assert_eq!(
        data_references("Web Mapping Application", &wab),
        ids(&[
            "4f0a9b8c7d6e4f5a9b8c7d6e5f4a3b2c",
            "5f0a9b8c7d6e4f5a9b8c7d6e5f4a3b2c"
        ])
    );
}

#[test]
fn experience_data_sources_survey_and_service_source_names() {
    let svc = "2a3b4c5d6e7f4a8b9c0d1e2f3a4b5c6d";
    let data = json!({
        "widgets": {
            "widget_1": {"id": "widget_1", "uri": "widgets/arcgis/arcgis-map/", "config": {}},
            "widget_9": {"id": "widget_9", "uri": "widgets/survey123/", "config": {"surveyItemId": "3a3b4c5d6e7f4a8b9c0d1e2f3a4b5c6d"}}
        },
        "dataSources": {
            "dataSource_1": {"type": "WEB_MAP", "itemId": "8644de121e434a368a6221c0498e4e47", "id": "dataSource_1", "label": "Museums in DC", "portalUrl": "https://dc.mapsqa.arcgis.com"},
            format!("dataSource_2-service_{svc}_1"): {"type": "FEATURE_LAYER", "url": "https://h/rest/services/X/FeatureServer/0"}
        }
    });
    assert_eq!(
        data_references("Web Experience", &data),
        ids(&[
            "8644de121e434a368a6221c0498e4e47",
            "3a3b4c5d6e7f4a8b9c0d1e2f3a4b5c6d"
        ])
    );
}

#[test]
fn story_map_webmaps_theme_and_keys() {
    let data = json!({
        "root": "n-abc",
        "nodes": {"n-map": {"type": "webmap", "data": {"map": "r-7cde2828cb7042e39930412313935372"}}},
        "resources": {
            "r-g5lLgB": {"type": "expressmap", "data": {"itemId": "expressmap_1585766802431.json"}},
            "r-7cde2828cb7042e39930412313935372": {"type": "webmap", "data": {"itemId": "7cde2828cb7042e39930412313935372", "itemType": "Web Map"}},
            "r-theme": {"type": "story-theme", "data": {"themeId": "slate", "themeItemId": "4b5c6d7e8f9a4b0c8d1e2f3a4b5c6d7e"}},
            "r-img": {"type": "image", "data": {"resourceId": "1585762887076.jpeg", "provider": "item-resource"}}
        }
    });
    assert_eq!(
        data_references("StoryMap", &data),
        ids(&[
            "7cde2828cb7042e39930412313935372",
            "4b5c6d7e8f9a4b0c8d1e2f3a4b5c6d7e"
        ])
    );
}

#[test]
fn hub_cards_published_and_draft_wrapper() {
    let site = json!({"values": {
        "title": "Open Data",
        "catalog": {"groups": ["5c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"]},
        "layout": {"sections": [{"rows": [{"cards": [
            {"component": {"name": "webmap-card", "settings": {"webmap": "6c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f", "webscene": ""}}},
            {"component": {"name": "app-card", "settings": {"itemId": "7c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"}}},
            {"component": {"name": "survey-card", "settings": {"surveyId": "8c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"}}},
            {"component": {"name": "markdown-card", "settings": {"markdown": "<p>Hi</p>"}}}
        ]}]}]}
    }});
    let want = ids(&[
        "6c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f",
        "7c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f",
        "8c6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f",
    ]);
    assert_eq!(
        data_references("Hub Site Application", &site),
        want,
        "group ids are not items"
    );
    let draft =
        json!({"timestamp": 1_700_000_000_000_i64, "item": {"title": "Open Data"}, "data": site});
    assert_eq!(data_references("Hub Page", &draft), want);
    assert_eq!(data_references("Site Page", &site), want);
}

#[test]
fn quick_capture_and_web_tool() {
    let qc = json!({
        "basemap": {"type": "WebMap", "itemId": "9d6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"},
        "dataSources": [{"dataSourceId": "0", "featureServiceItemId": "ad6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f", "url": "https://h/FeatureServer/0"}],
        "itemId": "bd6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"
    });
    assert_eq!(
        data_references("QuickCapture Project", &qc),
        ids(&[
            "9d6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f",
            "ad6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f",
            "bd6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"
        ])
    );
    let tool = json!({"jsonProperties": {"notebookId": "cd6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f", "tasks": [{"x": "dd6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"}]}});
    assert_eq!(
        data_references("Geoprocessing Service", &tool),
        ids(&["cd6d7e8f9a0b4c1d8e2f3a4b5c6d7e8f"]),
        "web tools name their notebook only"
    );
}

#[test]
fn other_types_and_odd_documents_give_nothing() {
    let noisy = json!({"layers": [{"id": 0, "x": SERVICE}]});
    assert!(data_references("Feature Service", &noisy).is_empty());
    assert!(data_references("PDF", &noisy).is_empty());
    for odd in [
        json!(null),
        json!(""),
        json!([1, 2]),
        json!({"operationalLayers": "x"}),
    ] {
        assert!(data_references("Web Map", &odd).is_empty(), "{odd}");
        assert!(data_references("Dashboard", &odd).is_empty(), "{odd}");
        assert!(data_references("Hub Page", &odd).is_empty(), "{odd}");
    }
}

#[test]
fn service_roots() {
    let cases = [
        (
            "https://services123.arcgis.com/org/arcgis/rest/services/ROW/FeatureServer/0",
            Some("services123.arcgis.com/org/arcgis/rest/services/row/featureserver"),
        ),
        (
            "HTTP://h/arcgis/rest/services/A/MapServer?f=json",
            Some("h/arcgis/rest/services/a/mapserver"),
        ),
        (
            "//h/rest/services/S/SceneServer/layers/0",
            Some("h/rest/services/s/sceneserver"),
        ),
        (
            "https://h/rest/services/O/OGCFeatureServer/collections/0",
            Some("h/rest/services/o/ogcfeatureserver"),
        ),
        (
            "https://h/rest/services/FeatureServerX/MapServer",
            Some("h/rest/services/featureserverx/mapserver"),
        ),
        ("https://h/data.geojson", None),
        ("not a url /FeatureServer", None),
    ];
    for (url, want) in cases {
        assert_eq!(service_root(url).as_deref(), want, "{url}");
    }
}
