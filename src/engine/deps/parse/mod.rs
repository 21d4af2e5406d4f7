//! What one item's JSON says it needs, per item type, following `arcgis.apps.itemgraph`
//! (arcgis-protocol.md §10): the fields each builder saves item ids in (web map layers, dashboard
//! widgets, app data sources, story resources, Hub cards, QuickCapture data sources, web tool
//! notebooks) plus every item id found anywhere in the document (see `guid`). Also the service
//! URLs of web map layers saved without an item id, for URL matching. Pure: no I/O, no graph.
//!
//! Each function reads one document: an item's `/data` or one of the resources the §10 rules name
//! (a StoryMap or Hub draft, an Experience Builder `config/config.json`, `qc.project.json`,
//! `webtoolDefinition.json`). The caller unions the answers of an item's documents.

use std::collections::BTreeSet;

use serde_json::Value;

use super::guid::{explicit_id, ids_in_json, ids_in_text, keep_all};

#[cfg(test)]
mod tests;

/// Hub item types (ArcGIS Online names, and the Enterprise Sites names).
const HUB_TYPES: [&str; 4] = [
    "Hub Site Application",
    "Hub Page",
    "Site Application",
    "Site Page",
];

/// Server kinds whose URL root identifies a service (`…/FeatureServer`, `…/MapServer` ...).
const SERVER_KINDS: [&str; 12] = [
    "/featureserver",
    "/mapserver",
    "/imageserver",
    "/sceneserver",
    "/vectortileserver",
    "/gpserver",
    "/geocodeserver",
    "/naserver",
    "/streamserver",
    "/ogcfeatureserver",
    "/wfsserver",
    "/wmsserver",
];

/// Whether `item_type` is a Hub site or page.
pub fn is_hub_type(item_type: &str) -> bool {
    HUB_TYPES.contains(&item_type)
}

/// Pure: the item ids referenced by one item's JSON data (or one of its draft/config resources),
/// per the §10 rules for its type. Types without rules (services, files ...) give nothing: their
/// dependencies come from related items.
pub fn data_references(item_type: &str, data: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match item_type {
        "Web Map" | "Web Scene" => web_map(data, &mut out),
        "Dashboard" => dashboard(data, &mut out),
        "Web Mapping Application" => web_app(data, &mut out),
        "Web Experience" => experience(data, &mut out),
        "StoryMap" => story_map(data, &mut out),
        "QuickCapture Project" => quick_capture(data, &mut out),
        "Geoprocessing Service" => web_tool(data, &mut out),
        t if is_hub_type(t) => hub(data, &mut out),
        _ => {}
    }
    out
}

fn add(out: &mut BTreeSet<String>, v: &Value) {
    if let Some(id) = explicit_id(v) {
        out.insert(id);
    }
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn values(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_object().into_iter().flat_map(|m| m.values())
}

/// Operational layers (group layers opened up) and tables of a web map or scene.
fn map_layers(data: &Value) -> Vec<&Value> {
    let mut stack: Vec<&Value> = array(&data["operationalLayers"]).iter().collect();
    let mut out: Vec<&Value> = array(&data["tables"]).iter().collect();
    while let Some(layer) = stack.pop() {
        if layer["layerType"] == "GroupLayer" {
            stack.extend(array(&layer["layers"]));
        } else {
            out.push(layer);
        }
    }
    out
}

fn web_map(data: &Value, out: &mut BTreeSet<String>) {
    for layer in map_layers(data) {
        add(out, &layer["itemId"]);
    }
    for layer in array(&data["baseMap"]["baseMapLayers"]) {
        add(out, &layer["itemId"]);
    }
    ids_in_json(data, out, &keep_all);
}

fn dashboard(data: &Value, out: &mut BTreeSet<String>) {
    let widgets = array(&data["widgets"])
        .iter()
        .chain(array(&data["desktopView"]["widgets"]));
    for widget in widgets {
        if widget["type"] == "mapWidget" {
            add(out, &widget["itemId"]);
        }
        for dataset in array(&widget["datasets"]) {
            let source = &dataset["dataSource"];
            match source["type"].as_str() {
                Some("itemDataSource") => add(out, &source["itemId"]),
                Some("arcadeDataSource") => {
                    if let Some(script) = source["script"].as_str() {
                        ids_in_text(script, out);
                    }
                }
                _ => {}
            }
        }
    }
    ids_in_json(data, out, &keep_all);
}

fn web_app(data: &Value, out: &mut BTreeSet<String>) {
    add(out, &data["map"]["itemId"]);
    for source in values(&data["dataSource"]["dataSources"]) {
        add(out, &source["itemId"]);
    }
    add(out, &data["values"]["webmap"]);
    ids_in_json(data, out, &keep_all);
}

/// Experience Builder names data sources made from a service `dataSource_N-service_<guid>_N`:
/// that GUID is not an item.
fn not_exb_service_source(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let Some(head) = before.strip_suffix("-service_") else {
        return true;
    };
    let token_start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |p| p + 1);
    !head[token_start..].starts_with("dataSource_")
}

fn experience(data: &Value, out: &mut BTreeSet<String>) {
    for source in values(&data["dataSources"]) {
        add(out, &source["itemId"]);
    }
    for widget in values(&data["widgets"]) {
        add(out, &widget["config"]["surveyItemId"]);
    }
    ids_in_json(data, out, &not_exb_service_source);
}

fn story_map(data: &Value, out: &mut BTreeSet<String>) {
    for resource in values(&data["resources"]) {
        let kind = resource["type"].as_str().unwrap_or("").to_ascii_lowercase();
        if kind.contains("webmap") {
            add(out, &resource["data"]["itemId"]);
        } else if kind.contains("story-theme") {
            add(out, &resource["data"]["themeItemId"]);
        }
    }
    ids_in_json(data, out, &keep_all);
}

fn hub(data: &Value, out: &mut BTreeSet<String>) {
    // A Hub draft resource wraps the site or page data in `data`.
    let data = if data.get("values").is_none() && data["data"].is_object() {
        &data["data"]
    } else {
        data
    };
    for section in array(&data["values"]["layout"]["sections"]) {
        for row in array(&section["rows"]) {
            for card in array(&row["cards"]) {
                hub_card(&card["component"], out);
            }
        }
    }
    ids_in_json(data, out, &keep_all);
}

fn hub_card(component: &Value, out: &mut BTreeSet<String>) {
    let settings = &component["settings"];
    match component["name"].as_str() {
        Some("webmap-card") => {
            add(out, &settings["webmap"]);
            add(out, &settings["webscene"]);
        }
        Some("app-card" | "chart-card") => add(out, &settings["itemId"]),
        Some("survey-card") => add(out, &settings["surveyId"]),
        _ => {}
    }
}

fn quick_capture(data: &Value, out: &mut BTreeSet<String>) {
    add(out, &data["basemap"]["itemId"]);
    for source in array(&data["dataSources"]) {
        add(out, &source["featureServiceItemId"]);
    }
    ids_in_json(data, out, &keep_all);
}

fn web_tool(data: &Value, out: &mut BTreeSet<String>) {
    add(out, &data["jsonProperties"]["notebookId"]);
}

/// Pure: the service roots (see [`service_root`]) of the web map or scene layers in `data` that
/// were saved with a URL but without an item id; empty for other types.
pub fn service_urls(item_type: &str, data: &Value) -> BTreeSet<String> {
    if !matches!(item_type, "Web Map" | "Web Scene") {
        return BTreeSet::new();
    }
    map_layers(data)
        .into_iter()
        .filter(|l| explicit_id(&l["itemId"]).is_none())
        .filter_map(|l| l["url"].as_str().and_then(service_root))
        .collect()
}

/// The root of an ArcGIS service URL, normalised for comparison: lower case, no scheme, no query,
/// cut after the server kind (`host/…/rest/services/name/featureserver`). `None` when `url` is
/// not the URL of an ArcGIS service or one of its layers.
pub fn service_root(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .or_else(|| lower.strip_prefix("//"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    SERVER_KINDS
        .iter()
        .filter_map(|kind| {
            rest.match_indices(kind)
                .map(|(at, _)| at + kind.len())
                .find(|&end| rest[end..].is_empty() || rest[end..].starts_with('/'))
        })
        .min()
        .map(|end| rest[..end].to_string())
}
