//! The demo's web maps: operational layers pointing at the hosted layers (a group layer, tables),
//! Esri basemaps from outside the org (their item ids do not exist here), and a `Map2Service`
//! relationship to every service a map uses. Shapes follow real Map Viewer documents.

use serde_json::{Value, json};

use super::demo::{AMBER, Access, BLUE, CREDITS, Demo, GREEN, Grp, RED, SLATE, Spec, id};
use super::demo_services::popup;
use super::thumbs::Glyph;
use super::{fnv, geo, json_data, service_url, ts};

/// Type keywords of a web map saved by the Map Viewer.
pub const MAP_KEYWORDS: [&str; 7] = [
    "ArcGIS API for JavaScript",
    "ArcGIS Online",
    "Collector",
    "Data Editing",
    "Explorer Web Map",
    "Map",
    "Online Map",
];

/// Esri's World Topographic Map (vector) basemap item, not in this org.
pub const TOPO_ITEM: &str = "7dc6cea0b1764a1f9af2e679f642f0f5";
/// Esri's World Imagery basemap item, not in this org.
pub const IMAGERY_ITEM: &str = "10df2279f9684e4a9f6a7f08febac2a9";

/// A basemap: `imagery` or the topographic one.
pub fn basemap(imagery: bool) -> Value {
    if imagery {
        return json!({"baseMapLayers": [{"id": "World_Imagery_2017", "layerType": "ArcGISTiledMapServiceLayer", "url": "https://services.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer", "itemId": IMAGERY_ITEM, "visibility": true, "opacity": 1, "title": "World Imagery"}], "title": "Imagery"});
    }
    json!({"baseMapLayers": [
        {"id": "World_Hillshade_3805", "layerType": "ArcGISTiledMapServiceLayer", "url": "https://services.arcgisonline.com/arcgis/rest/services/Elevation/World_Hillshade/MapServer", "visibility": true, "opacity": 1, "title": "World Hillshade"},
        {"id": "VectorTile_2333", "type": "VectorTileLayer", "layerType": "VectorTileLayer", "title": "World Topographic Map", "styleUrl": format!("https://www.arcgis.com/sharing/rest/content/items/{TOPO_ITEM}/resources/styles/root.json"), "itemId": TOPO_ITEM, "visibility": true, "opacity": 1}
    ], "title": "Topographic"})
}

/// An operational layer (or, with `table`, a table) for layer `lid` of the service of item `key`.
pub fn layer_ref(d: &Demo, key: &str, service: &str, lid: u32, table: bool) -> Value {
    let svc = d.st.services.get(service);
    let layer = svc.and_then(|s| s.layer(lid));
    let title = layer.map_or(service, |l| l.name.as_str());
    let title = if title == "survey" {
        "Street Trees"
    } else {
        title
    };
    let suffix = fnv(&format!("{service}/{lid}")) % 10_000;
    let mut v = json!({
        "id": format!("{service}_{lid}_{suffix}"),
        "title": title.replace('_', " "),
        "url": format!("{}/{lid}", service_url(&d.base, service)),
        "itemId": id(key),
    });
    if !table {
        v["layerType"] = json!("ArcGISFeatureLayer");
        v["visibility"] = json!(true);
        v["opacity"] = json!(1);
    } else {
        v["layerDefinition"] = json!({});
    }
    if let Some(l) = layer {
        v["popupInfo"] = popup(
            l,
            &format!(
                "{{{}}}",
                l.fields.get(2).map_or("OBJECTID", |f| f.name.as_str())
            ),
        )["popupInfo"]
            .clone();
    }
    v
}

/// A complete web map document.
pub fn web_map(operational: Vec<Value>, tables: Vec<Value>, imagery: bool) -> Value {
    json!({
        "operationalLayers": operational,
        "tables": tables,
        "baseMap": basemap(imagery),
        "spatialReference": {"wkid": 102_100, "latestWkid": 3857},
        "authoringApp": "ArcGISMapViewer",
        "authoringAppVersion": "2024.3",
        "version": "2.31",
        "initialState": {"viewpoint": {"targetGeometry": geo::mercator_extent()}},
        "applicationProperties": {"viewing": {"search": {"enabled": true, "disablePlaceFinder": false, "hintText": "Place or Address", "layers": []}}},
    })
}

/// Adds `spec` as a web map with `doc`, related by `Map2Service` to the `services` item keys.
pub fn add_map(d: &mut Demo, spec: &Spec, doc: &Value, services: &[&str]) {
    let mut kw: Vec<&str> = MAP_KEYWORDS.to_vec();
    kw.extend_from_slice(spec.keywords);
    kw.push("Web Map");
    let spec = Spec {
        kind: "Web Map",
        keywords: &kw,
        spatial: true,
        ..spec.clone()
    };
    d.add(&spec, json_data(doc), None);
    for s in services {
        d.relate(spec.key, s, "Map2Service");
    }
}

/// Adds every demo web map.
pub fn add(d: &mut Demo) {
    water_ops(d);
    public_maps(d);
    editor_maps(d);
    archive_maps(d);
}

fn water_ops(d: &mut Demo) {
    let group = json!({"id": "Distribution_4821", "title": "Distribution System", "layerType": "GroupLayer", "visibility": true, "opacity": 1,
        "layers": [layer_ref(d, "water-network", "Water_Network", 2, false), layer_ref(d, "water-network", "Water_Network", 0, false), layer_ref(d, "water-network", "Water_Network", 1, false)]});
    let doc = web_map(
        vec![
            group,
            layer_ref(d, "fire-hydrants", "Fire_Hydrants", 0, false),
        ],
        vec![layer_ref(d, "water-network", "Water_Network", 3, true)],
        false,
    );
    let spec = Spec {
        key: "water-ops-map",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Water Network Operations",
        tags: &["water", "operations", "valves", "hydrants"],
        created: ts(2019, 5, 2, 13, 15),
        modified: ts(2024, 8, 12, 9, 40),
        snippet: "The operations map of the distribution system, used by crews and the dashboard.",
        description: "<p>Mains, valves and pressure zones grouped as <i>Distribution System</i>, hydrants on top and the valve inspection table.</p>",
        credits: CREDITS,
        access: Access::Org,
        groups: &[Grp::Ops],
        status: Some("org_authoritative"),
        thumb: Some((Glyph::Map, BLUE)),
        metadata: true,
        ..Spec::default()
    };
    add_map(d, &spec, &doc, &["water-network", "fire-hydrants"]);
    let doc = web_map(
        vec![
            layer_ref(d, "water-network", "Water_Network", 2, false),
            layer_ref(d, "fire-hydrants", "Fire_Hydrants", 0, false),
        ],
        vec![],
        true,
    );
    let spec = Spec {
        key: "hydrant-inspections-map",
        folder: None,
        title: "Fire Hydrant Inspections",
        tags: &["hydrants", "inspections"],
        created: ts(2020, 3, 9, 8, 5),
        modified: ts(2024, 4, 30, 14, 0),
        snippet: "Hydrants by status over imagery, for the annual inspection round.",
        description: "<p>Symbolised by <b>STATUS</b>; pressure zones for routing crews.</p>",
        access: Access::Private,
        status: None,
        thumb: Some((Glyph::Map, RED)),
        metadata: false,
        ..spec
    };
    add_map(d, &spec, &doc, &["fire-hydrants", "water-network"]);
    let doc = web_map(
        vec![layer_ref(d, "water-network", "Water_Network", 2, false)],
        vec![],
        false,
    );
    let spec = Spec {
        key: "pressure-zones-map",
        title: "Pressure Zones Overview",
        tags: &["pressure zones", "hydraulics"],
        created: ts(2021, 9, 14, 10, 30),
        modified: ts(2023, 1, 10, 11, 0),
        snippet: "The twenty pressure zones and their hydraulic grade lines.",
        description: "<p>Zones coloured by supply source.</p>",
        thumb: Some((Glyph::Map, BLUE)),
        ..spec
    };
    add_map(d, &spec, &doc, &["water-network"]);
}

fn public_maps(d: &mut Demo) {
    let doc = web_map(
        vec![layer_ref(
            d,
            "parcels-public-view",
            "Parcels_public_view",
            0,
            false,
        )],
        vec![],
        false,
    );
    let spec = Spec {
        key: "parcels-public-map",
        owner: "admin",
        folder: Some("Planning"),
        title: "Riverton Parcel Viewer",
        tags: &["parcels", "zoning", "public"],
        created: ts(2020, 1, 23, 10, 0),
        modified: ts(2024, 2, 5, 12, 30),
        snippet: "Look up a parcel's zoning and assessed value.",
        description: "<p>Uses the public view of the parcels layer.</p>",
        credits: CREDITS,
        access: Access::Public,
        groups: &[Grp::Showcase],
        thumb: Some((Glyph::Map, AMBER)),
        metadata: true,
        ..Spec::default()
    };
    add_map(d, &spec, &doc, &["parcels-public-view"]);
    let doc = web_map(
        vec![layer_ref(d, "bike-racks", "Bike_Racks", 0, false)],
        vec![],
        false,
    );
    let spec = Spec {
        key: "bike-racks-map",
        owner: "editor",
        folder: None,
        title: "Bike Parking Downtown",
        tags: &["bike", "parking", "downtown"],
        created: ts(2021, 6, 4, 9, 0),
        modified: ts(2023, 10, 2, 15, 30),
        snippet: "Where to park your bike downtown.",
        description: "<p>Bike racks and corrals, with capacity.</p>",
        thumb: Some((Glyph::Map, GREEN)),
        metadata: false,
        ..spec
    };
    add_map(d, &spec, &doc, &["bike-racks"]);
    let doc = web_map(
        vec![
            layer_ref(d, "parcels", "Parcels", 0, false),
            layer_ref(d, "bike-racks", "Bike_Racks", 0, false),
        ],
        vec![],
        true,
    );
    let spec = Spec {
        key: "corridor-map",
        owner: "admin",
        folder: Some("Planning"),
        title: "Main  Street  Corridor  Study",
        tags: &["planning", "corridor", "Main St"],
        created: ts(2022, 3, 15, 16, 20),
        modified: ts(2022, 11, 1, 10, 0),
        snippet: "Parcels and bike parking along the Main Street corridor.",
        description: "<p>Working map of the 2022 corridor study.</p>",
        access: Access::Org,
        groups: &[Grp::Planning],
        thumb: Some((Glyph::Map, AMBER)),
        ..spec
    };
    add_map(d, &spec, &doc, &["parcels", "bike-racks"]);
}

fn editor_maps(d: &mut Demo) {
    let doc = web_map(
        vec![layer_ref(d, "street-trees", "Street_Tree_Survey", 0, false)],
        vec![],
        true,
    );
    let spec = Spec {
        key: "street-trees-map",
        owner: "editor",
        folder: Some("Field Apps"),
        title: "Street Tree Survey Results",
        tags: &["trees", "urban forestry"],
        created: ts(2023, 5, 3, 11, 0),
        modified: ts(2024, 9, 30, 18, 30),
        snippet: "Survey responses by condition.",
        description: "<p>Not yet authoritative: responses are pending QA review by the city arborist.</p>",
        credits: CREDITS,
        access: Access::Private,
        groups: &[Grp::Ops],
        thumb: Some((Glyph::Map, GREEN)),
        ..Spec::default()
    };
    add_map(d, &spec, &doc, &["street-trees"]);
    let doc = web_map(
        vec![layer_ref(d, "water-network", "Water_Network", 0, false)],
        vec![],
        false,
    );
    let spec = Spec {
        key: "sketch-map",
        folder: Some("Drafts"),
        title: "Non-authoritative sketch",
        tags: &["sketch", "draft", "mains"],
        created: ts(2022, 2, 14, 11, 30),
        modified: ts(2022, 2, 20, 9, 0),
        snippet: "Quick sketch of possible main replacements. Do not use for decisions.",
        description: "<p>Scratch map.</p>",
        groups: &[],
        thumb: Some((Glyph::Map, SLATE)),
        ..spec
    };
    add_map(d, &spec, &doc, &["water-network"]);
    let doc = web_map(
        vec![layer_ref(d, "water-network", "Water_Network", 1, false)],
        vec![layer_ref(d, "water-network", "Water_Network", 3, true)],
        false,
    );
    let spec = Spec {
        key: "valve-draft-map",
        title: "Draft - valve replacement plan",
        tags: &["valves", "capital plan", "draft"],
        created: ts(2024, 1, 8, 15, 0),
        modified: ts(2024, 6, 21, 10, 10),
        snippet: "Valves proposed for replacement in 2025, with their inspection history.",
        description: "<p>Working draft; private until the capital plan is approved.</p>",
        thumb: Some((Glyph::Map, BLUE)),
        ..spec
    };
    add_map(d, &spec, &doc, &["water-network"]);
    let doc = web_map(
        vec![
            layer_ref(d, "parcels", "Parcels", 0, false),
            layer_ref(d, "water-network", "Water_Network", 2, false),
        ],
        vec![],
        false,
    );
    let spec = Spec {
        key: "aux-map",
        folder: None,
        title: "aux.",
        tags: &["parcels", "pressure zones"],
        created: ts(2022, 8, 1, 8, 0),
        modified: ts(2022, 8, 1, 8, 45),
        snippet: "Auxiliary map for the zoning-pressure overlay.",
        description: "",
        groups: &[Grp::Planning],
        thumb: None,
        ..spec
    };
    add_map(d, &spec, &doc, &["parcels", "water-network"]);
}

fn archive_maps(d: &mut Demo) {
    let doc = web_map(
        vec![layer_ref(d, "fire-hydrants", "Fire_Hydrants", 0, false)],
        vec![],
        false,
    );
    let spec = Spec {
        key: "hydrant-map-2019",
        owner: "admin",
        folder: Some("Archive"),
        title: "Hydrant Map 2019",
        tags: &["hydrants", "archive"],
        created: ts(2019, 3, 6, 9, 0),
        modified: ts(2021, 1, 4, 8, 45),
        snippet: "Superseded by Fire Hydrant Inspections.",
        description: "<p><b>Deprecated.</b> Use <i>Fire Hydrant Inspections</i> instead.</p>",
        credits: CREDITS,
        access: Access::Org,
        status: Some("deprecated"),
        thumb: Some((Glyph::Map, SLATE)),
        thumb_name: Some("ago_downloaded.png"),
        ..Spec::default()
    };
    add_map(d, &spec, &doc, &["fire-hydrants"]);
}
