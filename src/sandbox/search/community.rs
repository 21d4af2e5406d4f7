//! Group and user searches: `community/groups` (`q` on `id:`, `title:`, `owner:`, `tags:`,
//! `snippet:`, `access:`, `orgid:`, `created:` and free text over title, snippet, tags and
//! owner; only groups the caller may see) and `community/users` (`q` on `username:`,
//! `fullname:`, `role:`, `orgid:`, `created:` and free text over username and full name; org
//! members only, so anonymous callers find nobody). Same paging and window as item search.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::extract::State;
use serde_json::{Value, json};

use super::eval::{keyword, words};
use super::page::{Paging, parse_orders, select_page};
use super::parse::{Field, Term, Value as QValue};
use super::text::{icmp, relevance_hash};
use super::{parse_query, search_error};
use crate::sandbox::Ctx;
use crate::sandbox::auth::{self, Caller};
use crate::sandbox::model::{Group, State as Store, User};
use crate::sandbox::params::Params;
use crate::sandbox::portal_routes::{group_json, user_json};
use crate::sandbox::reply::{ApiError, ApiResult, ok};

/// Whether `caller` may see group `g` (public groups to all, org groups to members of the org,
/// private groups to their members, everything to admins).
pub fn group_visible(caller: &Caller, g: &Group) -> bool {
    g.access == "public"
        || caller.is_admin()
        || caller
            .username()
            .is_some_and(|u| g.access == "org" || g.members.contains(u))
}

/// `sortField`/`sortOrder` restricted to `allowed` names: lower-cased names with "descending".
fn sort_keys(p: &Params, allowed: &[&str]) -> Result<Vec<(String, bool)>, ApiError> {
    let orders = parse_orders(p.get("sortOrder"))?;
    let mut keys = Vec::new();
    for (k, name) in p.list("sortField").unwrap_or_default().iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if !allowed.contains(&lower.as_str()) {
            return Err(search_error(format!(
                "Invalid sortField '{name}': use {}.",
                allowed.join(", ")
            )));
        }
        keys.push((
            lower,
            orders.get(k).or(orders.last()).copied().unwrap_or(false),
        ));
    }
    Ok(keys)
}

/// Compares by each key (via `by`), then by `id`; by the id hash when there are no keys.
fn compare<T>(
    keys: &[(String, bool)],
    a: &T,
    b: &T,
    id: impl Fn(&T) -> &str,
    by: impl Fn(&str, &T, &T) -> Ordering,
) -> Ordering {
    if keys.is_empty() {
        return relevance_hash(id(a))
            .cmp(&relevance_hash(id(b)))
            .then_with(|| id(a).cmp(id(b)));
    }
    for (key, desc) in keys {
        let o = by(key, a, b);
        if o != Ordering::Equal {
            return if *desc { o.reverse() } else { o };
        }
    }
    id(a).cmp(id(b))
}

/// `GET|POST {rest}/community/groups`.
pub async fn groups(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let q = p.get("q").unwrap_or("");
    let query = parse_query(q)?;
    let paging = Paging::from_params(&p)?;
    let keys = sort_keys(&p, &["title", "owner", "created", "modified"])?;
    let st = ctx.lock();
    let org_id = st.org().id.as_str();
    let mut hits: Vec<&Group> = st
        .groups
        .values()
        .filter(|g| group_visible(&caller, g) && query.matches(&|t| group_term(t, g, org_id)))
        .collect();
    let (range, next) = paging.window(hits.len());
    let by = |key: &str, a: &&Group, b: &&Group| match key {
        "title" => icmp(&a.title, &b.title),
        "owner" => icmp(&a.owner, &b.owner),
        _ => a.created.cmp(&b.created),
    };
    select_page(&mut hits, range.clone(), |a, b| {
        compare(&keys, a, b, |g| &g.id, by)
    });
    let results = hits[range]
        .iter()
        .map(|g| group_result(&st, &caller, g))
        .collect();
    ok(paging.envelope(q, hits.len(), next, results))
}

/// The group JSON with the caller's membership.
fn group_result(st: &Store, caller: &Caller, g: &Group) -> Value {
    let mut v = group_json(st, g);
    if let Some(u) = caller.username() {
        let member_type = if g.owner == u {
            "owner"
        } else if g.members.contains(u) {
            "member"
        } else {
            "none"
        };
        v["userMembership"] = json!({"username": u, "memberType": member_type});
    }
    v
}

fn group_term(t: &Term, g: &Group, org_id: &str) -> bool {
    let v = match &t.value {
        QValue::Any => return !matches!(t.field, Field::Unknown(_)),
        QValue::Range { .. } => {
            return t.field.is_date() && t.value.in_range(g.created);
        }
        QValue::Text(v) => v,
    };
    match &t.field {
        Field::Text => {
            words(&g.title, v)
                || words(&g.snippet, v)
                || g.tags.iter().any(|x| words(x, v))
                || words(&g.owner, v)
        }
        Field::Id => keyword(&g.id, v),
        Field::Title => words(&g.title, v),
        Field::Owner => keyword(&g.owner, v),
        Field::Tags => g.tags.iter().any(|x| words(x, v)),
        Field::Snippet => words(&g.snippet, v),
        Field::Access => keyword(&g.access, v),
        Field::OrgId => keyword(org_id, v),
        _ => false,
    }
}

/// `GET|POST {rest}/community/users`.
pub async fn users(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let caller = auth::caller(&ctx, &p)?;
    let q = p.get("q").unwrap_or("");
    let query = parse_query(q)?;
    let paging = Paging::from_params(&p)?;
    let keys = sort_keys(&p, &["username", "fullname", "created"])?;
    let st = ctx.lock();
    let org_id = st.org().id.as_str();
    let mut hits: Vec<&User> = st
        .users
        .values()
        .filter(|u| caller != Caller::Anonymous && query.matches(&|t| user_term(t, u, org_id)))
        .collect();
    let (range, next) = paging.window(hits.len());
    let by = |key: &str, a: &&User, b: &&User| match key {
        "username" => icmp(&a.username, &b.username),
        "fullname" => icmp(&a.full_name, &b.full_name),
        _ => a.created.cmp(&b.created),
    };
    select_page(&mut hits, range.clone(), |a, b| {
        compare(&keys, a, b, |u| &u.username, by)
    });
    let results = hits[range]
        .iter()
        .map(|u| user_json(&st, u, false))
        .collect();
    ok(paging.envelope(q, hits.len(), next, results))
}

fn user_term(t: &Term, u: &User, org_id: &str) -> bool {
    let v = match &t.value {
        QValue::Any => return !matches!(t.field, Field::Unknown(_)),
        QValue::Range { .. } => return t.field.is_date() && t.value.in_range(u.created),
        QValue::Text(v) => v,
    };
    match &t.field {
        Field::Text => words(&u.username, v) || words(&u.full_name, v),
        Field::Username => keyword(&u.username, v),
        Field::FullName => words(&u.full_name, v),
        Field::Role => keyword(u.role.api_name(), v),
        Field::OrgId => keyword(org_id, v),
        _ => false,
    }
}
