//! Hosted feature services held by the sandbox: service, layers and tables with their fields,
//! features and attachments, and the JSON the REST API shows for them. Data only; the routes that
//! query, export and replicate them are in `features` and `jobs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

/// A hosted feature service (`.../rest/services/Hosted/{name}/FeatureServer`).
#[derive(Debug, Clone)]
pub struct Service {
    /// Service name (unique in the org).
    pub name: String,
    /// Id of the `Feature Service` item that points at it.
    pub item_id: String,
    /// Layers and tables, in id order.
    pub layers: Vec<Layer>,
    /// `capabilities`, e.g. `Query,Create,Update,Delete,Editing,Extract,Sync`.
    pub capabilities: String,
    /// Largest page a query returns.
    pub max_record_count: usize,
    /// Service description.
    pub description: String,
    /// For a view: the name of the source service.
    pub view_of: Option<String>,
}

/// A field of a layer or table.
#[derive(Debug, Clone)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Alias shown in apps.
    pub alias: String,
    /// `esriFieldTypeOID`, `esriFieldTypeString`, `esriFieldTypeDouble` ...
    pub field_type: String,
    /// Length for strings.
    pub length: Option<u32>,
}

impl Field {
    /// A field with the given name and ArcGIS type (alias = name).
    pub fn new(name: &str, field_type: &str) -> Self {
        let length = match field_type {
            "esriFieldTypeString" => Some(256),
            "esriFieldTypeGlobalID" | "esriFieldTypeGUID" => Some(38),
            _ => None,
        };
        Field {
            name: name.to_string(),
            alias: name.replace('_', " "),
            field_type: field_type.to_string(),
            length,
        }
    }

    fn to_json(&self) -> Value {
        let mut f = json!({
            "name": self.name, "type": self.field_type, "alias": self.alias,
            "sqlType": "sqlTypeOther", "nullable": self.field_type != "esriFieldTypeOID",
            "editable": !matches!(self.field_type.as_str(), "esriFieldTypeOID" | "esriFieldTypeGlobalID"),
            "domain": null, "defaultValue": null,
        });
        if let Some(l) = self.length {
            f["length"] = json!(l);
        }
        f
    }
}

/// One feature (or table row): attributes (including `OBJECTID`) and Esri JSON geometry.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Attribute values by field name.
    pub attributes: Map<String, Value>,
    /// Esri JSON geometry (`{"x","y"}`, `{"paths"}`, `{"rings"}`) in WGS84, `None` for tables.
    pub geometry: Option<Value>,
}

/// An attachment of a feature.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Attachment id (unique in the layer).
    pub id: i64,
    /// `{GUID}` of the attachment.
    pub global_id: String,
    /// File name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub data: Arc<Vec<u8>>,
}

/// A layer or table of a service.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Layer id within the service.
    pub id: u32,
    /// Layer name.
    pub name: String,
    /// `esriGeometryPoint`, `esriGeometryPolyline`, `esriGeometryPolygon`; `None` for a table.
    pub geometry_type: Option<String>,
    /// Fields, the first being `OBJECTID`.
    pub fields: Vec<Field>,
    /// Features by object id.
    pub features: BTreeMap<i64, Feature>,
    /// Attachments by parent object id.
    pub attachments: BTreeMap<i64, Vec<Attachment>>,
    /// Whether the layer supports attachments.
    pub has_attachments: bool,
    /// `editingInfo.lastEditDate` (epoch ms), bumped by every edit.
    pub last_edit_date: i64,
    /// Relationship classes (`relationships` JSON), e.g. to a related table.
    pub relationships: Vec<Value>,
    /// For view layers: the `viewDefinitionQuery` filtering the source layer.
    pub view_filter: Option<String>,
}

impl Layer {
    /// The next free object id.
    pub fn next_oid(&self) -> i64 {
        self.features.keys().next_back().map_or(1, |k| k + 1)
    }

    /// The next free attachment id.
    pub fn next_attachment_id(&self) -> i64 {
        self.attachments
            .values()
            .flatten()
            .map(|a| a.id)
            .max()
            .map_or(1, |m| m + 1)
    }

    /// Whether this is a table (no geometry).
    pub fn is_table(&self) -> bool {
        self.geometry_type.is_none()
    }

    /// Layer JSON as `GET .../FeatureServer/{id}` returns it.
    pub fn to_json(&self, service: &Service, admin: bool) -> Value {
        let mut v = json!({
            "currentVersion": 11.3,
            "id": self.id,
            "name": self.name,
            "type": if self.is_table() { "Table" } else { "Feature Layer" },
            "serviceItemId": service.item_id,
            "description": "",
            "copyrightText": "",
            "defaultVisibility": true,
            "editingInfo": {"lastEditDate": self.last_edit_date, "schemaLastEditDate": self.last_edit_date, "dataLastEditDate": self.last_edit_date},
            "relationships": self.relationships,
            "isDataVersioned": false,
            "supportsRollbackOnFailureParameter": true,
            "supportsStatistics": true,
            "supportsAdvancedQueries": true,
            "supportedQueryFormats": "JSON, geoJSON, PBF",
            "hasAttachments": self.has_attachments,
            "objectIdField": "OBJECTID",
            "globalIdField": if self.fields.iter().any(|f| f.name == "GlobalID") { "GlobalID" } else { "" },
            "displayField": self.fields.get(1).map_or("OBJECTID", |f| f.name.as_str()),
            "fields": self.fields.iter().map(Field::to_json).collect::<Vec<_>>(),
            "indexes": [],
            "types": [],
            "templates": [],
            "maxRecordCount": service.max_record_count,
            "standardMaxRecordCount": service.max_record_count,
            "capabilities": service.capabilities,
            "advancedQueryCapabilities": {"supportsPagination": true, "supportsOrderBy": true, "supportsDistinct": true, "supportsQueryAttachments": true, "supportsReturningGeometryCentroid": false},
            "useStandardizedQueries": true,
        });
        if let Some(g) = &self.geometry_type {
            v["geometryType"] = json!(g);
            v["extent"] = json!({"xmin": -180, "ymin": -90, "xmax": 180, "ymax": 90, "spatialReference": {"wkid": 4326}});
            v["drawingInfo"] = json!({"renderer": {"type": "simple", "symbol": null}, "transparency": 0, "labelingInfo": null});
            v["minScale"] = json!(0);
            v["maxScale"] = json!(0);
        }
        if admin {
            v["adminLayerInfo"] = json!({"tableName": format!("{}_{}", self.name.replace(' ', "_"), self.id), "geometryField": {"name": "Shape"}});
            if let (Some(filter), Some(src)) = (&self.view_filter, &service.view_of) {
                v["viewDefinitionQuery"] = json!(filter);
                v["adminLayerInfo"]["viewLayerDefinition"] = json!({"sourceServiceName": src, "sourceLayerId": self.id, "sourceLayerFields": "*", "filter": {"operator": "AND", "where": filter}});
            }
        }
        v
    }
}

impl Service {
    /// The layer or table with `id`.
    pub fn layer(&self, id: u32) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// Mutable layer or table with `id`.
    pub fn layer_mut(&mut self, id: u32) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|l| l.id == id)
    }

    /// Largest `lastEditDate` over layers and tables.
    pub fn last_edit_date(&self) -> i64 {
        self.layers
            .iter()
            .map(|l| l.last_edit_date)
            .max()
            .unwrap_or(0)
    }

    /// Whether `Extract` or `Sync` allows `createReplica`.
    pub fn can_replicate(&self) -> bool {
        self.capabilities.contains("Sync") || self.capabilities.contains("Extract")
    }

    /// Service JSON as `GET .../FeatureServer` returns it (the admin twin adds admin fields).
    pub fn to_json(&self, admin: bool) -> Value {
        let summary = |l: &Layer| {
            let mut s = json!({"id": l.id, "name": l.name, "parentLayerId": -1, "defaultVisibility": true, "subLayerIds": null, "minScale": 0, "maxScale": 0});
            if let Some(g) = &l.geometry_type {
                s["geometryType"] = json!(g);
            }
            s
        };
        let mut v = json!({
            "currentVersion": 11.3,
            "serviceItemId": self.item_id,
            "serviceDescription": self.description,
            "description": self.description,
            "hasVersionedData": false,
            "supportsDisconnectedEditing": false,
            "hasStaticData": false,
            "maxRecordCount": self.max_record_count,
            "supportedQueryFormats": "JSON, geoJSON, PBF",
            "capabilities": self.capabilities,
            "syncEnabled": self.capabilities.contains("Sync"),
            "syncCapabilities": {"supportsAsync": true, "supportsRegisteringExistingData": true, "supportsSyncDirectionControl": true, "supportsPerLayerSync": true, "supportsPerReplicaSync": true, "supportsRollbackOnFailure": false},
            "supportsApplyEditsWithGlobalIds": true,
            "spatialReference": {"wkid": 4326, "latestWkid": 4326},
            "initialExtent": {"xmin": -180, "ymin": -90, "xmax": 180, "ymax": 90, "spatialReference": {"wkid": 4326}},
            "fullExtent": {"xmin": -180, "ymin": -90, "xmax": 180, "ymax": 90, "spatialReference": {"wkid": 4326}},
            "allowGeometryUpdates": true,
            "units": "esriDecimalDegrees",
            "size": self.layers.iter().map(|l| l.features.len() * 256).sum::<usize>(),
            "layers": self.layers.iter().filter(|l| !l.is_table()).map(summary).collect::<Vec<_>>(),
            "tables": self.layers.iter().filter(|l| l.is_table()).map(summary).collect::<Vec<_>>(),
            "editingInfo": {"lastEditDate": self.last_edit_date()},
            "isView": self.view_of.is_some(),
        });
        if admin {
            v["adminServiceInfo"] = json!({"name": self.name, "type": "FeatureServer", "status": "Started", "database": {"datasource": {"name": format!("hosted_{}", self.name)}}});
            v["name"] = json!(self.name);
            v["layers"] = json!(
                self.layers
                    .iter()
                    .filter(|l| !l.is_table())
                    .map(|l| l.to_json(self, true))
                    .collect::<Vec<_>>()
            );
            v["tables"] = json!(
                self.layers
                    .iter()
                    .filter(|l| l.is_table())
                    .map(|l| l.to_json(self, true))
                    .collect::<Vec<_>>()
            );
        }
        v
    }
}
