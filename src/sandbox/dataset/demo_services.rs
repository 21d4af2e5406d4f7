//! The demo's hosted feature services and their items: Fire Hydrants (attachments), Water Network
//! (three layers and a related table), Parcels (no Extract/Sync) with its public view, Bike Racks
//! (published from a CSV item), and the Survey123 street tree survey (see `demo_survey`).

use serde_json::{Value, json};

use super::demo::{AMBER, Access, BLUE, CREDITS, Demo, GREEN, Grp, RED, Spec, id};
use super::thumbs::Glyph;
use super::{files, json_data, layers, service_url, ts};
use crate::sandbox::model::{Content, ItemData};
use crate::sandbox::services::{Layer, Service};

/// Capabilities of editable, replicable hosted services.
pub const FULL: &str = "Query,Create,Update,Delete,Editing,Extract,Sync";
/// Capabilities of a service that cannot be replicated (clients fall back to query).
pub const NO_SYNC: &str = "Query,Create,Update,Delete,Editing";

/// Type keywords of a hosted feature service item.
pub fn service_keywords<'a>(multi: bool, extra: &[&'a str]) -> Vec<&'a str> {
    let mut k = vec![
        "ArcGIS Server",
        "Data",
        "Feature Access",
        "Feature Service",
        "Service",
        "Hosted Service",
    ];
    k.push(if multi { "Multilayer" } else { "Singlelayer" });
    k.extend_from_slice(extra);
    k
}

/// Adds the services, their items and relationships.
pub fn add(d: &mut Demo) {
    fire_hydrants(d);
    water_network(d);
    parcels(d);
    bike_racks(d);
    super::demo_survey::add(d);
}

/// Registers `service` and adds its item from `spec` (url, name and data set here).
pub fn publish(d: &mut Demo, spec: &Spec, service: Service, data: ItemData) {
    let mut it = d.make(spec);
    it.url = Some(service_url(&d.base, &service.name));
    it.extra.insert("name".into(), json!(service.name));
    it.extra.insert(
        "properties".into(),
        json!({"isMultiServicesView": false, "hasGeometry": true}),
    );
    it.data = data;
    d.put(it);
    d.st.services.insert(service.name.clone(), service);
}

/// A popup override for layer `id` as the Map Viewer saves it in a service item's data.
pub fn popup(layer: &Layer, title: &str) -> Value {
    let infos: Vec<Value> = layer
        .fields
        .iter()
        .map(|f| json!({"fieldName": f.name, "label": f.alias, "isEditable": !matches!(f.name.as_str(), "OBJECTID" | "GlobalID"), "visible": !matches!(f.name.as_str(), "OBJECTID" | "GlobalID" | "CreationDate" | "Creator" | "EditDate" | "Editor")}))
        .collect();
    json!({"id": layer.id, "popupInfo": {"title": title, "fieldInfos": infos, "showAttachments": layer.has_attachments}})
}

fn fire_hydrants(d: &mut Demo) {
    let last_edit = ts(2024, 11, 4, 16, 22);
    let layer = super::layers_water::hydrants(&mut d.rng, last_edit);
    let data = json_data(&json!({"layers": [popup(&layer, "Hydrant {FACILITYID}")]}));
    let service = Service {
        name: "Fire_Hydrants".into(),
        item_id: id("fire-hydrants"),
        layers: vec![layer],
        capabilities: FULL.into(),
        max_record_count: 2000,
        description: "Fire hydrants maintained by Riverton Water, with inspection photos.".into(),
        view_of: None,
    };
    let kw = service_keywords(false, &[]);
    let spec = Spec {
        key: "fire-hydrants",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Fire Hydrants",
        kind: "Feature Service",
        keywords: &kw,
        tags: &["hydrants", "water", "fire flow", "assets"],
        created: ts(2019, 3, 5, 14, 10),
        modified: ts(2024, 11, 4, 16, 22),
        snippet: "Every public fire hydrant in Riverton with flow test results and inspection photos.",
        description: "<div><p>Fire hydrants owned and maintained by <b>Riverton Water</b>. Updated by field crews after each inspection.</p><ul><li>Flow tests per NFPA 291</li><li>Photos attached to inspected hydrants</li></ul></div>",
        credits: CREDITS,
        spatial: true,
        access: Access::Org,
        groups: &[Grp::Ops],
        status: Some("org_authoritative"),
        thumb: Some((Glyph::Layer, RED)),
        metadata: true,
        ..Spec::default()
    };
    publish(d, &spec, service, data);
}

fn water_network(d: &mut Demo) {
    let last_edit = ts(2024, 10, 29, 21, 5);
    let layers = super::layers_water::water_network(&mut d.rng, last_edit);
    let data = json_data(
        &json!({"layers": [popup(&layers[0], "Main {ASSETID}"), popup(&layers[1], "Valve {VALVEID}")], "tables": [popup(&layers[3], "Inspection {INSPECTED_ON}")]}),
    );
    let service = Service {
        name: "Water_Network".into(),
        item_id: id("water-network"),
        layers,
        capabilities: FULL.into(),
        max_record_count: 1000,
        description: "Distribution system: mains, valves, pressure zones and valve inspections."
            .into(),
        view_of: None,
    };
    let kw = service_keywords(true, &[]);
    let spec = Spec {
        key: "water-network",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Water Network",
        kind: "Feature Service",
        keywords: &kw,
        tags: &[
            "water",
            "mains",
            "valves",
            "pressure zones",
            "utility network",
        ],
        created: ts(2019, 3, 12, 10, 45),
        modified: last_edit,
        snippet: "Water mains, valves, pressure zones and the valve inspection history.",
        description: "<p>The distribution network as maintained in the utility's GIS. Valve inspections are related to valves through <code>VALVE_GUID</code>.</p>",
        credits: CREDITS,
        spatial: true,
        access: Access::Org,
        groups: &[Grp::Ops],
        status: Some("org_authoritative"),
        thumb: Some((Glyph::Layer, BLUE)),
        thumb_name: Some("riverton_water_network_distribution_system_overview_thumbnail.png"),
        metadata: true,
    };
    publish(d, &spec, service, data);
}

fn parcels(d: &mut Demo) {
    let last_edit = ts(2024, 9, 18, 19, 40);
    let layer = layers::parcels(&mut d.rng, last_edit);
    let mut view_layer = Layer {
        features: Default::default(),
        attachments: Default::default(),
        ..layer.clone()
    };
    view_layer.view_filter = Some("OWNER_TYPE <> 'Utility'".into());
    let source = Service {
        name: "Parcels".into(),
        item_id: id("parcels"),
        layers: vec![layer],
        capabilities: NO_SYNC.into(),
        max_record_count: 1000,
        description: "Tax parcels with zoning and assessment (county extract, monthly).".into(),
        view_of: None,
    };
    let kw = service_keywords(false, &[]);
    let spec = Spec {
        key: "parcels",
        owner: "admin",
        folder: Some("Planning"),
        title: "Parcels",
        kind: "Feature Service",
        keywords: &kw,
        tags: &["parcels", "zoning", "assessor", "planning"],
        created: ts(2019, 4, 9, 16, 0),
        modified: last_edit,
        snippet: "Tax parcels of Riverton with zoning, land use and assessed value.",
        description: "<p>Monthly extract from the county assessor, joined to city zoning.</p>",
        credits: "Salt Lake County Assessor; Riverton Planning",
        spatial: true,
        access: Access::Private,
        groups: &[Grp::Planning],
        status: Some("org_authoritative"),
        thumb: Some((Glyph::Layer, AMBER)),
        metadata: true,
        ..Spec::default()
    };
    publish(d, &spec, source, ItemData::Empty);

    let view = Service {
        name: "Parcels_public_view".into(),
        item_id: id("parcels-public-view"),
        layers: vec![view_layer],
        capabilities: "Query".into(),
        max_record_count: 1000,
        description: "Public view of the parcels (utility-owned sites hidden).".into(),
        view_of: Some("Parcels".into()),
    };
    let kw = service_keywords(false, &["View Service"]);
    let spec = Spec {
        key: "parcels-public-view",
        title: "Parcels (public view)",
        keywords: &kw,
        tags: &["parcels", "zoning", "public", "open data"],
        created: ts(2020, 1, 22, 9, 30),
        modified: ts(2024, 2, 5, 12, 0),
        snippet: "Public, read-only view of Riverton parcels.",
        description: "<p>A hosted view of <b>Parcels</b> for the public parcel viewer. Utility-owned sites are filtered out.</p>",
        access: Access::Public,
        groups: &[Grp::Showcase],
        status: Some("public_authoritative"),
        ..spec
    };
    publish(d, &spec, view, ItemData::Empty);
    d.relate("parcels-public-view", "parcels", "Service2Service");
}

fn bike_racks(d: &mut Demo) {
    let last_edit = ts(2023, 10, 2, 15, 12);
    let layer = layers::bike_racks(&mut d.rng, last_edit);
    let header = [
        "RACK_ID",
        "LOCATION_NAME",
        "RACK_TYPE",
        "CAPACITY",
        "COVERED",
        "INSTALLED",
        "Latitude",
        "Longitude",
    ];
    let rows: Vec<Vec<String>> = layer
        .features
        .values()
        .map(|f| {
            header
                .iter()
                .map(|h| match f.attributes.get(*h) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) if *h == "INSTALLED" => v
                        .as_i64()
                        .map(|ms| {
                            let (y, m, dd) = super::ymd(ms);
                            format!("{y:04}-{m:02}-{dd:02}")
                        })
                        .unwrap_or_default(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                })
                .collect()
        })
        .collect();
    let csv = files::csv(&header, &rows);
    let service = Service {
        name: "Bike_Racks".into(),
        item_id: id("bike-racks"),
        layers: vec![layer],
        capabilities: "Query,Extract".into(),
        max_record_count: 2000,
        description: "Public bike racks (published from bike_racks.csv).".into(),
        view_of: None,
    };
    let kw = service_keywords(false, &["CSV"]);
    let base = Spec {
        key: "bike-racks",
        owner: "editor",
        title: "Bike Racks",
        kind: "Feature Service",
        keywords: &kw,
        tags: &["bike", "transportation", "active transportation"],
        created: ts(2021, 6, 3, 17, 20),
        modified: last_edit,
        snippet: "Public bicycle parking downtown.",
        description: "<p>Bike racks installed by the city. Published from the CSV inventory.</p>",
        credits: "Riverton Public Works",
        spatial: true,
        access: Access::Public,
        groups: &[Grp::Showcase],
        thumb: Some((Glyph::Layer, GREEN)),
        ..Spec::default()
    };
    publish(d, &base, service, ItemData::Empty);
    let spec = Spec {
        key: "bike-racks-csv",
        title: "Bike Racks",
        kind: "CSV",
        keywords: &["CSV"],
        created: ts(2021, 6, 3, 17, 5),
        modified: ts(2021, 6, 3, 17, 5),
        snippet: "Bike rack inventory (source of the Bike Racks layer).",
        description: "<p>Spreadsheet export from the public works asset register, with latitude and longitude.</p>",
        access: Access::Org,
        groups: &[],
        thumb: Some((Glyph::Table, GREEN)),
        ..base
    };
    d.add(
        &spec,
        ItemData::File {
            name: "bike_racks.csv".into(),
            content: Content::bytes(csv),
        },
        None,
    );
    d.relate("bike-racks", "bike-racks-csv", "Service2Data");
}
