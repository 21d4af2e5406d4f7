//! Reading one item for the graph: its JSON, then, when it is to be explored, the documents the
//! §10 rules name for its type (`/data`, draft and config resources) and its forward related
//! items. An item that is missing or not readable becomes a bare node, never an error; only
//! failures that say nothing about the item (network, server, sign-in) stop the build.

use std::collections::BTreeSet;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::documents::plan;
use super::graph::Node;
use super::parse::{data_references, service_root, service_urls};
use super::relations::relationship_types;
use crate::portal::wire::{Item, RelatedItems, ResourceList};
use crate::portal::{PortalClient, PortalError};

/// JSON documents larger than this are not parsed for ids.
const MAX_DOCUMENT_BYTES: usize = 64 << 20;
/// Pages of related items or resources read at most per query.
const MAX_PAGES: usize = 100;
/// Characters kept as they are in a resource path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One item to read.
#[derive(Debug)]
pub struct Job {
    /// Item id.
    pub id: String,
    /// The item JSON, when a related-items answer already carried it.
    pub known: Option<Item>,
    /// Roots are explored even when outside the organisation.
    pub root: bool,
}

/// What reading one item found.
#[derive(Debug)]
pub struct Visit {
    /// Item id.
    pub id: String,
    /// The item, `None` when missing or not readable.
    pub item: Option<Item>,
    /// Whether it belongs to the organisation.
    pub in_org: bool,
    /// Whether its documents and related items were read.
    pub explored: bool,
    /// Ids found in its documents (its own id removed).
    pub data_refs: BTreeSet<String>,
    /// Forward related items with their relationship type.
    pub related: Vec<(String, Item)>,
    /// Service roots of its layers saved by URL only.
    pub layer_roots: BTreeSet<String>,
}

impl Visit {
    /// The graph node of this item.
    pub fn node(&self) -> Node {
        match &self.item {
            None => Node::missing(&self.id),
            Some(item) => Node {
                id: self.id.clone(),
                title: item.title.clone().unwrap_or_default(),
                item_type: item.item_type.clone().unwrap_or_default(),
                owner: item.owner.clone().unwrap_or_default(),
                in_org: self.in_org,
                accessible: true,
            },
        }
    }

    /// The service root of the item's own URL.
    pub fn url_root(&self) -> Option<String> {
        self.item.as_ref()?.url.as_deref().and_then(service_root)
    }

    /// The items to read next: what this explored item needs.
    pub fn next_jobs(&self) -> Vec<Job> {
        let refs = self.data_refs.iter().map(|id| Job {
            id: id.clone(),
            known: None,
            root: false,
        });
        let related = self.related.iter().map(|(_, item)| Job {
            id: item.id.clone(),
            known: Some(item.clone()),
            root: false,
        });
        refs.chain(related).collect()
    }
}

/// Whether `e` only says that this item (or resource) cannot be read by the caller.
pub fn is_unreadable(e: &PortalError) -> bool {
    e.is_not_found()
        || e.is_permission()
        || e.is_token_required()
        || matches!(e.api_code(), Some(400 | 403 | 404 | 499))
        || matches!(
            e,
            PortalError::Http {
                status: 400 | 403 | 404 | 410,
                ..
            }
        )
}

/// `Ok(None)` for an unreadable answer, other errors kept.
fn soft<T>(r: Result<T, PortalError>) -> Result<Option<T>, PortalError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_unreadable(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `v` is a truthy paging key.
fn next_key(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.as_i64().is_none_or(|i| i > 0) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads items for one graph build.
pub struct Reader<'a> {
    /// The signed-in client.
    pub client: &'a PortalClient,
    /// Checked between requests.
    pub cancel: &'a CancellationToken,
    /// The organisation's id (`portals/self`), for items without `isOrgItem`.
    pub home_org: Option<String>,
}

impl Reader<'_> {
    /// Reads `job`'s item and, when it is to be explored, what it needs.
    pub async fn visit(&self, job: Job) -> Result<Visit, PortalError> {
        let item = match job.known {
            Some(item) => Some(item),
            None => soft(self.client.item(&job.id).await)?,
        };
        let in_org = item.as_ref().is_some_and(|i| self.in_org(i));
        let mut visit = Visit {
            id: job.id,
            item,
            in_org,
            explored: false,
            data_refs: BTreeSet::new(),
            related: Vec::new(),
            layer_roots: BTreeSet::new(),
        };
        let Some(item) = visit.item.as_ref().filter(|_| job.root || in_org) else {
            return Ok(visit);
        };
        let item_type = item.item_type.clone().unwrap_or_default();
        for doc in self.documents(item).await? {
            visit.data_refs.extend(data_references(&item_type, &doc));
            visit.layer_roots.extend(service_urls(&item_type, &doc));
        }
        visit.data_refs.remove(&visit.id);
        let is_view = item.type_keywords.iter().any(|k| k == "View Service");
        let (forward, _) = relationship_types(&item_type, is_view);
        visit.related = self.related(&visit.id, &forward).await?;
        visit.related.retain(|(_, i)| i.id != visit.id);
        visit.explored = !self.cancel.is_cancelled();
        Ok(visit)
    }

    fn in_org(&self, item: &Item) -> bool {
        item.is_org_item
            .unwrap_or_else(|| match (&item.org_id, &self.home_org) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            })
    }

    /// The JSON documents of `item` that the §10 rules read.
    async fn documents(&self, item: &Item) -> Result<Vec<Value>, PortalError> {
        let plan = plan(item);
        let base = format!("content/items/{}", item.id);
        let mut docs = Vec::new();
        if plan.data
            && let Some(v) = self.json_at(&format!("{base}/data")).await?
        {
            docs.push(v);
        }
        let mut names = plan.resources;
        if let Some(pick) = plan.pick {
            names.extend(
                self.resource_names(&base)
                    .await?
                    .into_iter()
                    .filter(|n| pick.matches(n)),
            );
        }
        for name in names {
            let path: Vec<String> = name
                .split('/')
                .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
                .collect();
            if let Some(v) = self
                .json_at(&format!("{base}/resources/{}", path.join("/")))
                .await?
            {
                docs.push(v);
            }
        }
        Ok(docs)
    }

    /// The JSON at `path`; `None` when unreadable, empty, too large or not JSON.
    async fn json_at(&self, path: &str) -> Result<Option<Value>, PortalError> {
        if self.cancel.is_cancelled() {
            return Ok(None);
        }
        let Some(mut download) = soft(self.client.download(path).await)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = download.chunk().await? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_DOCUMENT_BYTES {
                return Ok(None);
            }
        }
        Ok(serde_json::from_slice(&bytes).ok())
    }

    /// Every resource name of the item at `base`.
    async fn resource_names(&self, base: &str) -> Result<Vec<String>, PortalError> {
        let mut names = Vec::new();
        let mut start = 1_i64;
        for _ in 0..MAX_PAGES {
            if self.cancel.is_cancelled() {
                break;
            }
            let start_text = start.to_string();
            let query = [("num", "100"), ("start", start_text.as_str())];
            let Some(page) = soft(
                self.client
                    .get_json::<ResourceList>(&format!("{base}/resources"), &query)
                    .await,
            )?
            else {
                break;
            };
            names.extend(page.resources.into_iter().map(|r| r.resource));
            match page.next_start {
                Some(n) if n > start => start = n,
                _ => break,
            }
        }
        Ok(names)
    }

    /// Forward related items of `id` for `types`, each with the type that links it. One query
    /// for all types; only when it finds something is each type asked on its own (the answer
    /// does not say which type matched). A portal that rejects the list is asked type by type.
    async fn related(&self, id: &str, types: &[&str]) -> Result<Vec<(String, Item)>, PortalError> {
        if types.is_empty() || self.cancel.is_cancelled() {
            return Ok(Vec::new());
        }
        match soft(self.related_of(id, &types.join(",")).await)? {
            Some(all) if all.is_empty() => return Ok(Vec::new()),
            Some(all) if types.len() == 1 => {
                return Ok(all.into_iter().map(|i| (types[0].to_string(), i)).collect());
            }
            _ => {}
        }
        let mut out = Vec::new();
        for t in types {
            if self.cancel.is_cancelled() {
                break;
            }
            let items = soft(self.related_of(id, t).await)?.unwrap_or_default();
            out.extend(items.into_iter().map(|i| (t.to_string(), i)));
        }
        Ok(out)
    }

    /// Every page of `relatedItems` (forward) of `id` for the comma list `types`.
    async fn related_of(&self, id: &str, types: &str) -> Result<Vec<Item>, PortalError> {
        let path = format!("content/items/{id}/relatedItems");
        let mut items: Vec<Item> = Vec::new();
        let mut key: Option<String> = None;
        let mut seen_keys = BTreeSet::new();
        for _ in 0..MAX_PAGES {
            let mut form = vec![
                ("relationshipTypes", types),
                ("direction", "forward"),
                ("num", "100"),
            ];
            if let Some(k) = key.as_deref() {
                form.push(("start", k));
            }
            let page: RelatedItems = self.client.post_read(&path, &form).await?;
            for item in page.related_items {
                if !items.iter().any(|i| i.id == item.id) {
                    items.push(item);
                }
            }
            key = next_key(page.next_key.as_ref()).filter(|k| seen_keys.insert(k.clone()));
            if key.is_none() || self.cancel.is_cancelled() {
                break;
            }
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paging_keys() {
        assert_eq!(next_key(Some(&json!("abc"))).as_deref(), Some("abc"));
        assert_eq!(next_key(Some(&json!(101))).as_deref(), Some("101"));
        for falsy in [json!(null), json!(""), json!(-1), json!(0), json!(false)] {
            assert_eq!(next_key(Some(&falsy)), None, "{falsy}");
        }
        assert_eq!(next_key(None), None);
    }

    #[test]
    fn unreadable_errors() {
        let api = |code: u16, message: &str| PortalError::Api {
            url: "u".into(),
            code,
            message_code: None,
            message: message.into(),
            details: vec![],
        };
        assert!(is_unreadable(&api(
            400,
            "Item does not exist or is inaccessible."
        )));
        assert!(is_unreadable(&api(403, "You do not have permissions")));
        assert!(is_unreadable(&api(499, "Token Required")));
        assert!(!is_unreadable(&api(500, "Server error")));
        assert!(!is_unreadable(&api(498, "Invalid token")));
        let net = PortalError::Network {
            url: "u".into(),
            message: "reset".into(),
        };
        assert!(!is_unreadable(&net));
        let http = |status| PortalError::Http {
            url: "u".into(),
            status,
            retry_after: None,
        };
        assert!(is_unreadable(&http(404)));
        assert!(!is_unreadable(&http(503)));
    }
}
