//! Hosted feature layers and views (arcgis-protocol.md §6.7). A layer is published from its
//! backed-up export (File Geodatabase ...): the file goes up as a temporary source item,
//! `publish` runs and is polled, and the temporary
//! item is then deleted (decision: the backup holds the service, not the upload it was once
//! published from; keeping it would leave an item the source portal never had, and any real
//! source item that was backed up is restored on its own and related again). The service
//! item then gets its backed-up properties, and the layer definitions' details go through the
//! admin `updateDefinition`. A view is recreated with `createService(isView)` +
//! `addToDefinition` on its restored source. A layer backed up without an export (replica or
//! query fallback) is rebuilt from its definitions and rows by `rebuild`. Feature and
//! attachment counts are compared with the backup by `check`.

use serde_json::{Value, json};

use super::create::{self, user_path};
use super::ctx::{RestoreCtx, StepError, trim_url};
use super::source::{ServiceBackup, SourceItem};
use crate::portal::ApiRequest;

/// A restored service: its item id and URL, and what did not come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Published {
    /// The service item.
    pub id: String,
    /// The service URL.
    pub url: String,
    /// What is missing (PARTIAL reasons).
    pub notes: Vec<String>,
    /// Said when the backed-up service name was taken and another one was used.
    pub renamed: Option<String>,
    /// A view restored as a plain hosted layer of its rows (its source could not be found).
    pub no_longer_view: bool,
}

impl Published {
    /// A service published or created as `used`, the backed-up name being `name`.
    pub(crate) fn new(id: String, url: String, name: &str, used: &str) -> Self {
        Self {
            id,
            url,
            notes: Vec::new(),
            renamed: rename_note(name, used),
            no_longer_view: false,
        }
    }
}

/// Why a view cannot be recreated: its source is unknown or gone.
const NO_VIEW_SOURCE: &str = "the view's source layer is neither restored nor found on the target \
    (it is not in the backup, or the account that made the backup could not see it): restore it \
    with the view";

/// Said of a view rebuilt from its backed-up rows because its source could not be found.
const VIEW_REBUILT: &str = "the view's source layer is neither restored nor found on the \
    target: restored as a hosted layer holding the rows the view showed; it is no longer a \
    view of its source";

/// What a hosted layer or view is restored from, and where to.
pub(crate) struct Job<'a> {
    /// The backed-up item.
    pub si: &'a SourceItem,
    /// Its service.
    pub svc: &'a ServiceBackup,
    /// The signed-in user's folder to create it in (`None`: root).
    pub folder_id: Option<&'a str>,
    /// The backed-up service name (`name_1`, `name_2` are tried when it is taken).
    pub name: &'a str,
}

/// The service names tried, in order: the backed-up one, then `name_1`, `name_2`.
fn candidate_names(name: &str) -> impl Iterator<Item = String> + '_ {
    (0..3).map(move |n| {
        if n == 0 {
            name.to_string()
        } else {
            format!("{name}_{n}")
        }
    })
}

/// What the report says when `used` is not the backed-up service name `name`.
fn rename_note(name: &str, used: &str) -> Option<String> {
    (used != name)
        .then(|| format!("the service name {name} is taken on the target: published as {used}"))
}

/// Whether `si` is a hosted feature layer or view to republish.
pub(crate) fn is_hosted(si: &SourceItem) -> bool {
    si.item_type == "Feature Service" && si.service.is_some()
}

/// The service name in a service URL (`…/services/<name>/FeatureServer`).
pub(crate) fn service_name(url: &str) -> Option<String> {
    let mut segs = url.trim_end_matches('/').rsplit('/');
    let mut last = segs.next()?;
    if last.chars().all(|c| c.is_ascii_digit()) {
        last = segs.next()?;
    }
    if !last.eq_ignore_ascii_case("FeatureServer") {
        return None;
    }
    segs.next().map(str::to_string)
}

/// `si` without the `View Service` keyword, for a view restored as a plain layer.
pub(crate) fn as_plain_layer(si: &SourceItem) -> SourceItem {
    let mut plain = si.clone();
    if let Some(k) = plain.item["typeKeywords"].as_array_mut() {
        k.retain(|k| k != "View Service");
    }
    plain
}

fn is_view(si: &SourceItem, svc: &ServiceBackup) -> bool {
    svc.view.is_some()
        || crate::engine::restore::fields::strings(&si.item["typeKeywords"])
            .iter()
            .any(|k| k == "View Service")
}

/// Publishes (or recreates the view of) `si` in the signed-in user's `folder_id`.
pub(crate) async fn restore(
    ctx: &RestoreCtx,
    si: &SourceItem,
    folder_id: Option<&str>,
) -> Result<Published, StepError> {
    let svc = si
        .service
        .as_ref()
        .ok_or_else(|| StepError::Failed("the backup holds no service".into()))?;
    let old_url = si.item["url"].as_str().unwrap_or_default();
    let name = service_name(old_url).unwrap_or_else(|| name_from_title(&si.title));
    let job = Job {
        si,
        svc,
        folder_id,
        name: &name,
    };
    if is_view(si, svc) {
        let has_rows = svc.export.is_some() || svc.replica.is_some() || !svc.geojson.is_empty();
        return match view_source(ctx, si).await {
            Some(source) => view(ctx, &job, &source).await,
            // The rows the view showed are in the backup: better them than nothing.
            None if has_rows => {
                let mut p = layer(ctx, &job).await?;
                p.notes.insert(0, VIEW_REBUILT.into());
                p.no_longer_view = true;
                Ok(p)
            }
            None => Err(StepError::Failed(NO_VIEW_SOURCE.into())),
        };
    }
    layer(ctx, &job).await
}

/// Publishes the layer from its export (then restores its layers' definition details), or
/// rebuilds it from its definitions and rows when it has none.
async fn layer(ctx: &RestoreCtx, job: &Job<'_>) -> Result<Published, StepError> {
    let (si, svc, folder_id, name) = (job.si, job.svc, job.folder_id, job.name);
    let Some((file, format)) = &svc.export else {
        return super::rebuild::restore(ctx, job).await;
    };
    let (file_type, item_type) = export_types(format);
    let base = user_path(&ctx.user, folder_id);
    let req = ApiRequest::post(&format!("{base}/addItem"))
        .param(
            "title",
            format!("{} (restore upload {})", si.title, si.old_id),
        )
        .param("type", item_type)
        .param("typeKeywords", "agol-backup restore upload")
        .file("file", file, &create::file_name(file, "data.zip"));
    let v = ctx.call("uploading the layer's data", &req).await?;
    let upload = v["id"].as_str().unwrap_or_default().to_string();
    let result = publish(ctx, &base, &upload, file_type, name, svc).await;
    if !upload.is_empty() {
        create::delete_item(ctx, &ctx.user, &upload).await;
    }
    let (id, url, used) = result?;
    // Publishing takes the schema from the file: the definitions' details come back after.
    let notes = layer_details(ctx, svc, &url).await;
    Ok(Published {
        notes,
        ..Published::new(id, url, name, &used)
    })
}

/// The `publish` file type and the upload's item type of an export format.
fn export_types(format: &str) -> (&'static str, &'static str) {
    match format.to_ascii_lowercase().as_str() {
        "shapefile" => ("shapefile", "Shapefile"),
        "geopackage" => ("geoPackage", "GeoPackage"),
        "excel" => ("excel", "Microsoft Excel"),
        "csv" => ("csv", "CSV"),
        "geojson" => ("geojson", "GeoJson"),
        _ => ("fileGeodatabase", "File Geodatabase"),
    }
}

/// `re.sub(r"[\W_]+", "_", title)`, as Esri's client names services.
fn name_from_title(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// Publishes `upload` as service `name` (or `name_<n>` when taken); returns the item id, the
/// service URL and the name used.
async fn publish(
    ctx: &RestoreCtx,
    base: &str,
    upload: &str,
    file_type: &str,
    name: &str,
    svc: &ServiceBackup,
) -> Result<(String, String, String), StepError> {
    let max = svc
        .service
        .as_ref()
        .and_then(|s| s["maxRecordCount"].as_u64())
        .unwrap_or(2000);
    let mut last = String::new();
    for try_name in candidate_names(name) {
        let params = json!({"name": try_name, "hasStaticData": false, "maxRecordCount": max});
        let req = ApiRequest::post(&format!("{base}/publish"))
            .param("itemId", upload)
            .param("fileType", file_type)
            .param("publishParameters", params.to_string());
        let v = ctx.call("publishing the layer", &req).await?;
        let s = &v["services"][0];
        if let Some(msg) = s["error"]["message"].as_str() {
            last = msg.to_string();
            if msg.contains("already exists") {
                continue;
            }
            return Err(StepError::Failed(format!("publishing failed: {msg}")));
        }
        let id = s["serviceItemId"].as_str().unwrap_or_default().to_string();
        let url = trim_url(s["serviceurl"].as_str().unwrap_or_default());
        let job = s["jobId"].as_str().map(str::to_string);
        let done = create::wait_status(ctx, &ctx.user, &id, job.as_deref()).await;
        if let Err(e) = done {
            create::delete_item(ctx, &ctx.user, &id).await;
            return Err(e);
        }
        return Ok((id, url, try_name));
    }
    Err(StepError::Failed(format!("publishing failed: {last}")))
}

/// `createService` in `base` (a user or folder path) under the backed-up service name or, when
/// it is taken, `name_1`, `name_2`; `params(name)` gives the `createParameters`. Returns the
/// new item id, the service URL and the name used.
pub(crate) async fn create_service(
    ctx: &RestoreCtx,
    base: &str,
    title: &str,
    name: &str,
    is_view: bool,
    params: impl Fn(&str) -> Value,
) -> Result<(String, String, String), StepError> {
    let what = if is_view {
        "creating the view"
    } else {
        "creating the service"
    };
    let mut last = String::from("no name to try");
    for try_name in candidate_names(name) {
        let req = ApiRequest::post(&format!("{base}/createService"))
            .param("outputType", "featureService")
            .param("isView", is_view.to_string())
            .param("title", title)
            .param("createParameters", params(&try_name).to_string());
        match ctx.call(what, &req).await {
            Err(StepError::Failed(m)) if m.contains("already exists") => last = m,
            Err(e) => return Err(e),
            Ok(v) => {
                let id = v["itemId"]
                    .as_str()
                    .or_else(|| v["serviceItemId"].as_str())
                    .unwrap_or_default()
                    .to_string();
                let url = trim_url(v["serviceurl"].as_str().unwrap_or_default());
                return Ok((id, url, try_name));
            }
        }
    }
    Err(StepError::Failed(last))
}

/// Recreates a view on its restored source: createService(isView) + addToDefinition.
async fn view(ctx: &RestoreCtx, job: &Job<'_>, source: &str) -> Result<Published, StepError> {
    let (si, svc, folder_id, name) = (job.si, job.svc, job.folder_id, job.name);
    let base = user_path(&ctx.user, folder_id);
    let service = svc.service.as_ref();
    let (id, url, used) = create_service(ctx, &base, &si.title, name, true, |n| {
        json!({"name": n, "isView": true, "capabilities": "Query",
            "maxRecordCount": service.and_then(|s| s["maxRecordCount"].as_u64()).unwrap_or(1000),
            "serviceDescription": service.and_then(|s| s["serviceDescription"].as_str()).unwrap_or("")})
    })
    .await?;
    let layers: Vec<Value> = svc.layers.iter().map(|l| view_layer(l, source)).collect();
    let def = json!({"layers": layers});
    let admin = admin_url(&url);
    let req = ApiRequest::post(&format!("{admin}/addToDefinition"))
        .param("addToDefinition", def.to_string());
    if let Err(e) = ctx.call("adding the view's layers", &req).await {
        create::delete_item(ctx, &ctx.user, &id).await;
        return Err(e);
    }
    Ok(Published::new(id, url, name, &used))
}

/// One view layer definition: the backed-up layer pointing at the same layer of `source`.
fn view_layer(def: &Value, source: &str) -> Value {
    let mut d = def.clone();
    let filter = def["viewDefinitionQuery"]
        .as_str()
        .or_else(|| {
            def.pointer("/adminLayerInfo/viewLayerDefinition/filter/where")
                .and_then(Value::as_str)
        })
        .unwrap_or("")
        .to_string();
    let mut vld = json!({"sourceServiceName": source, "sourceLayerId": def["id"].clone(),
        "sourceLayerFields": "*"});
    if !filter.is_empty() {
        vld["filter"] = json!({"operator": "AND", "where": filter});
        d["viewDefinitionQuery"] = json!(filter);
    }
    d["adminLayerInfo"] = json!({"viewLayerDefinition": vld});
    d
}

/// The service name of the view's source on the target (restored earlier, or left in place).
async fn view_source(ctx: &RestoreCtx, si: &SourceItem) -> Option<String> {
    let map = ctx.map_now();
    let olds = si
        .related
        .iter()
        .filter(|r| r.rel_type == "Service2Service")
        .map(|r| r.other_id.clone())
        .chain(si.dependencies.iter().cloned());
    for old in olds {
        let id = map.ids.get(&old).cloned().unwrap_or(old);
        let req = ApiRequest::get(&format!("content/items/{id}"));
        if let Ok(v) = ctx.client.call_value(&req).await
            && let Some(name) = v["url"].as_str().and_then(service_name)
        {
            return Some(name);
        }
    }
    None
}

/// The admin twin of a hosted service URL.
pub(crate) fn admin_url(url: &str) -> String {
    url.replacen("/rest/services/", "/rest/admin/services/", 1)
}

/// Sends the backed-up layer definitions' details (`updateDefinition` per layer); returns notes.
pub(crate) async fn layer_details(ctx: &RestoreCtx, svc: &ServiceBackup, url: &str) -> Vec<String> {
    let admin = admin_url(url);
    let mut notes = Vec::new();
    for l in &svc.layers {
        let Some(id) = l["id"].as_i64() else { continue };
        let mut d = serde_json::Map::new();
        for k in [
            "description",
            "displayField",
            "copyrightText",
            "drawingInfo",
            "templates",
            "types",
        ] {
            if !l[k].is_null() {
                d.insert(k.to_string(), l[k].clone());
            }
        }
        if let Some(fields) = l["fields"].as_array() {
            let f: Vec<Value> = fields
                .iter()
                .map(|f| json!({"name": f["name"], "alias": f["alias"]}))
                .collect();
            d.insert("fields".into(), Value::from(f));
        }
        if d.is_empty() {
            continue;
        }
        let req = ApiRequest::post(&format!("{admin}/{id}/updateDefinition"))
            .param("updateDefinition", Value::Object(d).to_string());
        if let Err(e) = ctx.call("restoring the layer definition", &req).await {
            notes.push(format!("layer {id} definition details not restored: {e}"));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_come_from_the_url() {
        assert_eq!(
            service_name("https://h/server/rest/services/Parcels/FeatureServer/0").as_deref(),
            Some("Parcels")
        );
        assert_eq!(
            service_name("https://h/rest/services/Hosted/A_b/FeatureServer").as_deref(),
            Some("A_b")
        );
        assert_eq!(service_name("https://h/rest/services/A/MapServer"), None);
        assert_eq!(name_from_title("Bike racks (2023)"), "Bike_racks_2023_");
        assert_eq!(
            admin_url("https://h/server/rest/services/A/FeatureServer"),
            "https://h/server/rest/admin/services/A/FeatureServer"
        );
    }
}
