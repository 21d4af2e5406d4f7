//! The service, map and app kinds of generated:N: small hosted feature services (one point layer
//! of 5-20 features), web maps over earlier services, apps and dashboards over earlier maps,
//! stories and experiences; plus the shared sample bytes and thumbnail designs. File kinds are in
//! `generated_files`. Each function returns the finished [`Item`]; `generated` inserts it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::demo_maps::{MAP_KEYWORDS, basemap};

use super::demo_services::{FULL, NO_SYNC, service_keywords};
use super::generated::Gen;
use super::shapefile::{DbfField, Shape};
use super::thumbs::{self, Glyph};
use super::{files, geo, guid, json_data, service_url, strings};
use crate::sandbox::model::{Content, Item, ItemData, Relationship};
use crate::sandbox::services::{Feature, Field, Layer, Service};

/// The thumbnail design of an item type.
pub fn glyph(kind: &str) -> Glyph {
    match kind {
        "Feature Service" | "Shapefile" | "GeoJson" => Glyph::Layer,
        "Web Map" => Glyph::Map,
        "CSV" | "Microsoft Excel" => Glyph::Table,
        "Image" => Glyph::Picture,
        "StoryMap" => Glyph::Story,
        "Dashboard" | "Web Mapping Application" | "Web Experience" => Glyph::App,
        _ => Glyph::Document,
    }
}

/// The thumbnail colour of a design.
pub fn color(g: Glyph) -> [u8; 3] {
    match g {
        Glyph::Layer => [22, 105, 160],
        Glyph::Map => [50, 130, 70],
        Glyph::Table => [200, 140, 30],
        Glyph::Picture => [90, 120, 60],
        Glyph::Story => [30, 60, 110],
        Glyph::App => [110, 70, 150],
        Glyph::Document => [80, 90, 110],
    }
}

/// Builds the sample bytes (and basemap JSON) shared by many items.
pub fn prepare_samples(g: &mut Gen) {
    g.basemaps = [basemap(false).to_string(), basemap(true).to_string()];
    g.samples
        .insert("png", Arc::new(thumbs::photo(0x5a3b, 160, 120)));
    let rows = vec![
        vec![files::text("Asset"), files::text("Value")],
        vec![files::text("A-1"), files::Cell::Number(12.5)],
    ];
    g.samples
        .insert("xlsx", Arc::new(files::xlsx(&[("Data", rows)])));
    let pts: Vec<Shape> = (0..5).map(|k| Shape::Point(geo::corner(k, k))).collect();
    let fields = [DbfField {
        name: "NAME",
        kind: b'C',
        len: 16,
        dec: 0,
    }];
    let rows: Vec<Vec<String>> = (0..5).map(|k| vec![format!("Point {k}")]).collect();
    g.samples.insert(
        "shp",
        Arc::new(super::shapefile::zipped(
            "points",
            &pts,
            &fields,
            &rows,
            (2024, 3, 1),
        )),
    );
}

/// A title for item `i` (about 1% of titles repeat).
pub fn title(g: &mut Gen, topic: &str, area: &str, what: &str, i: usize) -> String {
    // About 1% of titles repeat (every title is otherwise unique through its number).
    if g.rng.below(100) == 0 {
        return format!("{area} {topic} {what}");
    }
    format!("{area} {topic} {what} {i:05}")
}

/// `s` in lower case with every non-alphanumeric character replaced by `_`.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A hosted feature service with one point layer of 5-20 features.
pub fn feature_service(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Inventory", i);
    let mut it = g.base_item(i, &t, "Feature Service", created);
    let name = format!("{}_{i:05}", slug(&format!("{area} {topic}")));
    let mut layer = Layer {
        id: 0,
        name: topic.replace(' ', "_"),
        geometry_type: Some("esriGeometryPoint".into()),
        fields: vec![
            Field::new("OBJECTID", "esriFieldTypeOID"),
            Field::new("GlobalID", "esriFieldTypeGlobalID"),
            Field::new("NAME", "esriFieldTypeString"),
            Field::new("CATEGORY", "esriFieldTypeString"),
            Field::new("VALUE", "esriFieldTypeDouble"),
            Field::new("OBSERVED", "esriFieldTypeDate"),
        ],
        features: BTreeMap::new(),
        attachments: BTreeMap::new(),
        has_attachments: false,
        last_edit_date: it.modified,
        relationships: Vec::new(),
        view_filter: None,
    };
    let [x0, y0, x1, y1] = geo::EXTENT;
    for oid in 1..=(5 + g.rng.below(16) as i64) {
        let mut a = Map::with_capacity(6);
        a.insert("OBJECTID".into(), json!(oid));
        a.insert("GlobalID".into(), json!(guid(&mut g.rng)));
        a.insert("NAME".into(), json!(format!("{topic} {oid}")));
        a.insert("CATEGORY".into(), json!(g.rng.pick(&["A", "B", "C"])));
        a.insert(
            "VALUE".into(),
            json!((g.rng.range(0.0, 1000.0) * 100.0).round() / 100.0),
        );
        a.insert(
            "OBSERVED".into(),
            json!(created - g.rng.below(1000) as i64 * 86_400_000),
        );
        let p = [geo::r6(g.rng.range(x0, x1)), geo::r6(g.rng.range(y0, y1))];
        let mut xy = Map::with_capacity(2);
        xy.insert("x".into(), json!(p[0]));
        xy.insert("y".into(), json!(p[1]));
        layer.features.insert(
            oid,
            Feature {
                attributes: a,
                geometry: Some(Value::Object(xy)),
            },
        );
    }
    let capabilities = if g.rng.below(100) < 85 { FULL } else { NO_SYNC };
    let service = Service {
        name: name.clone(),
        item_id: it.id.clone(),
        layers: vec![layer],
        capabilities: capabilities.into(),
        max_record_count: if g.rng.below(2) == 0 { 1000 } else { 2000 },
        description: format!("Generated service {name}"),
        view_of: None,
    };
    it.type_keywords
        .splice(0..0, strings(&service_keywords(false, &[])));
    it.url = Some(service_url(&g.base, &name));
    it.extra.insert("name".into(), json!(name));
    g.services.push((it.id.clone(), name.clone()));
    g.st.services.insert(name, service);
    it
}

/// A web map over one to three earlier services (related by `Map2Service`).
pub fn web_map(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Map", i);
    let mut it = g.base_item(i, &t, "Web Map", created);
    // Written as text: the fastest way to make thousands of map documents.
    let mut used: Vec<String> = Vec::new();
    let mut ops = String::new();
    for _ in 0..1 + g.rng.below(3) {
        let recent = g.services.len().min(200);
        let k = g.services.len() - 1 - g.rng.below(recent as u64) as usize;
        let (sid, name) = &g.services[k];
        if used.contains(sid) {
            continue;
        }
        if !ops.is_empty() {
            ops.push(',');
        }
        let url = service_url(&g.base, name);
        ops.push_str(&format!("{{\"id\":\"{name}_0\",\"title\":\"{name}\",\"layerType\":\"ArcGISFeatureLayer\",\"url\":\"{url}/0\",\"itemId\":\"{sid}\",\"visibility\":true,\"opacity\":1}}"));
        used.push(sid.clone());
    }
    for sid in used {
        g.st.relationships.insert(Relationship {
            origin: it.id.clone(),
            dest: sid,
            kind: "Map2Service".into(),
        });
    }
    let basemap = &g.basemaps[usize::from(g.rng.below(3) == 0)];
    let doc = format!(
        "{{\"operationalLayers\":[{ops}],\"baseMap\":{basemap},\"spatialReference\":{{\"wkid\":102100,\"latestWkid\":3857}},\"authoringApp\":\"ArcGISMapViewer\",\"authoringAppVersion\":\"2024.3\",\"version\":\"2.31\"}}"
    );
    it.data = ItemData::Json(Arc::new(doc.into_bytes()));
    let mut kw = strings(&MAP_KEYWORDS);
    kw.push("Web Map".into());
    it.type_keywords.splice(0..0, kw);
    g.maps.push(it.id.clone());
    it
}

fn some_map(g: &mut Gen) -> String {
    let recent = g.maps.len().min(200);
    g.maps[g.maps.len() - 1 - g.rng.below(recent as u64) as usize].clone()
}

/// A dashboard (`dashboard`) or an Instant App over an earlier map.
pub fn app(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64, dashboard: bool) -> Item {
    let map = some_map(g);
    if dashboard {
        let t = title(g, topic, area, "Dashboard", i);
        let mut it = g.base_item(i, &t, "Dashboard", created);
        let mut widgets = vec![
            json!({"type": "mapWidget", "id": format!("map-{i}"), "itemId": map, "name": "Map"}),
        ];
        if let Some((sid, _)) = g.services.last().cloned() {
            widgets.push(json!({"type": "indicatorWidget", "id": format!("ind-{i}"), "name": "Count", "datasets": [{"type": "serviceDataset", "dataSource": {"type": "itemDataSource", "id": "ds0", "itemId": sid, "layerId": 0, "table": true}}]}));
        }
        it.data = json_data(
            &json!({"version": 27, "widgets": widgets, "headerPanel": {"type": "headerPanel", "title": t}}),
        );
        it.type_keywords
            .splice(0..0, strings(&["Dashboard", "Operations Dashboard"]));
        it.url = Some(format!("{}/portal/apps/dashboards/{}", g.base, it.id));
        return it;
    }
    let t = title(g, topic, area, "Viewer", i);
    let mut it = g.base_item(i, &t, "Web Mapping Application", created);
    it.data = json_data(&json!({"values": {"webmap": map, "title": t}}));
    it.type_keywords.splice(
        0..0,
        strings(&[
            "configurableApp",
            "Instant Apps",
            "JavaScript",
            "Map",
            "Mapping Site",
            "Online Map",
            "Ready To Use",
            "Web Map",
        ]),
    );
    it.url = Some(format!(
        "{}/portal/apps/instant/basic/index.html?appid={}",
        g.base, it.id
    ));
    it
}

/// A StoryMap (with a `draft.json` resource) or a Web Experience over an earlier map.
pub fn story_or_experience(
    g: &mut Gen,
    i: usize,
    topic: &str,
    area: &str,
    created: i64,
    story: bool,
) -> Item {
    let map = some_map(g);
    if story {
        let t = title(g, topic, area, "Story", i);
        let mut it = g.base_item(i, &t, "StoryMap", created);
        let doc = json!({"root": "n-1", "nodes": {"n-1": {"type": "story", "children": ["n-2"]}, "n-2": {"type": "webmap", "data": {"map": format!("r-{map}")}}}, "resources": {format!("r-{map}"): {"type": "webmap", "data": {"itemId": map, "itemType": "Web Map", "type": "default"}}}});
        let bytes = serde_json::to_vec(&doc).unwrap_or_default();
        it.data = ItemData::Json(Arc::new(bytes.clone()));
        it.resources.insert(
            "draft.json".into(),
            crate::sandbox::model::Resource {
                content: Content::bytes(bytes),
                created,
                access: "inherit".into(),
                properties: None,
            },
        );
        it.type_keywords.splice(
            0..0,
            strings(&[
                "arcgis-storymaps",
                "smdraftresourceid:draft.json",
                "smstatuspublished",
                "StoryMap",
                "Web Application",
            ]),
        );
        it.url = Some(format!(
            "{}/portal/apps/storymaps/stories/{}",
            g.base, it.id
        ));
        return it;
    }
    let t = title(g, topic, area, "Experience", i);
    let mut it = g.base_item(i, &t, "Web Experience", created);
    it.data = json_data(
        &json!({"dataSources": {"dataSource_1": {"id": "dataSource_1", "type": "WEB_MAP", "itemId": map}}, "exbVersion": "1.14.0"}),
    );
    it.type_keywords.splice(
        0..0,
        strings(&[
            "EXB Experience",
            "JavaScript",
            "Ready To Use",
            "Web Application",
            "Web Experience",
        ]),
    );
    it.url = Some(format!(
        "{}/portal/apps/experiencebuilder/experience/?id={}",
        g.base, it.id
    ));
    it
}
