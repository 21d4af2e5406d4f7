//! `addRelationship` and `deleteRelationship`: typed links between two items the caller can see,
//! made by the owner of the origin item or an admin. Types are the ones ArcGIS knows
//! (arcgis-protocol.md §5.5); adding an existing link is a no-op, deleting a missing one an error.

use std::sync::Arc;

use serde_json::json;

use super::super::Ctx;
use super::super::auth::{can_edit, visible_item};
use super::super::model::Relationship;
use super::super::params::Params;
use super::super::reply::{ApiError, ApiResult, ok};
use super::super::user_content::UserCall;
use super::{check_path, touch};

/// Relationship types the portal accepts.
pub(super) const RELATIONSHIP_TYPES: &[&str] = &[
    "Map2Service",
    "WMA2Code",
    "Map2FeatureCollection",
    "MobileApp2Code",
    "Service2Data",
    "Service2Service",
    "Map2AppConfig",
    "Item2Attachment",
    "Item2Report",
    "Listed2Provisioned",
    "Style2Style",
    "Service2Style",
    "Survey2Service",
    "Survey2Data",
    "Service2Route",
    "Area2Package",
    "Map2Area",
    "Service2Layer",
    "Area2CustomPackage",
    "TrackView2Map",
    "SurveyAddIn2Data",
    "WorkforceMap2FeatureService",
    "Theme2Story",
    "WebStyle2DesktopStyle",
    "Solution2Item",
    "APIKey2Item",
    "Mission2Item",
    "Notebook2WebTool",
    "Listed2ImplicitlyListed",
    "Map2IndoorsConfig",
    "Data2Map",
    "Data2App",
    "Data2Scene",
    "Map2App",
    "Scene2App",
    "App2DependentApp",
    "Widget2App",
    "Map2StoryMapTheme",
];

/// `addRelationship` (`add`) and `deleteRelationship`.
pub(super) fn relationship(ctx: &Arc<Ctx>, call: &UserCall, p: &Params, add: bool) -> ApiResult {
    let mut st = ctx.lock();
    check_path(&st, call, true)?;
    let origin = p.require("originItemId")?;
    let dest = p.require("destinationItemId")?;
    let kind = p.require("relationshipType")?;
    let kind = RELATIONSHIP_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(kind))
        .ok_or_else(|| ApiError::bad_request(format!("Invalid relationship type '{kind}'.")))?;
    let origin_item = visible_item(&st, &call.caller, origin)?;
    if !can_edit(&call.caller, origin_item) {
        return Err(ApiError::forbidden());
    }
    visible_item(&st, &call.caller, dest)?;
    let rel = Relationship {
        origin: origin.to_string(),
        dest: dest.to_string(),
        kind: (*kind).to_string(),
    };
    let changed = if add {
        st.relationships.insert(rel)
    } else if st.relationships.remove(&rel) {
        true
    } else {
        return Err(ApiError::bad_request(format!(
            "Relationship '{kind}' from '{origin}' to '{dest}' does not exist."
        )));
    };
    if changed && let Some(item) = st.items.get_mut(origin) {
        touch(item);
    }
    ok(json!({"success": true}))
}
