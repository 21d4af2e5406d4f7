//! The search response serialised straight from the items, without building a `Value` per
//! item (which cost more than the search itself). [`ItemView`] must write exactly what
//! `items::item_json` builds, key for key and in the same order; a test checks that on every
//! item of the demo and a generated portal. Owns nothing else: paging and matching are elsewhere.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::sandbox::auth::Caller;
use crate::sandbox::model::{Item, State as Store};

/// `item.extra[key]`, or `default` when absent.
fn extra<'a>(item: &'a Item, key: &str, default: Value) -> Cow<'a, Value> {
    item.extra
        .get(key)
        .map_or(Cow::Owned(default), Cow::Borrowed)
}

/// One item of a search page, as `items::item_json` shows it to the caller.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView<'a> {
    id: &'a str,
    owner: &'a str,
    org_id: &'a str,
    created: i64,
    is_org_item: bool,
    modified: i64,
    guid: (),
    name: Option<&'a str>,
    title: &'a str,
    #[serde(rename = "type")]
    item_type: &'a str,
    type_keywords: &'a [String],
    description: Cow<'a, Value>,
    tags: &'a [String],
    snippet: Cow<'a, Value>,
    thumbnail: Option<&'a str>,
    documentation: (),
    extent: Cow<'a, Value>,
    categories: Cow<'a, Value>,
    spatial_reference: Cow<'a, Value>,
    access_information: Cow<'a, Value>,
    classification: (),
    license_info: Cow<'a, Value>,
    culture: Cow<'a, Value>,
    properties: Cow<'a, Value>,
    advanced_settings: (),
    url: Option<&'a str>,
    proxy_filter: (),
    access: &'static str,
    size: i64,
    sub_info: u8,
    app_categories: [(); 0],
    industries: [(); 0],
    languages: [(); 0],
    large_thumbnail: (),
    banner: (),
    screenshots: [(); 0],
    listed: bool,
    owner_folder: Option<&'a str>,
    protected: bool,
    comments_enabled: bool,
    num_comments: u8,
    num_ratings: u8,
    avg_rating: Cow<'a, Value>,
    num_views: Cow<'a, Value>,
    item_control: Option<&'static str>,
    score_completeness: u8,
    group_designations: (),
    content_origin: &'static str,
    last_viewed: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_status: Option<&'a str>,
}

impl<'a> ItemView<'a> {
    /// The view of `item` for `caller`.
    pub fn new(st: &'a Store, caller: &Caller, item: &'a Item) -> Self {
        let get = |k: &str| extra(item, k, Value::Null);
        let item_control = match caller.username() {
            Some(u) if u == item.owner || caller.is_admin() => Some("admin"),
            _ => None,
        };
        ItemView {
            id: &item.id,
            owner: &item.owner,
            org_id: &st.org().id,
            created: item.created,
            is_org_item: true,
            modified: item.modified,
            guid: (),
            name: item.name(),
            title: &item.title,
            item_type: &item.item_type,
            type_keywords: &item.type_keywords,
            description: get("description"),
            tags: &item.tags,
            snippet: get("snippet"),
            thumbnail: item.thumbnail.as_ref().map(|t| t.path.as_str()),
            documentation: (),
            extent: extra(item, "extent", Value::Array(Vec::new())),
            categories: extra(item, "categories", Value::Array(Vec::new())),
            spatial_reference: get("spatialReference"),
            access_information: get("accessInformation"),
            classification: (),
            license_info: get("licenseInfo"),
            culture: extra(item, "culture", Value::from("en-us")),
            properties: get("properties"),
            advanced_settings: (),
            url: item.url.as_deref(),
            proxy_filter: (),
            access: item.sharing.access(),
            size: item.size(),
            sub_info: 0,
            app_categories: [],
            industries: [],
            languages: [],
            large_thumbnail: (),
            banner: (),
            screenshots: [],
            listed: false,
            owner_folder: item.folder.as_deref(),
            protected: item.protected,
            comments_enabled: false,
            num_comments: 0,
            num_ratings: 0,
            avg_rating: extra(item, "avgRating", Value::from(0)),
            num_views: extra(item, "numViews", Value::from(0)),
            item_control,
            score_completeness: 70,
            group_designations: (),
            content_origin: "self",
            last_viewed: item.modified,
            content_status: item.content_status.as_deref(),
        }
    }
}

/// A search response: the paging envelope around the page's items.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchReply<'a> {
    /// `q` as sent.
    pub query: &'a str,
    /// All matches.
    pub total: usize,
    /// `start` as requested.
    pub start: usize,
    /// `num` as requested.
    pub num: usize,
    /// The next page's `start`, or -1.
    pub next_start: i64,
    /// The page.
    pub results: Vec<ItemView<'a>>,
    /// `countFields` aggregations, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregations: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Dataset;
    use crate::sandbox::dataset;
    use crate::sandbox::items::item_json;
    use crate::sandbox::model::Role;

    #[test]
    fn views_serialise_exactly_as_item_json() {
        for ds in [
            Dataset::Demo,
            Dataset::Generated {
                count: 2_000,
                seed: 5,
            },
        ] {
            let st = dataset::build(&ds, "http://127.0.0.1:1");
            let admin = st.users.values().find(|u| u.role == Role::Admin);
            let callers = [
                Caller::Anonymous,
                Caller::User {
                    username: admin.map(|u| u.username.clone()).unwrap_or_default(),
                    role: Role::Admin,
                },
            ];
            for caller in &callers {
                for item in st.items.values() {
                    let want = serde_json::to_string(&item_json(&st, caller, item));
                    let got = serde_json::to_string(&ItemView::new(&st, caller, item));
                    assert_eq!(got.ok(), want.ok(), "{}", item.id);
                }
            }
        }
    }
}
