//! Finding a hosted service and deciding who may use it: a service follows its item's sharing
//! (anonymous callers of a non-public service get 499, signed-in callers who cannot see it get
//! 403), admin operations need the owner or an org admin. Also resolves views to their source
//! data and selects the rows a `where`/`objectIds` pair picks, view filter included.

use std::collections::BTreeSet;

use super::super::auth::{Caller, can_edit, can_view};
use super::super::model::State;
use super::super::reply::ApiError;
use super::super::services::{Feature, Layer, Service};
use super::sql::Filter;

/// ArcGIS Server's answer for an unknown service, layer or operation.
pub fn invalid_url() -> ApiError {
    ApiError::bad_request("Invalid URL").detail("Invalid URL")
}

/// ArcGIS Server's answer for a query it cannot run.
pub fn query_error(detail: impl Into<String>) -> ApiError {
    ApiError::bad_request("Unable to complete operation.").detail(detail)
}

/// The service called `name` (exact, else case-insensitive), or "Invalid URL".
pub fn find<'a>(st: &'a State, name: &str) -> Result<&'a Service, ApiError> {
    st.services
        .get(name)
        .or_else(|| {
            st.services
                .values()
                .find(|s| s.name.eq_ignore_ascii_case(name))
        })
        .ok_or_else(invalid_url)
}

/// Whether `caller` can see `svc` (its item's sharing; a service without item is admin-only).
pub fn visible(st: &State, caller: &Caller, svc: &Service) -> bool {
    match st.items.get(&svc.item_id) {
        Some(item) => can_view(st, caller, item),
        None => caller.is_admin(),
    }
}

/// Whether `caller` owns `svc` or is an admin.
pub fn owns(st: &State, caller: &Caller, svc: &Service) -> bool {
    match st.items.get(&svc.item_id) {
        Some(item) => can_edit(caller, item),
        None => caller.is_admin(),
    }
}

/// 499 for anonymous callers, 403 for others.
pub fn denied(caller: &Caller) -> ApiError {
    match caller {
        Caller::Anonymous => ApiError::token_required(),
        Caller::User { .. } => ApiError::forbidden(),
    }
}

/// The service if `caller` may see it.
pub fn viewable<'a>(st: &'a State, caller: &Caller, name: &str) -> Result<&'a Service, ApiError> {
    let svc = find(st, name)?;
    if visible(st, caller, svc) {
        Ok(svc)
    } else {
        Err(denied(caller))
    }
}

/// The service if `caller` may administer it (owner or admin).
pub fn administrable<'a>(
    st: &'a State,
    caller: &Caller,
    name: &str,
) -> Result<&'a Service, ApiError> {
    let svc = viewable(st, caller, name)?;
    if owns(st, caller, svc) {
        Ok(svc)
    } else {
        Err(denied(caller))
    }
}

/// The layer or table whose id is the path segment `seg`.
pub fn layer<'a>(svc: &'a Service, seg: &str) -> Result<&'a Layer, ApiError> {
    seg.parse::<u32>()
        .ok()
        .and_then(|id| svc.layer(id))
        .ok_or_else(invalid_url)
}

/// Where the rows of `layer` live: the layer itself, or for a view the source service's layer
/// with the same id (`None` while a new view has no source yet).
pub fn data_layer<'a>(st: &'a State, svc: &'a Service, layer: &'a Layer) -> Option<&'a Layer> {
    match svc.view_of.as_deref() {
        None => Some(layer),
        Some(src) => st.services.get(src).and_then(|s| s.layer(layer.id)),
    }
}

/// The name of the service whose layers hold `svc`'s rows (itself, or a view's source).
pub fn data_service_name(svc: &Service) -> &str {
    svc.view_of.as_deref().unwrap_or(&svc.name)
}

/// Parses `where` against `layer`'s fields.
pub fn parse_where(layer: &Layer, clause: &str) -> Result<Filter, ApiError> {
    Filter::parse(clause)
        .and_then(|f| f.resolve(&|n| layer.canonical(n)))
        .map_err(|e| query_error(format!("'where' parameter is invalid: {e}")))
}

/// The rows of `layer` (through its view, if any) matching `clause` and, when given, whose
/// object id is in `oids`, in object-id order.
pub fn select<'a>(
    st: &'a State,
    svc: &'a Service,
    layer: &'a Layer,
    clause: Option<&str>,
    oids: Option<&BTreeSet<i64>>,
) -> Result<Vec<&'a Feature>, ApiError> {
    let user = parse_where(layer, clause.unwrap_or("1=1"))?;
    let Some(data) = data_layer(st, svc, layer) else {
        return Ok(Vec::new());
    };
    let view = match (&svc.view_of, &layer.view_filter) {
        (Some(_), Some(w)) => Some(parse_where(data, w)?),
        _ => None,
    };
    let keep = |f: &Feature| {
        oids.is_none_or(|s| s.contains(&f.oid()))
            && view.as_ref().is_none_or(|v| v.matches(&f.attributes))
            && user.matches(&f.attributes)
    };
    Ok(match oids {
        // Look the ids up directly rather than scanning the layer.
        Some(set) => set
            .iter()
            .filter_map(|id| data.features.get(id))
            .filter(|f| keep(f))
            .collect(),
        None => data.features.values().filter(|f| keep(f)).collect(),
    })
}

/// Parses `objectIds` (comma list or JSON array); `None` when absent.
pub fn parse_oids(raw: Option<Vec<String>>) -> Result<Option<BTreeSet<i64>>, ApiError> {
    raw.map(|ids| {
        ids.iter()
            .map(|s| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| query_error(format!("'objectIds' parameter is invalid: '{s}'")))
            })
            .collect()
    })
    .transpose()
}
