//! Search: `{rest}/search` (items), `content/groups/{id}/search` (items shared with a group),
//! `community/groups` and `community/users`. Owns the query language (`lex`, `parse`), how an
//! item matches it (`eval`, over the word tokens of `text`), paging with the 10,000-result
//! window and sorting (`page`), and `countFields` aggregations (`counts`). A query is parsed
//! once per request; matching allocates nothing per item and only the requested page is sorted.

mod community;
mod counts;
mod eval;
mod lex;
mod page;
mod parse;
mod text;
mod view;

#[cfg(test)]
mod index_tests;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::any;

use super::Ctx;
use super::auth::{self, Caller, can_view};
use super::model::{Item, State as Store};
use super::params::Params;
use super::reply::{ApiError, ApiResult, raw_json};
use counts::Counts;
use eval::{Scope, item_matches};
use page::{Paging, Sort, select_page};
use parse::{Field, Node};
use view::{ItemView, SearchReply};

/// Longest accepted query (the real service's limit).
const MAX_QUERY_BYTES: usize = 10 * 1024;

/// Routes relative to the REST root.
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/search", any(search))
        .route("/content/groups/{id}/search", any(group_search))
        .route("/community/groups", any(community::groups))
        .route("/community/users", any(community::users))
}

/// The error every rejected search gets: 400 "Unable to perform search." with `detail`.
fn search_error(detail: impl Into<String>) -> ApiError {
    ApiError::bad_request("Unable to perform search.").detail(detail)
}

/// Parses a `q` or `filter` value into a query tree.
fn parse_query(q: &str) -> Result<Node, ApiError> {
    if q.len() > MAX_QUERY_BYTES {
        return Err(search_error("The query is longer than the 10 KB limit."));
    }
    parse::parse(q).map_err(search_error)
}

/// A validated item search request.
struct ItemSearch {
    /// `q` as sent (echoed as `query`).
    q: String,
    query: Node,
    filter: Option<Node>,
    paging: Paging,
    sort: Sort,
    counts: Option<Counts>,
}

impl ItemSearch {
    fn from_params(p: &Params) -> Result<ItemSearch, ApiError> {
        let q = p.get("q").unwrap_or("").to_string();
        Ok(ItemSearch {
            query: parse_query(&q)?,
            filter: p.get("filter").map(parse_query).transpose()?,
            paging: Paging::from_params(p)?,
            sort: Sort::from_params(p)?,
            counts: Counts::from_params(p)?,
            q,
        })
    }
}

async fn search(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let req = ItemSearch::from_params(&p)?;
    let st = ctx.read();
    respond(&run(&st, &caller, &req, None))
}

async fn group_search(State(ctx): State<Arc<Ctx>>, Path(id): Path<String>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let req = ItemSearch::from_params(&p)?;
    let st = ctx.read();
    let group = st
        .groups
        .get(&id)
        .filter(|g| community::group_visible(&caller, g))
        .ok_or_else(|| ApiError::bad_request("Group does not exist or is inaccessible."))?;
    respond(&run(&st, &caller, &req, Some(&group.id)))
}

/// The inclusive epoch-ms bounds of a `created` range every match must satisfy, if any.
fn created_window(query: &Node) -> Option<(i64, i64)> {
    let conjuncts = match query {
        Node::And(v) => v.as_slice(),
        one => std::slice::from_ref(one),
    };
    conjuncts.iter().find_map(|n| match n {
        Node::Term(t) if t.field == Field::Created => t.value.inclusive_bounds(),
        _ => None,
    })
}

/// Runs an item search over the items `caller` may see (only those shared with `group` if set).
/// When the query has a top-level `created` range conjunct (as the scan's split queries do),
/// only the items of that window are visited, through the items' created index.
fn run<'a>(
    st: &'a Store,
    caller: &Caller,
    req: &'a ItemSearch,
    group: Option<&str>,
) -> SearchReply<'a> {
    match created_window(&req.query) {
        Some((lo, hi)) => run_over(st, caller, req, group, st.items.created_in(lo, hi)),
        None => run_over(st, caller, req, group, st.items.values()),
    }
}

/// [`run`] over `items`, which must include every item that can match. Their order does not
/// matter: the page is ordered by a total order and the counts are order-free.
fn run_over<'a>(
    st: &'a Store,
    caller: &Caller,
    req: &'a ItemSearch,
    group: Option<&str>,
    items: impl Iterator<Item = &'a Item>,
) -> SearchReply<'a> {
    let org_id = st.org().id.as_str();
    let index = Scope {
        org_id,
        exact: false,
    };
    let exact = Scope {
        org_id,
        exact: true,
    };
    let mut hits: Vec<(u128, &Item)> = items
        .filter(|i| {
            // The query first: its leading `created` range rejects most items cheaply.
            item_matches(&req.query, i, index)
                && group.is_none_or(|g| i.sharing.groups.contains(g))
                && can_view(st, caller, i)
                && req
                    .filter
                    .as_ref()
                    .is_none_or(|f| item_matches(f, i, exact))
        })
        .map(|i| (req.sort.coarse(i), i))
        .collect();
    let total = hits.len();
    let (range, next) = req.paging.window(total);
    select_page(&mut hits, range.clone(), |a, b| {
        a.0.cmp(&b.0).then_with(|| req.sort.compare(a.1, b.1))
    });
    SearchReply {
        query: &req.q,
        total,
        start: req.paging.start,
        num: req.paging.num,
        next_start: next,
        results: hits[range]
            .iter()
            .map(|(_, i)| ItemView::new(st, caller, i))
            .collect(),
        aggregations: req
            .counts
            .as_ref()
            .map(|c| c.aggregate(hits.iter().map(|(_, i)| *i))),
    }
}

/// The reply as a JSON response.
fn respond(reply: &SearchReply<'_>) -> ApiResult {
    serde_json::to_vec(reply)
        .map(raw_json)
        .map_err(|e| ApiError::server_error(e.to_string()))
}
