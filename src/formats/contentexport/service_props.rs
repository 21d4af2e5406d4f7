//! The service files of a hosted feature layer in a package, built from a standard archive's
//! `service/` entries: `data/flc_props.json` (views: `data/view_props.json`) and, for views,
//! `data/layer_<id>_props.json`. Esri's writer stores the **admin** definitions there
//! (`layer.container.manager.properties`, `layer.manager.properties`), and Esri's importer
//! relies on them: it copies drawing info and field descriptions from `layers[i].fields` of
//! `flc_props.json`, and recreates a view from `adminLayerInfo.viewLayerDefinition` and
//! `viewDefinitionQuery` of each layer file (a missing `adminLayerInfo` makes it skip the view).
//! So the admin service JSON (`service/admin.json`, whose layers and tables are full
//! definitions) is used when the archive holds it; otherwise the public `service/service.json`
//! with its layer and table stubs replaced by the full `service/layers/<id>.json`. Pure JSON
//! shaping over a reader of archive entries; it never touches the network.

use serde_json::Value;

use crate::formats::FormatError;

/// The archive entry of the admin service JSON (layers and tables in full, with
/// `adminLayerInfo`), written by the standard capture when the admin endpoint answers.
pub const ADMIN_SERVICE_ENTRY: &str = "service/admin.json";
/// The archive entry of the public service JSON.
const SERVICE_ENTRY: &str = "service/service.json";

/// Whether an archive entry is one of the service files this module turns into package files
/// (the converter must not copy them as they are).
pub fn is_service_entry(entry: &str) -> bool {
    entry == SERVICE_ENTRY
        || entry == ADMIN_SERVICE_ENTRY
        || (entry.starts_with("service/layers/") && entry.ends_with(".json"))
}

/// The package files (item-relative path, JSON) for the service of an archive, read through
/// `entry` (`None` for a missing entry). Empty when the archive holds no service JSON.
///
/// # Errors
/// What `entry` returns (an unreadable or invalid entry).
pub fn service_files(
    is_view: bool,
    mut entry: impl FnMut(&str) -> Result<Option<Value>, FormatError>,
) -> Result<Vec<(String, Value)>, FormatError> {
    let props = match entry(ADMIN_SERVICE_ENTRY)? {
        Some(admin) => admin,
        None => match entry(SERVICE_ENTRY)? {
            Some(public) => with_full_layers(public, &mut entry)?,
            None => return Ok(Vec::new()),
        },
    };
    let mut out = Vec::new();
    if is_view {
        for layer in layers(&props) {
            if let Some(id) = layer["id"].as_i64() {
                out.push((format!("data/layer_{id}_props.json"), layer.clone()));
            }
        }
    }
    let name = if is_view { "view_props" } else { "flc_props" };
    out.insert(0, (format!("data/{name}.json"), props));
    Ok(out)
}

/// The layers and tables of a service JSON.
fn layers(service: &Value) -> impl Iterator<Item = &Value> {
    ["layers", "tables"]
        .into_iter()
        .flat_map(|key| service[key].as_array().into_iter().flatten())
}

/// The public service JSON with each layer and table stub replaced by its full definition from
/// `service/layers/<id>.json` (a stub without one stays as it is).
fn with_full_layers(
    mut service: Value,
    entry: &mut impl FnMut(&str) -> Result<Option<Value>, FormatError>,
) -> Result<Value, FormatError> {
    for key in ["layers", "tables"] {
        let Some(list) = service.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        for layer in list.iter_mut() {
            let Some(id) = layer["id"].as_i64() else {
                continue;
            };
            if let Some(full) = entry(&format!("service/layers/{id}.json"))? {
                *layer = full;
            }
        }
    }
    Ok(service)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;

    fn files(is_view: bool, entries: &[(&str, Value)]) -> Vec<(String, Value)> {
        let map: HashMap<String, Value> = entries
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect();
        service_files(is_view, |e| Ok(map.get(e).cloned())).unwrap()
    }

    #[test]
    fn public_stubs_are_replaced_by_full_layer_definitions() {
        let got = files(
            false,
            &[
                (
                    "service/service.json",
                    json!({"layers": [{"id": 0, "name": "A"}],
                    "tables": [{"id": 1, "name": "T"}]}),
                ),
                (
                    "service/layers/0.json",
                    json!({"id": 0, "name": "A", "fields": []}),
                ),
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "data/flc_props.json");
        assert_eq!(got[0].1["layers"][0]["fields"], json!([]));
        assert_eq!(got[0].1["tables"][0], json!({"id": 1, "name": "T"}));
    }

    #[test]
    fn a_view_prefers_the_admin_json_and_gets_one_file_per_layer() {
        let admin = json!({"layers": [{"id": 3, "adminLayerInfo": {"viewLayerDefinition": {}},
            "viewDefinitionQuery": "A = 1"}], "tables": [{"id": 4}]});
        let got = files(
            true,
            &[
                ("service/admin.json", admin.clone()),
                ("service/service.json", json!({"layers": [{"id": 3}]})),
                ("service/layers/3.json", json!({"id": 3})),
            ],
        );
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "data/view_props.json",
                "data/layer_3_props.json",
                "data/layer_4_props.json"
            ]
        );
        assert_eq!(got[0].1, admin);
        assert_eq!(got[1].1["viewDefinitionQuery"], "A = 1");
    }

    #[test]
    fn no_service_json_gives_no_files() {
        assert!(files(true, &[("service/layers/0.json", json!({}))]).is_empty());
        assert!(is_service_entry("service/layers/0.json"));
        assert!(!is_service_entry("layers/0.geojson"));
    }
}
