//! Hosted feature layers and tables: the service and every layer/table definition as JSON, then
//! the data by the first method that works (item export -> `createReplica` -> paged `query` to
//! GeoJSON with every attachment), then the captured counts compared with the live service. A
//! count that does not match makes the item PARTIAL, never OK.

mod attachments;
mod export;
mod query;
mod replica;

use serde_json::Value;

use super::ctx::{Capture, ItemError, RunCtx};
use super::sink::add_json;
use crate::formats::archive::{ArchiveWriter, LayerCount};
use crate::formats::contentexport::ADMIN_SERVICE_ENTRY;
use crate::portal::ApiRequest;
use crate::portal::wire::Item;

/// A layer or table of the service, from its definition.
#[derive(Debug, Clone)]
pub(crate) struct LayerInfo {
    /// Layer id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// A table (no geometry).
    pub is_table: bool,
    /// Whether features may carry attachments.
    pub has_attachments: bool,
    /// `editingInfo.lastEditDate`.
    pub last_edit: Option<i64>,
}

/// Whether `item` is a hosted feature layer (or view) whose data must be captured.
pub(crate) fn is_hosted_layer(item: &Item) -> bool {
    item.item_type.as_deref() == Some("Feature Service")
        && item
            .url
            .as_deref()
            .is_some_and(|u| u.contains("/FeatureServer"))
        && (item.type_keywords.iter().any(|k| k == "Hosted Service")
            || item.url.as_deref().is_some_and(|u| u.contains("/Hosted/")))
}

/// The service URL without a trailing layer id or slash.
fn service_root(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    match url.rsplit_once('/') {
        Some((root, last)) if last.chars().all(|c| c.is_ascii_digit()) => root,
        _ => url,
    }
}

/// Captures the service definitions and data of a hosted feature layer item.
pub(crate) async fn capture(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<(), ItemError> {
    let Some(url) = item.url.as_deref().map(service_root) else {
        return Ok(());
    };
    let service: Value = ctx
        .client
        .call_value(&ApiRequest::get(url))
        .await
        .map_err(|e| ItemError::portal("reading the feature service", &e))?;
    add_json(w, "service/service.json", &service)?;
    admin_definition(ctx, w, url).await?;
    let layers = definitions(ctx, w, url, &service).await?;
    cap.last_edit = service
        .pointer("/editingInfo/lastEditDate")
        .and_then(Value::as_i64)
        .or_else(|| layers.iter().filter_map(|l| l.last_edit).max());
    let captured = capture_data(ctx, w, item, url, &service, &layers, cap).await?;
    let after = live_counts(ctx, url, &layers).await?;
    cap.layers = compare(&layers, &captured, &after, cap);
    Ok(())
}

/// The admin twin of the service JSON (every layer and table in full, with `adminLayerInfo`:
/// a view's definition lives only there), as `service/admin.json`, when the signed-in user may
/// read it (owner or administrator). Packages store it as Esri's writer does; a refusal or an
/// unreachable admin endpoint is not an error, the public definitions stay.
async fn admin_definition(ctx: &RunCtx, w: &mut ArchiveWriter, url: &str) -> Result<(), ItemError> {
    let Some(admin_url) = admin_service_url(url) else {
        return Ok(());
    };
    ctx.check()?;
    match ctx.client.call_value(&ApiRequest::get(&admin_url)).await {
        Ok(admin) if admin["layers"].is_array() || admin["tables"].is_array() => {
            add_json(w, ADMIN_SERVICE_ENTRY, &admin)
        }
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::debug!("admin service definition not read ({admin_url}): {e}");
            Ok(())
        }
    }
}

/// `…/rest/admin/services/…` for a `…/rest/services/…` service URL.
fn admin_service_url(url: &str) -> Option<String> {
    let (head, tail) = url.split_once("/rest/services/")?;
    Some(format!("{head}/rest/admin/services/{tail}"))
}

/// Every layer and table definition as `service/layers/<id>.json`.
async fn definitions(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    service: &Value,
) -> Result<Vec<LayerInfo>, ItemError> {
    let mut out = Vec::new();
    for (key, is_table) in [("layers", false), ("tables", true)] {
        for l in service[key].as_array().into_iter().flatten() {
            let Some(id) = l["id"].as_i64() else { continue };
            ctx.check()?;
            let def: Value = ctx
                .client
                .call_value(&ApiRequest::get(&format!("{url}/{id}")))
                .await
                .map_err(|e| ItemError::portal(&format!("reading layer {id}"), &e))?;
            add_json(w, &format!("service/layers/{id}.json"), &def)?;
            out.push(LayerInfo {
                id,
                name: def["name"].as_str().unwrap_or_default().to_string(),
                is_table,
                has_attachments: def["hasAttachments"].as_bool().unwrap_or(false),
                last_edit: def
                    .pointer("/editingInfo/lastEditDate")
                    .and_then(Value::as_i64),
            });
        }
    }
    Ok(out)
}

/// Feature and attachment counts per layer, as the live service reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Features (rows).
    pub features: u64,
    /// Attachments, for layers that have them.
    pub attachments: Option<u64>,
}

async fn live_counts(
    ctx: &RunCtx,
    url: &str,
    layers: &[LayerInfo],
) -> Result<Vec<Counts>, ItemError> {
    let mut out = Vec::new();
    for l in layers {
        ctx.check()?;
        let req = ApiRequest::get(&format!("{url}/{}/query", l.id))
            .param("where", "1=1")
            .param("returnCountOnly", "true");
        let v = ctx
            .client
            .call_value(&req)
            .await
            .map_err(|e| ItemError::portal(&format!("counting layer {}", l.id), &e))?;
        let attachments = if l.has_attachments {
            Some(attachments::count(ctx, url, l.id).await?)
        } else {
            None
        };
        out.push(Counts {
            features: v["count"].as_u64().unwrap_or(0),
            attachments,
        });
    }
    Ok(out)
}

/// Tries export, replica and query in turn; returns the captured counts per layer.
#[allow(clippy::too_many_arguments)]
async fn capture_data(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    url: &str,
    service: &Value,
    layers: &[LayerInfo],
    cap: &mut Capture,
) -> Result<Vec<Counts>, ItemError> {
    if ctx.options.export_data {
        let before = live_counts(ctx, url, layers).await?;
        match export::capture(ctx, w, item).await {
            Ok(method) => {
                // An export file is opaque here: its counts are the service's at export time.
                cap.data_method = Some(method);
                return Ok(before);
            }
            Err(ItemError::Failed(reason)) => cap.notes.push(format!(
                "item export not possible ({reason}); trying createReplica"
            )),
            Err(e) => return Err(e),
        }
    }
    if replica::is_possible(service) {
        match replica::capture(ctx, w, url, layers).await {
            Ok(counts) => {
                cap.data_method = Some("replica".into());
                return Ok(counts);
            }
            Err(ItemError::Failed(reason)) => cap.notes.push(format!(
                "createReplica failed ({reason}); paging with query"
            )),
            Err(e) => return Err(e),
        }
    }
    let counts = query::capture(ctx, w, url, layers).await?;
    cap.data_method = Some("query".into());
    Ok(counts)
}

/// The wait before status poll `attempt` (0-based) of an export or replica job: every 200 ms
/// for the first 3 seconds (most jobs of a few layers are done by then), then growing by half
/// up to 3 s, so long jobs on a busy portal are not polled more than needed.
pub(crate) fn poll_wait(attempt: u32) -> std::time::Duration {
    const QUICK: u32 = 15;
    if attempt < QUICK {
        return std::time::Duration::from_millis(200);
    }
    let grown = 200.0 * 1.5f64.powi(i32::try_from(attempt - QUICK + 1).unwrap_or(i32::MAX));
    std::time::Duration::from_millis(grown.min(3000.0) as u64)
}

/// The manifest's layer counts; any difference between captured and live makes the item partial.
fn compare(
    layers: &[LayerInfo],
    captured: &[Counts],
    live: &[Counts],
    cap: &mut Capture,
) -> Vec<LayerCount> {
    let mut out = Vec::new();
    for ((l, c), now) in layers.iter().zip(captured).zip(live) {
        if c.features != now.features {
            cap.partial(format!(
                "layer {} ({}): {} features captured, the service now has {}",
                l.id, l.name, c.features, now.features
            ));
        }
        if c.attachments != now.attachments {
            cap.partial(format!(
                "layer {} ({}): {} attachments captured, the service now has {}",
                l.id,
                l.name,
                c.attachments.unwrap_or(0),
                now.attachments.unwrap_or(0)
            ));
        }
        out.push(LayerCount {
            id: l.id,
            name: l.name.clone(),
            is_table: l.is_table,
            features: c.features,
            live_features: Some(now.features),
            attachments: c.attachments,
            live_attachments: now.attachments,
            last_edit_date: l.last_edit,
        });
    }
    out
}

pub(crate) use export::delete as delete_export;

#[cfg(test)]
mod tests {
    use super::admin_service_url;

    #[test]
    fn admin_url_of_online_and_enterprise_services() {
        assert_eq!(
            admin_service_url(
                "https://services9.arcgis.com/Ab1/arcgis/rest/services/Parcels/FeatureServer"
            )
            .as_deref(),
            Some(
                "https://services9.arcgis.com/Ab1/arcgis/rest/admin/services/Parcels/FeatureServer"
            )
        );
        assert_eq!(
            admin_service_url(
                "https://gis.example.com/server/rest/services/Hosted/P/FeatureServer"
            )
            .as_deref(),
            Some("https://gis.example.com/server/rest/admin/services/Hosted/P/FeatureServer")
        );
        assert!(admin_service_url("https://example.com/FeatureServer").is_none());
    }
}
