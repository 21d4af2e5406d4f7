//! Serde types of the portal's JSON answers (arcgis-protocol.md §2-§5): portal and user records,
//! search pages, items, related items, item groups, resource lists and token answers. Every
//! field a real portal may leave out is optional, odd encodings are accepted (see `de`), and
//! unknown fields are kept in `extra` so nothing a portal sends is lost.

mod account;
mod de;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use account::{
    AuthInfo, Group, OAuthTokenResponse, PortalInfo, PortalSelf, TokenResponse, User,
};
pub use de::{Extent, SpatialReference};

/// A secret string (token, key): its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself (send it, never print it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A portal item (`content/items/{id}`, search results), §5.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Item {
    /// 32-hex id.
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub org_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_org_item: Option<bool>,
    /// Epoch ms; missing on legacy items (see [`Item::created_ms`]).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub created: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub modified: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub guid: Option<String>,
    /// File name of file items.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub title: Option<String>,
    /// Item type, e.g. `Web Map`.
    #[serde(rename = "type", default, deserialize_with = "de::opt_text")]
    pub item_type: Option<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub type_keywords: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub snippet: Option<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub tags: Vec<String>,
    /// Path under `/info/`, e.g. `thumbnail/thumbnail.png`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub thumbnail: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub documentation: Option<String>,
    #[serde(default, deserialize_with = "de::extent")]
    pub extent: Option<Extent>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub categories: Vec<String>,
    #[serde(default, deserialize_with = "de::spatial_reference")]
    pub spatial_reference: Option<SpatialReference>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access_information: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub license_info: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub culture: Option<String>,
    #[serde(default)]
    pub classification: Option<Value>,
    /// App-specific properties (object or null).
    #[serde(default)]
    pub properties: Option<Value>,
    #[serde(default)]
    pub advanced_settings: Option<Value>,
    /// Service or app URL.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url: Option<String>,
    #[serde(default)]
    pub proxy_filter: Option<Value>,
    /// `private`, `shared`, `org` or `public`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access: Option<String>,
    /// Bytes, or -1 (see [`Item::size_bytes`]).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub size: Option<i64>,
    #[serde(default)]
    pub sub_info: Option<Value>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub app_categories: Vec<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub industries: Vec<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub languages: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub large_thumbnail: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub banner: Option<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub screenshots: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub listed: Option<bool>,
    /// Folder id, `None` for the root folder.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub owner_folder: Option<String>,
    /// Delete protection.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub protected: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub comments_enabled: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub num_comments: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub num_ratings: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub avg_rating: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub num_views: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub last_viewed: Option<i64>,
    /// `admin`, `update` or none, as the caller sees it.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub item_control: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub score_completeness: Option<f64>,
    #[serde(default)]
    pub group_designations: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub content_origin: Option<String>,
    /// `org_authoritative`, `public_authoritative`, `deprecated`; none when absent or empty.
    #[serde(default, deserialize_with = "de::opt_nonempty")]
    pub content_status: Option<String>,
    /// Every other field, as sent (legacy `item`, `itemType`, `uploaded` ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Item {
    /// The size in bytes, `None` when the portal reports none (-1) or leaves it out.
    pub fn size_bytes(&self) -> Option<u64> {
        self.size.and_then(|s| u64::try_from(s).ok())
    }

    /// `created`, or the legacy `uploaded` when `created` is missing.
    pub fn created_ms(&self) -> Option<i64> {
        self.created.or_else(|| {
            self.extra
                .get("uploaded")
                .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
        })
    }
}

/// A page of `search`, group content or a similar listing, §4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct SearchPage<T> {
    /// The query as the portal understood it.
    #[serde(default)]
    pub query: Option<String>,
    /// Total hits (may exceed what can be paged).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total: Option<i64>,
    /// 1-based index of the first result.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub start: Option<i64>,
    /// Results on this page.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub num: Option<i64>,
    /// Start of the next page, -1 after the last.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub next_start: Option<i64>,
    /// The results (`items` in group content listings).
    #[serde(default, alias = "items", deserialize_with = "de::list")]
    pub results: Vec<T>,
    /// `countFields` aggregations, when asked for.
    #[serde(default)]
    pub aggregations: Option<Value>,
}

impl<T> SearchPage<T> {
    /// The `start` of the next page, `None` after the last one (or on an empty page).
    pub fn next(&self) -> Option<u32> {
        if self.results.is_empty() {
            return None;
        }
        self.next_start
            .filter(|n| *n > 0)
            .and_then(|n| u32::try_from(n).ok())
    }
}
/// `content/items/{id}/relatedItems`, §5.5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedItems {
    /// Number of related items.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total: Option<i64>,
    /// The related items.
    #[serde(default, deserialize_with = "de::list")]
    pub related_items: Vec<Item>,
    /// Paging key for the next page (`nextKey` or `nextkey`), when there is one.
    #[serde(default, alias = "nextkey")]
    pub next_key: Option<Value>,
}

/// `content/items/{id}/groups`, §5.6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemGroups {
    /// Groups the caller administers.
    #[serde(default, deserialize_with = "de::list")]
    pub admin: Vec<Group>,
    /// Groups the caller is a member of.
    #[serde(default, deserialize_with = "de::list")]
    pub member: Vec<Group>,
    /// Other groups.
    #[serde(default, deserialize_with = "de::list")]
    pub other: Vec<Group>,
}

impl ItemGroups {
    /// All groups of the three lists.
    pub fn all(&self) -> impl Iterator<Item = &Group> {
        self.admin.iter().chain(&self.member).chain(&self.other)
    }
}

/// `content/items/{id}/resources`, §5.4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ResourceList {
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub start: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub num: Option<i64>,
    /// -1 after the last page.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub next_start: Option<i64>,
    #[serde(default, deserialize_with = "de::list")]
    pub resources: Vec<ResourceEntry>,
}

/// One entry of a resource list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceEntry {
    /// Relative path with folders, e.g. `images/pic.png`.
    pub resource: String,
    /// Epoch ms.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub created: Option<i64>,
    /// Bytes.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub size: Option<i64>,
    /// `inherit` or `private`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access: Option<String>,
    /// Properties: real portals send a JSON-encoded string.
    #[serde(default)]
    pub properties: Option<Value>,
}

/// The number of attachments a `queryAttachments` answer counts: each group's `count`
/// (`returnCountOnly`), or the length of its `attachmentInfos` when a portal lists them instead.
pub fn attachment_count(body: &serde_json::Value) -> u64 {
    body["attachmentGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            g["count"].as_u64().unwrap_or_else(|| {
                g["attachmentInfos"]
                    .as_array()
                    .map_or(0, |a| a.len() as u64)
            })
        })
        .sum()
}
