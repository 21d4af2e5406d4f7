//! Who is calling: tokens from `X-Esri-Authorization`, `Authorization` or a `token` parameter,
//! their expiry and referer binding; `generateToken`; and the visibility and edit rules
//! (anonymous sees public items, org members see org items and their groups' items, owners and
//! admins see and change their items).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use serde_json::json;

use super::model::{Item, Role, State as Store, Token};
use super::params::Params;
use super::reply::{ApiError, ApiResult, ok};
use super::{Ctx, now_ms};

/// The identity behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No token.
    Anonymous,
    /// A signed-in org member.
    User {
        /// Username.
        username: String,
        /// Role.
        role: Role,
    },
}

impl Caller {
    /// The username, if signed in.
    pub fn username(&self) -> Option<&str> {
        match self {
            Caller::Anonymous => None,
            Caller::User { username, .. } => Some(username),
        }
    }

    /// True for an org administrator.
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Caller::User {
                role: Role::Admin,
                ..
            }
        )
    }

    /// The username, or 499 Token Required.
    pub fn require(&self) -> Result<&str, ApiError> {
        self.username().ok_or_else(ApiError::token_required)
    }

    /// The token string sent with `p`, if any.
    pub fn token_of(p: &Params) -> Option<String> {
        for name in ["x-esri-authorization", "authorization"] {
            if let Some(v) = p.headers.get(name).and_then(|v| v.to_str().ok()) {
                let v = v.trim();
                let t = v
                    .strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
                    .unwrap_or(v);
                if !t.is_empty() {
                    return Some(t.to_string());
                }
            }
        }
        p.get("token").map(str::to_string)
    }
}

/// Resolves the caller of a request: anonymous without a token, 498 for a bad one.
pub fn caller(ctx: &Ctx, p: &Params) -> Result<Caller, ApiError> {
    let Some(token) = Caller::token_of(p) else {
        return Ok(Caller::Anonymous);
    };
    let st = ctx.lock();
    let t = st.tokens.get(&token).ok_or_else(ApiError::invalid_token)?;
    if t.expires <= now_ms() {
        return Err(ApiError::invalid_token());
    }
    if let Some(bound) = &t.referer {
        let sent = p
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if sent != bound {
            return Err(ApiError::invalid_token());
        }
    }
    let user = st
        .users
        .get(&t.username)
        .ok_or_else(ApiError::invalid_token)?;
    Ok(Caller::User {
        username: user.username.clone(),
        role: user.role,
    })
}

/// Issues an access token for `username` valid for `ttl_ms` (capped by `--token-ttl-secs`).
/// Returns the token and its expiry (epoch ms).
pub fn issue_token(
    ctx: &Ctx,
    st: &mut Store,
    username: &str,
    ttl_ms: i64,
    referer: Option<String>,
) -> (String, i64) {
    let cap = i64::try_from(ctx.cfg.token_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let expires = now_ms() + ttl_ms.clamp(1, cap.max(1));
    let token = st.new_secret();
    st.tokens.insert(
        token.clone(),
        Token {
            username: username.to_string(),
            expires,
            referer,
        },
    );
    (token, expires)
}

/// Checks a username and password.
pub fn check_password(st: &Store, username: &str, password: &str) -> bool {
    st.users
        .get(username)
        .is_some_and(|u| u.password == password)
}

/// `POST {rest}/generateToken`: username + password -> token bound to a referer.
pub async fn generate_token(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let failed = || ApiError::bad_request("Unable to generate token.");
    let (Some(username), Some(password)) = (p.get("username"), p.get("password")) else {
        return Err(failed()
            .detail("'username' must be specified.")
            .detail("'password' must be specified."));
    };
    if p.method != axum::http::Method::POST {
        return Err(failed().detail("Token generation must use POST."));
    }
    let minutes = p.int("expiration")?.unwrap_or(60).clamp(1, 20160);
    let referer = match p.get("client").unwrap_or("referer") {
        "referer" => Some(
            p.get("referer")
                .or_else(|| p.headers.get(header::REFERER).and_then(|v| v.to_str().ok()))
                .ok_or_else(|| failed().detail("'referer' must be specified."))?
                .to_string(),
        ),
        "requestip" | "ip" => None,
        other => return Err(failed().detail(format!("Invalid client type '{other}'."))),
    };
    let mut st = ctx.lock();
    if !check_password(&st, username, password) {
        return Err(failed().detail("Invalid username or password."));
    }
    let (token, expires) = issue_token(&ctx, &mut st, username, minutes * 60_000, referer);
    ok(json!({"token": token, "expires": expires, "ssl": false}))
}

/// Whether `caller` may see `item`.
pub fn can_view(st: &Store, caller: &Caller, item: &Item) -> bool {
    if item.sharing.everyone {
        return true;
    }
    let Caller::User { username, role } = caller else {
        return false;
    };
    if *role == Role::Admin || item.owner == *username || item.sharing.org {
        return true;
    }
    item.sharing.groups.iter().any(|g| {
        st.groups
            .get(g)
            .is_some_and(|g| g.members.contains(username))
    })
}

/// Whether `caller` may change or delete `item` (owner or admin).
pub fn can_edit(caller: &Caller, item: &Item) -> bool {
    match caller {
        Caller::Anonymous => false,
        Caller::User { username, role } => *role == Role::Admin || item.owner == *username,
    }
}

/// The item if `caller` may see it, else the "does not exist or is inaccessible" error
/// (the real service does not tell the two apart).
pub fn visible_item<'a>(st: &'a Store, caller: &Caller, id: &str) -> Result<&'a Item, ApiError> {
    st.items
        .get(id)
        .filter(|i| can_view(st, caller, i))
        .ok_or_else(|| ApiError::item_not_found(id))
}

/// The item if `caller` may change it; 403 if visible but not editable.
pub fn editable_item<'a>(
    st: &'a mut Store,
    caller: &Caller,
    id: &str,
) -> Result<&'a mut Item, ApiError> {
    let visible = st.items.get(id).is_some_and(|i| can_view(st, caller, i));
    if !visible {
        return Err(ApiError::item_not_found(id));
    }
    let item = st
        .items
        .get_mut(id)
        .ok_or_else(|| ApiError::item_not_found(id))?;
    if !can_edit(caller, item) {
        return Err(ApiError::forbidden());
    }
    Ok(item)
}
