//! Hosted feature layers whose backup holds no export, only the replica or the query fallback
//! (arcgis-protocol.md §6.7): the service is created empty from the backed-up service
//! definition (`createService`), its layers and tables are added from the backed-up layer
//! definitions (admin `addToDefinition`, same ids, fields, domains, renderers), the rows and
//! attachments are loaded (`rows`), and the backed-up capabilities (with sync, when it was on)
//! are set last (editing is on while loading: a portal refuses adds to a read-only layer). A GeoJSON backup holds WGS84
//! coordinates: they are projected to Web Mercator when the layer was in it; a layer in any
//! other coordinate system is rebuilt in WGS84, and the notes say so. A failure half-way
//! deletes the new service.

use serde_json::{Map, Value, json};

use super::create::{self, user_path};
use super::ctx::{RestoreCtx, StepError};
use super::hosted::{Job, Published, admin_url, create_service};
use super::rows::{self, RowSource};
use super::source::ServiceBackup;
use crate::formats::geometry::Projection;
use crate::portal::ApiRequest;

/// Service properties carried from the backup into `createParameters`.
const SERVICE_KEYS: &[&str] = &[
    "serviceDescription",
    "description",
    "copyrightText",
    "maxRecordCount",
    "supportedQueryFormats",
    "spatialReference",
    "initialExtent",
    "fullExtent",
    "allowGeometryUpdates",
    "units",
    "xssPreventionInfo",
    "editorTrackingInfo",
    "hasVersionedData",
    "supportsDisconnectedEditing",
];

/// Layer properties the portal sets itself (left out of `addToDefinition`).
const LAYER_SKIP: &[&str] = &[
    "currentVersion",
    "serviceItemId",
    "adminLayerInfo",
    "editingInfo",
    "isView",
    "isUpdatableView",
    "viewDefinitionQuery",
    "definitionQuery",
];

/// Capabilities needed while the rows go in.
const LOADING: &[&str] = &["Create", "Delete", "Query", "Update", "Editing"];

/// The wkid of the backed-up service (latest first), when it says.
fn wkid(svc: &ServiceBackup) -> Option<i64> {
    let sr = svc
        .service
        .as_ref()
        .map(|s| &s["spatialReference"])
        .filter(|sr| sr.is_object())
        .or_else(|| svc.layers.first().map(|l| &l["extent"]["spatialReference"]))?;
    sr["latestWkid"].as_i64().or_else(|| sr["wkid"].as_i64())
}

/// Where the rows come from, and the note when the coordinate system had to change.
fn row_source(svc: &ServiceBackup) -> Result<(RowSource, Option<String>), StepError> {
    if let Some(replica) = &svc.replica {
        return Ok((RowSource::Replica(replica.clone()), None));
    }
    if svc.geojson.is_empty() {
        return Err(StepError::Failed(
            "the backup holds no data to rebuild the layer from (no export, replica or GeoJSON)"
                .into(),
        ));
    }
    let wkid = wkid(svc).unwrap_or(4326);
    let (projection, note) = match Projection::for_wkid(wkid) {
        Some(p) => (p, None),
        None => (
            Projection::Wgs84,
            Some(format!(
                "the layer was in coordinate system {wkid}; its GeoJSON backup holds WGS84 \
                 coordinates, so it was rebuilt in WGS84 (4326)"
            )),
        ),
    };
    Ok((RowSource::GeoJson(svc.geojson.clone(), projection), note))
}

/// The service's capabilities as backed up (`Query` when unknown).
fn backed_up_capabilities(svc: &ServiceBackup) -> String {
    svc.service
        .as_ref()
        .and_then(|s| s["capabilities"].as_str())
        .filter(|c| !c.trim().is_empty())
        .unwrap_or("Query")
        .to_string()
}

/// `createParameters` for service `name`: the backed-up properties, editing on.
fn create_parameters(svc: &ServiceBackup, name: &str, wgs84: bool) -> Value {
    let mut cp = Map::new();
    if let Some(Value::Object(s)) = &svc.service {
        for k in SERVICE_KEYS {
            if let Some(v) = s.get(*k).filter(|v| !v.is_null()) {
                cp.insert((*k).to_string(), v.clone());
            }
        }
    }
    let backed = backed_up_capabilities(svc);
    let mut caps: Vec<&str> = backed.split(',').map(str::trim).collect();
    caps.extend(
        LOADING
            .iter()
            .filter(|c| !backed.split(',').any(|b| b.trim() == **c)),
    );
    cp.insert("capabilities".into(), json!(caps.join(",")));
    cp.insert("hasStaticData".into(), json!(false));
    cp.insert("name".into(), json!(name));
    if wgs84 {
        cp.insert("spatialReference".into(), json!({"wkid": 4326}));
        cp.remove("initialExtent");
        cp.remove("fullExtent");
    }
    Value::Object(cp)
}

/// The `addToDefinition` body: every backed-up layer and table, cleaned of what the portal
/// sets itself.
fn definition(svc: &ServiceBackup, wgs84: bool) -> Value {
    let (mut layers, mut tables) = (Vec::new(), Vec::new());
    for l in &svc.layers {
        let Value::Object(mut d) = l.clone() else {
            continue;
        };
        for k in LAYER_SKIP {
            d.remove(*k);
        }
        if wgs84 {
            d.remove("extent");
        }
        if d.get("type").and_then(Value::as_str) == Some("Table") {
            tables.push(Value::Object(d));
        } else {
            layers.push(Value::Object(d));
        }
    }
    json!({"layers": layers, "tables": tables})
}

/// Rebuilds the hosted layer of `job` as its service name (or `name_<n>` when taken).
pub(crate) async fn restore(ctx: &RestoreCtx, job: &Job<'_>) -> Result<Published, StepError> {
    let (si, svc, folder_id, name) = (job.si, job.svc, job.folder_id, job.name);
    let (source, sr_note) = row_source(svc)?;
    let wgs84 = sr_note.is_some();
    let base = user_path(&ctx.user, folder_id);
    let (id, url, used) = create_service(ctx, &base, &si.title, name, false, |n| {
        create_parameters(svc, n, wgs84)
    })
    .await?;
    match fill(ctx, svc, &url, source, wgs84).await {
        Ok(mut notes) => {
            notes.extend(sr_note);
            Ok(Published {
                notes,
                ..Published::new(id, url, name, &used)
            })
        }
        Err(e) => match (create::delete_item(ctx, &ctx.user, &id).await, e) {
            (false, StepError::Failed(why)) => Err(StepError::Failed(format!(
                "{why}; the half-built service {id} could not be deleted: delete it by hand"
            ))),
            (_, e) => Err(e),
        },
    }
}

/// Adds the layers, loads the rows, then sets the backed-up capabilities; returns notes.
async fn fill(
    ctx: &RestoreCtx,
    svc: &ServiceBackup,
    url: &str,
    source: RowSource,
    wgs84: bool,
) -> Result<Vec<String>, StepError> {
    let admin = admin_url(url);
    let req = ApiRequest::post(&format!("{admin}/addToDefinition"))
        .param("addToDefinition", definition(svc, wgs84).to_string());
    ctx.call("adding the layers", &req).await?;
    let mut notes = rows::load(ctx, svc, url, source).await?;
    let caps = backed_up_capabilities(svc);
    let mut last = json!({"capabilities": caps});
    for k in ["syncEnabled", "syncCapabilities"] {
        if let Some(v) = svc.service.as_ref().map(|s| &s[k]).filter(|v| !v.is_null()) {
            last[k] = v.clone();
        }
    }
    let req = ApiRequest::post(&format!("{admin}/updateDefinition"))
        .param("updateDefinition", last.to_string());
    if let Err(e) = ctx.call("setting the layer's capabilities", &req).await {
        notes.push(format!(
            "editing is still enabled: the backed-up capabilities ({caps}) could not be set: {e}"
        ));
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(service: Value, layers: Vec<Value>) -> ServiceBackup {
        ServiceBackup {
            service: Some(service),
            layers,
            export: None,
            replica: None,
            geojson: vec![(0, "layers/0.geojson".into())],
            attachments: None,
            counts: Vec::new(),
            view: None,
        }
    }

    #[test]
    fn the_service_is_created_editable_then_given_back_its_capabilities() {
        let svc = backup(
            json!({"capabilities": "Query,Extract", "maxRecordCount": 1000,
                "spatialReference": {"wkid": 102100, "latestWkid": 3857}, "layers": []}),
            vec![
                json!({"id": 0, "name": "Pipes", "type": "Feature Layer", "currentVersion": 11,
                    "extent": {}, "adminLayerInfo": {}}),
                json!({"id": 1, "name": "Log", "type": "Table"}),
            ],
        );
        let cp = create_parameters(&svc, "Pipes_1", false);
        assert_eq!(
            cp["capabilities"],
            "Query,Extract,Create,Delete,Update,Editing"
        );
        assert_eq!(cp["name"], "Pipes_1");
        assert_eq!(cp["maxRecordCount"], 1000);
        assert!(cp.get("layers").is_none());
        let def = definition(&svc, false);
        assert_eq!(def["layers"][0]["name"], "Pipes");
        assert!(def["layers"][0].get("currentVersion").is_none());
        assert!(def["layers"][0].get("adminLayerInfo").is_none());
        assert_eq!(def["tables"][0]["name"], "Log");
        let (source, note) = row_source(&svc).unwrap();
        assert!(matches!(
            source,
            RowSource::GeoJson(_, Projection::WebMercator)
        ));
        assert!(note.is_none());
    }

    #[test]
    fn another_coordinate_system_is_rebuilt_in_wgs84_and_said() {
        let svc = backup(json!({"spatialReference": {"wkid": 2193}}), Vec::new());
        let (source, note) = row_source(&svc).unwrap();
        assert!(matches!(source, RowSource::GeoJson(_, Projection::Wgs84)));
        assert!(note.unwrap().contains("2193"));
        assert_eq!(
            create_parameters(&svc, "x", true)["spatialReference"]["wkid"],
            4326
        );
        let empty = ServiceBackup {
            geojson: Vec::new(),
            ..svc
        };
        assert!(row_source(&empty).is_err());
    }
}
