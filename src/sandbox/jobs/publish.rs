//! `content/users/{u}[/{folder}]/publish` and `createService`: new hosted feature services.
//!
//! Publish reads the source item's data: the sandbox's own export container (`fileGeodatabase`,
//! `shapefile`, `geoPackage`, `excel`), `geojson`, `csv` and `featureCollection`; service
//! definitions and other real binary formats are refused. The service name comes from
//! `publishParameters.name`, else from the source title the way Esri's client makes names
//! (runs of non-word characters become `_`); unknown `publishParameters` keys are ignored. A
//! name in use gives "Service name '…' already exists for '<org id>'" in `services[0].error`.
//! `overwrite=true` replaces the rows of the service published from the same source. The new
//! service's item (owner `{u}`, the folder, private, `Hosted Service`) gets a `Service2Data`
//! relationship to the source and a `publish` job that completes after `export_delay_ms`.
//!
//! `createService` makes an empty service (or a view, `isView`) synchronously; layers come
//! later through the admin `addToDefinition`. A name in use answers `{"success": false,
//! "error": {...}}`: Esri's `create_view` reads `res["success"]` before it looks at the error
//! (and then retries with a unique name), so a bare error envelope would break it.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::auth::{can_edit, visible_item};
use super::super::features::model_ext::service_url;
use super::super::model::{Content, Item, ItemData, Relationship, Role, State};
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::services::Service;
use super::super::user_content::UserCall;
use super::super::{Ctx, now_ms};
use super::{new_job, package, readers};

/// The service name Esri's client derives from a title: `re.sub(r"[\W_]+", "_", title)`.
pub fn name_from_title(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if out.trim_matches('_').is_empty() {
        "service".to_string()
    } else {
        out
    }
}

fn check_publisher(call: &UserCall) -> Result<(), ApiError> {
    let me = call.caller.require()?;
    let publisher = matches!(
        &call.caller,
        super::super::auth::Caller::User {
            role: Role::Admin | Role::Publisher,
            ..
        }
    );
    if me != call.user || !publisher {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

fn check_folder(st: &State, call: &UserCall) -> Result<(), ApiError> {
    match &call.folder {
        Some(f) if st.folders.get(f).is_none_or(|fo| fo.owner != call.user) => Err(
            ApiError::bad_request(format!("Folder '{f}' does not exist.")),
        ),
        _ => Ok(()),
    }
}

fn json_param(p: &Params, name: &str) -> Result<Value, ApiError> {
    match p.get(name) {
        None => Ok(json!({})),
        Some(raw) => serde_json::from_str::<Value>(raw)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| ApiError::bad_request(format!("'{name}' parameter is invalid"))),
    }
}

fn name_taken(st: &State, name: &str) -> bool {
    st.services.keys().any(|k| k.eq_ignore_ascii_case(name))
}

fn name_error(st: &State, name: &str) -> String {
    format!("Service name '{name}' already exists for '{}'", st.org().id)
}

/// The id for a new item: `itemIdToCreate` if given (32 hex digits, unused), else a fresh one.
fn item_id_to_create(st: &mut State, p: &Params) -> Result<String, ApiError> {
    match p.get("itemIdToCreate") {
        None => Ok(st.new_id()),
        Some(id)
            if id.len() == 32
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !st.items.contains_key(id) =>
        {
            Ok(id.to_ascii_lowercase())
        }
        Some(id) => Err(ApiError::bad_request(format!(
            "Unable to create item with id '{id}': it is not a free 32-character hex id."
        ))),
    }
}

/// The portal item of a new hosted service.
fn service_item(ctx: &Ctx, call: &UserCall, id: &str, name: &str, title: &str, view: bool) -> Item {
    let mut it = Item::new(id, &call.user, title, "Feature Service", now_ms());
    it.folder = call.folder.clone();
    it.url = Some(service_url(ctx, name));
    it.type_keywords = [
        "ArcGIS Server",
        "Data",
        "Feature Access",
        "Feature Service",
        "Service",
        "Hosted Service",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    if view {
        it.type_keywords.push("View Service".into());
    }
    it.extra.insert("name".into(), json!(name));
    it
}

fn publish_error(message: &str) -> ApiResult {
    ok(
        json!({"services": [{"type": "Feature Service", "serviceurl": "", "success": false,
        "error": {"code": 400, "message": message, "details": []}}]}),
    )
}

fn source_bytes(item: &Item) -> Result<Arc<Vec<u8>>, String> {
    match &item.data {
        ItemData::File {
            content: Content::Bytes(b),
            ..
        }
        | ItemData::Json(b) => Ok(b.clone()),
        ItemData::File {
            content: Content::Generated { .. },
            ..
        } => Err("the item's file cannot be read as data to publish".into()),
        ItemData::Empty => Err("the item has no data to publish".into()),
    }
}

/// Reads the source into a service (layers, description) according to `fileType`.
fn read_source(
    file_type: &str,
    bytes: &[u8],
    name: &str,
    params: &Value,
) -> Result<Service, String> {
    let mut svc = Service::empty(name, "", "Query", 2000);
    match file_type.to_ascii_lowercase().as_str() {
        "filegeodatabase" | "shapefile" | "geopackage" | "excel" | "kml" => {
            let read = package::read(bytes)?;
            svc.layers = read.layers;
            svc.description = read.description;
        }
        "csv" => svc.layers.push(readers::from_csv(bytes, name, params)?),
        "geojson" => svc.layers.push(readers::from_geojson(bytes, name)?),
        "featurecollection" => svc.layers = readers::from_feature_collection(bytes)?,
        other => {
            return Err(format!(
                "Publishing from fileType '{other}' is not supported by the sandbox."
            ));
        }
    }
    if let Some(c) = params
        .pointer("/layerInfo/capabilities")
        .or_else(|| params.get("capabilities"))
        .and_then(Value::as_str)
    {
        svc.capabilities = c.to_string();
    }
    if let Some(m) = params.get("maxRecordCount").and_then(Value::as_u64) {
        svc.max_record_count = usize::try_from(m).unwrap_or(2000).max(1);
    }
    if let Some(d) = params.get("serviceDescription").and_then(Value::as_str) {
        svc.description = d.to_string();
    }
    Ok(svc)
}

fn published(ctx: &Ctx, name: &str, size: usize, job: &str, item_id: &str) -> ApiResult {
    let url = service_url(ctx, name);
    let encoded = url.replace(' ', "%20");
    ok(
        json!({"services": [{"type": "Feature Service", "serviceurl": url, "size": size, "jobId": job,
        "serviceItemId": item_id, "encodedServiceURL": encoded, "serviceName": name}]}),
    )
}

/// The service an `overwrite` replaces: the caller's service published from `source`.
fn overwrite_target(
    st: &State,
    call: &UserCall,
    source: &str,
    name: Option<&str>,
) -> Option<String> {
    st.services
        .values()
        .filter(|s| {
            st.items
                .get(&s.item_id)
                .is_some_and(|i| can_edit(&call.caller, i))
        })
        .find(|s| {
            let related = st
                .relationships
                .iter()
                .any(|r| r.origin == s.item_id && r.dest == source && r.kind == "Service2Data");
            related || name.is_some_and(|n| s.name.eq_ignore_ascii_case(n))
        })
        .map(|s| s.name.clone())
}

/// Handles `content/users/{u}[/{folder}]/publish`.
pub fn publish(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    check_publisher(call)?;
    let source_id = p.require("itemId")?.to_string();
    let file_type = p.require("fileType")?.to_string();
    if file_type.eq_ignore_ascii_case("serviceDefinition") {
        return publish_error("Publishing service definitions is not supported by the sandbox.");
    }
    let params = json_param(p, "publishParameters")?;
    let mut st = ctx.lock();
    check_folder(&st, call)?;
    let src = visible_item(&st, &call.caller, &source_id)?;
    let given = params
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty());
    let name = name_from_title(given.unwrap_or(&src.title));
    let (title, tags, snippet) = (
        src.title.clone(),
        src.tags.clone(),
        src.extra.get("snippet").cloned(),
    );
    let bytes = match source_bytes(src) {
        Ok(b) => b,
        Err(e) => return publish_error(&e),
    };
    let mut svc = match read_source(&file_type, &bytes, &name, &params) {
        Ok(s) => s,
        Err(e) => return publish_error(&e),
    };
    if p.flag("overwrite") == Some(true)
        && let Some(existing) = overwrite_target(&st, call, &source_id, given)
        && let Some(old) = st.services.get_mut(&existing)
    {
        old.layers = std::mem::take(&mut svc.layers);
        let item_id = old.item_id.clone();
        if let Some(it) = st.items.get_mut(&item_id) {
            it.modified = now_ms();
        }
        let job = new_job(ctx, &mut st, "publish", &item_id);
        return published(ctx, &existing, bytes.len(), &job, &item_id);
    }
    if name_taken(&st, &name) {
        return publish_error(&name_error(&st, &name));
    }
    let item_id = item_id_to_create(&mut st, p)?;
    let mut item = service_item(ctx, call, &item_id, &name, &title, false);
    item.tags = tags;
    if let Some(s) = snippet {
        item.extra.insert("snippet".into(), s);
    }
    svc.item_id = item_id.clone();
    st.items.insert(item_id.clone(), item);
    st.services.insert(name.clone(), svc);
    st.relationships.insert(Relationship {
        origin: item_id.clone(),
        dest: source_id,
        kind: "Service2Data".into(),
    });
    let job = new_job(ctx, &mut st, "publish", &item_id);
    published(ctx, &name, bytes.len(), &job, &item_id)
}

/// Handles `content/users/{u}[/{folder}]/createService`.
pub fn create_service(ctx: &Arc<Ctx>, call: &UserCall, p: &Params) -> ApiResult {
    check_publisher(call)?;
    let cp = json_param(p, "createParameters")?;
    let name = cp
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_request("'name' must be specified in 'createParameters'."))?
        .to_string();
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(ApiError::bad_request(format!(
            "Service name '{name}' is not valid: use letters, digits and '_' only."
        )));
    }
    let output = p.get("outputType").unwrap_or("featureService");
    if !output.eq_ignore_ascii_case("featureService") {
        return Err(ApiError::bad_request(format!(
            "outputType '{output}' is not supported by the sandbox."
        )));
    }
    let is_view =
        p.flag("isView") == Some(true) || cp.get("isView").and_then(Value::as_bool) == Some(true);
    let mut st = ctx.lock();
    check_folder(&st, call)?;
    if name_taken(&st, &name) {
        let mut body = ApiError::bad_request(name_error(&st, &name)).body();
        body["success"] = json!(false);
        return ok(body);
    }
    let item_id = item_id_to_create(&mut st, p)?;
    let caps = cp
        .get("capabilities")
        .and_then(Value::as_str)
        .unwrap_or("Query");
    let max = cp
        .get("maxRecordCount")
        .and_then(Value::as_u64)
        .and_then(|m| usize::try_from(m).ok())
        .unwrap_or(2000);
    let mut svc = Service::empty(&name, &item_id, caps, max.max(1));
    svc.description = cp
        .get("serviceDescription")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    // A view has no source until its layers arrive through addToDefinition.
    svc.view_of = is_view.then(String::new);
    let mut item = service_item(
        ctx,
        call,
        &item_id,
        &name,
        p.get("title").unwrap_or(&name),
        is_view,
    );
    item.tags = p.list("tags").unwrap_or_default();
    for key in ["snippet", "description"] {
        if let Some(v) = p.get(key) {
            item.extra.insert(key.into(), json!(v));
        }
    }
    st.items.insert(item_id.clone(), item);
    st.services.insert(name.clone(), svc);
    let url = service_url(ctx, &name);
    ok(json!({
        "success": true, "itemId": item_id, "serviceItemId": item_id, "serviceurl": url,
        "encodedServiceURL": url, "name": name, "type": "Feature Service", "isView": is_view, "size": -1,
    }))
}
