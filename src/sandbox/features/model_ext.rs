//! Extra behaviour of the hosted service model (`services.rs`) that the feature routes and jobs
//! need: building layers from layer JSON (addToDefinition, publish), merging definition updates,
//! canonical field lookup, feature JSON, GlobalIDs and service URLs. Kept here, in separate
//! `impl` blocks, so `services.rs` stays data only.
//!
//! The model names the object-id field `OBJECTID` everywhere (`Layer::to_json` says so), so a
//! definition whose OID field has another name is normalised to `OBJECTID` on the way in.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::super::Ctx;
use super::super::model::State;
use super::super::now_ms;
use super::super::services::{Feature, Field, Layer, Service};

/// The object-id field name of every sandbox layer.
pub const OID: &str = "OBJECTID";

/// A new `{GUID}` (upper case, braces) from the state's id sequence.
pub fn new_guid(st: &mut State) -> String {
    let h = st.new_id().to_uppercase();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `{base}/server/rest/services/Hosted/{name}/FeatureServer`.
pub fn service_url(ctx: &Ctx, name: &str) -> String {
    format!("{}/Hosted/{name}/FeatureServer", ctx.services_url())
}

/// The field JSON of query responses (`name`, `type`, `alias`, `sqlType`, `length`, `domain`,
/// `defaultValue`).
pub fn field_json(f: &Field) -> Value {
    let mut v = json!({"name": f.name, "type": f.field_type, "alias": f.alias, "sqlType": "sqlTypeOther", "domain": null, "defaultValue": null});
    if let Some(l) = f.length {
        v["length"] = json!(l);
    }
    v
}

fn field_from_json(v: &Value) -> Option<Field> {
    let name = v.get("name")?.as_str()?;
    let field_type = v
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("esriFieldTypeString");
    let mut f = Field::new(name, field_type);
    if let Some(a) = v.get("alias").and_then(Value::as_str) {
        f.alias = a.to_string();
    }
    if let Some(l) = v.get("length").and_then(Value::as_u64) {
        f.length = u32::try_from(l).ok();
    }
    Some(f)
}

impl Feature {
    /// The object id (0 when missing).
    pub fn oid(&self) -> i64 {
        self.attributes
            .get(OID)
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }

    /// The `GlobalID` attribute, if the layer has one.
    pub fn global_id(&self) -> Option<&str> {
        self.attributes.get("GlobalID").and_then(Value::as_str)
    }
}

impl Layer {
    /// The field called `name`, compared case-insensitively.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The canonical spelling of a field name.
    pub fn canonical(&self, name: &str) -> Option<String> {
        self.field(name).map(|f| f.name.clone())
    }

    /// Whether the layer has a `GlobalID` field.
    pub fn has_global_id(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.field_type == "esriFieldTypeGlobalID")
    }

    /// Keeps the attributes that name a field (renamed to its canonical spelling), except
    /// system fields (object id, global id) the service maintains itself.
    pub fn clean_attributes(&self, attrs: &Map<String, Value>) -> Map<String, Value> {
        attrs
            .iter()
            .filter_map(|(k, v)| {
                let f = self.field(k)?;
                let system = matches!(
                    f.field_type.as_str(),
                    "esriFieldTypeOID" | "esriFieldTypeGlobalID"
                );
                (!system).then(|| (f.name.clone(), v.clone()))
            })
            .collect()
    }

    /// A layer (or table) from layer JSON as `GET …/FeatureServer/{id}` or `addToDefinition`
    /// gives it. Returns the layer and the name its definition used for the object id.
    pub fn from_definition(def: &Value, fallback_id: u32) -> (Layer, String) {
        let id = def
            .get("id")
            .and_then(Value::as_u64)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(fallback_id);
        let is_table = def.get("type").and_then(Value::as_str) == Some("Table");
        let geometry_type = def
            .get("geometryType")
            .and_then(Value::as_str)
            .filter(|g| !is_table && !g.is_empty())
            .map(str::to_string);
        let mut fields: Vec<Field> = def
            .get("fields")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(field_from_json).collect())
            .unwrap_or_default();
        let declared_oid = def.get("objectIdField").and_then(Value::as_str);
        let oid_pos = fields
            .iter()
            .position(|f| f.field_type == "esriFieldTypeOID")
            .or_else(|| {
                declared_oid
                    .and_then(|d| fields.iter().position(|f| f.name.eq_ignore_ascii_case(d)))
            });
        let original_oid = match oid_pos {
            Some(i) => fields.remove(i).name,
            None => declared_oid.unwrap_or(OID).to_string(),
        };
        fields.insert(0, Field::new(OID, "esriFieldTypeOID"));
        let view_filter = def
            .get("viewDefinitionQuery")
            .and_then(Value::as_str)
            .or_else(|| {
                def.pointer("/adminLayerInfo/viewLayerDefinition/filter/where")
                    .and_then(Value::as_str)
            })
            .filter(|w| !w.trim().is_empty())
            .map(str::to_string);
        let layer = Layer {
            id,
            name: def
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("Layer {id}"), str::to_string),
            geometry_type,
            fields,
            features: BTreeMap::new(),
            attachments: BTreeMap::new(),
            has_attachments: def
                .get("hasAttachments")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            last_edit_date: now_ms(),
            relationships: def
                .get("relationships")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            view_filter,
        };
        (layer, original_oid)
    }

    /// Merges an `updateDefinition` body into the layer: field aliases and lengths, name,
    /// `hasAttachments`, `viewDefinitionQuery` (or `adminLayerInfo.viewLayerDefinition.filter`).
    /// Returns the `maxRecordCount` and `capabilities` it carried (they live on the service).
    /// Drawing info, templates and other presentation keys are accepted and ignored.
    pub fn update_definition(&mut self, def: &Value) -> (Option<usize>, Option<String>) {
        for f in def
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = f.get("name").and_then(Value::as_str) else {
                continue;
            };
            let Some(field) = self
                .fields
                .iter_mut()
                .find(|x| x.name.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            if let Some(a) = f.get("alias").and_then(Value::as_str) {
                field.alias = a.to_string();
            }
            if let Some(l) = f.get("length").and_then(Value::as_u64) {
                field.length = u32::try_from(l).ok();
            }
        }
        if let Some(n) = def.get("name").and_then(Value::as_str) {
            self.name = n.to_string();
        }
        if let Some(h) = def.get("hasAttachments").and_then(Value::as_bool) {
            self.has_attachments = h;
        }
        let filter = def
            .get("viewDefinitionQuery")
            .or_else(|| def.pointer("/adminLayerInfo/viewLayerDefinition/filter/where"))
            .and_then(Value::as_str);
        if let Some(w) = filter {
            self.view_filter = (!w.trim().is_empty()).then(|| w.to_string());
        }
        self.last_edit_date = now_ms();
        let max = def
            .get("maxRecordCount")
            .and_then(Value::as_u64)
            .and_then(|m| usize::try_from(m).ok());
        let caps = def
            .get("capabilities")
            .and_then(Value::as_str)
            .map(str::to_string);
        (max, caps)
    }

    /// Adds the fields of a layer-level `addToDefinition` (`{"fields":[…]}`) that do not exist yet.
    pub fn add_fields(&mut self, def: &Value) -> usize {
        let mut added = 0;
        for f in def
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(field_from_json)
        {
            if self.field(&f.name).is_none() && f.field_type != "esriFieldTypeOID" {
                self.fields.push(f);
                added += 1;
            }
        }
        if added > 0 {
            self.last_edit_date = now_ms();
        }
        added
    }

    /// Removes the fields of a layer-level `deleteFromDefinition` (`{"fields":[{"name"}]}`),
    /// and their values. The object id cannot be removed.
    pub fn delete_fields(&mut self, def: &Value) {
        for name in def
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("name").and_then(Value::as_str))
        {
            let Some(canon) = self.canonical(name).filter(|c| c != OID) else {
                continue;
            };
            self.fields.retain(|f| f.name != canon);
            for feat in self.features.values_mut() {
                feat.attributes.remove(&canon);
            }
        }
        self.last_edit_date = now_ms();
    }
}

impl Service {
    /// The next free layer id.
    pub fn next_layer_id(&self) -> u32 {
        self.layers.iter().map(|l| l.id + 1).max().unwrap_or(0)
    }

    /// An empty service named `name` for item `item_id`.
    pub fn empty(
        name: &str,
        item_id: &str,
        capabilities: &str,
        max_record_count: usize,
    ) -> Service {
        Service {
            name: name.to_string(),
            item_id: item_id.to_string(),
            layers: Vec::new(),
            capabilities: capabilities.to_string(),
            max_record_count,
            description: String::new(),
            view_of: None,
        }
    }
}
