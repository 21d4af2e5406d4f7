//! OAuth 2.0 as the portal does it: `oauth2/authorize` serves a sign-in page (no consent step for
//! registered clients) whose `oauth_state` the form posts to `oauth2/signin`; on success the
//! browser is redirected to the client's redirect URI with a code (authorization-code flow, PKCE
//! S256 checked at exchange) or a token in the fragment (implicit flow, which Esri's Python client
//! uses), or shown the out-of-band approval page (`<title>SUCCESS code=...</title>`).
//! `oauth2/token` exchanges codes and refresh tokens.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Ctx;
use super::auth::{check_password, issue_token};
use super::model::{AuthCode, OAuthState};
use super::params::Params;
use super::reply::{ApiError, ApiResult, html, ok};

/// Client ids the sandbox knows: Esri's first-party ids and this application's.
pub const REGISTERED_CLIENTS: &[&str] = &["agol-backup", "pythonapi", "arcgisonline", "arcgispro"];

/// The out-of-band redirect URI.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Routes (full paths).
pub fn routes() -> Router<Arc<Ctx>> {
    Router::new()
        .route("/portal/sharing/rest/oauth2/authorize", any(authorize))
        .route("/portal/sharing/oauth2/authorize", any(authorize))
        .route("/portal/sharing/oauth2/signin", any(signin))
        .route("/portal/sharing/rest/oauth2/signin", any(signin))
        .route("/portal/sharing/rest/oauth2/token", any(token))
        .route("/portal/sharing/oauth2/token", any(token))
}

fn redirect_allowed(client_id: &str, uri: &str) -> bool {
    if uri == OOB {
        return true;
    }
    let loopback = [
        "http://127.0.0.1",
        "http://localhost",
        "http://[::1]",
        "https://127.0.0.1",
        "https://localhost",
    ]
    .iter()
    .any(|p| uri.starts_with(p));
    match client_id {
        "agol-backup" => loopback,
        _ => loopback || uri.starts_with("https://www.arcgis.com"),
    }
}

async fn authorize(State(ctx): State<Arc<Ctx>>, p: Params) -> Response {
    let client_id = p.get("client_id").unwrap_or("").to_string();
    if !REGISTERED_CLIENTS.contains(&client_id.as_str()) {
        return html(
            StatusCode::BAD_REQUEST,
            page("Error", "Error: Invalid client_id", None),
        );
    }
    let redirect_uri = p.get("redirect_uri").unwrap_or("").to_string();
    if !redirect_allowed(&client_id, &redirect_uri) {
        return html(
            StatusCode::BAD_REQUEST,
            page("Error", "Error: Invalid redirect_uri", None),
        );
    }
    let response_type = p.get("response_type").unwrap_or("code").to_string();
    if response_type != "code" && response_type != "token" {
        return html(
            StatusCode::BAD_REQUEST,
            page("Error", "Error: Invalid response_type", None),
        );
    }
    let code_challenge = p.get("code_challenge").map(str::to_string);
    if code_challenge.is_some() && p.get("code_challenge_method").unwrap_or("plain") != "S256" {
        return html(
            StatusCode::BAD_REQUEST,
            page("Error", "Error: code_challenge_method must be S256", None),
        );
    }
    let expiration_min = p
        .get("expiration")
        .and_then(|e| e.parse().ok())
        .unwrap_or(120);
    let state = OAuthState {
        response_type,
        client_id,
        redirect_uri,
        state: p.get("state").map(str::to_string),
        code_challenge,
        expiration_min,
    };
    let mut st = ctx.lock();
    let oauth_state = st.new_secret();
    st.oauth_states.insert(oauth_state.clone(), state.clone());
    let info = json!({"oauth_state": oauth_state, "client_id": state.client_id, "appTitle": "agol-backup sandbox portal", "locale": "en"});
    html(
        StatusCode::OK,
        page("Sign In", "Sign in to the sandbox portal", Some(&info)),
    )
}

/// The sign-in page. The `oAuthInfo` object sits alone on one line, before any other `{`, because
/// Esri's client finds it with a single-line regular expression.
fn page(title: &str, heading: &str, info: Option<&Value>) -> String {
    let script = info.map_or_else(String::new, |i| {
        format!("<script>\nvar oAuthInfo = {i};\n</script>\n")
    });
    let form = match info.and_then(|i| i["oauth_state"].as_str()) {
        Some(state) => format!(
            "<form method=\"post\" action=\"/portal/sharing/oauth2/signin\">\n\
             <input type=\"hidden\" name=\"oauth_state\" value=\"{state}\">\n\
             <p><label>Username <input name=\"username\" autofocus></label></p>\n\
             <p><label>Password <input name=\"password\" type=\"password\"></label></p>\n\
             <p><button type=\"submit\">Sign In</button></p>\n\
             <p>Demo accounts: admin / sandbox-admin, editor / sandbox-editor, viewer / sandbox-viewer</p>\n\
             </form>\n"
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n{script}</head>\n<body>\n<h1>{heading}</h1>\n{form}</body>\n</html>\n"
    )
}

async fn signin(State(ctx): State<Arc<Ctx>>, p: Params) -> Response {
    let oauth_state = p.get("oauth_state").unwrap_or("").to_string();
    let mut st = ctx.lock();
    let Some(pending) = st.oauth_states.get(&oauth_state).cloned() else {
        return html(
            StatusCode::BAD_REQUEST,
            page("Error", "Error: Invalid or expired oauth_state", None),
        );
    };
    let username = p.get("username").unwrap_or("");
    if !check_password(&st, username, p.get("password").unwrap_or("")) {
        let info = json!({"oauth_state": oauth_state, "client_id": pending.client_id, "messages": ["Invalid username or password."]});
        return html(
            StatusCode::OK,
            page("Sign In", "Invalid username or password.", Some(&info)),
        );
    }
    st.oauth_states.remove(&oauth_state);
    let state_q = pending
        .state
        .as_deref()
        .map(|s| format!("&state={}", enc(s)))
        .unwrap_or_default();
    if pending.response_type == "token" {
        let ttl = pending.expiration_min.max(1) * 60_000;
        let (token, expires) = issue_token(&ctx, &mut st, username, ttl, None);
        let secs = (expires - super::now_ms()) / 1000;
        let loc = format!(
            "{}#access_token={token}&expires_in={secs}&username={}{state_q}",
            pending.redirect_uri,
            enc(username)
        );
        return redirect(&loc);
    }
    let code = st.new_secret();
    st.auth_codes.insert(
        code.clone(),
        AuthCode {
            username: username.to_string(),
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            code_challenge: pending.code_challenge.clone(),
            expiration_min: pending.expiration_min,
        },
    );
    if pending.redirect_uri == OOB {
        let info = json!({"code": code, "client_id": pending.client_id});
        return html(
            StatusCode::OK,
            page(
                &format!("SUCCESS code={code}"),
                "Copy this code into the application",
                Some(&info),
            ),
        );
    }
    let sep = if pending.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    redirect(&format!(
        "{}{sep}code={code}{state_q}",
        pending.redirect_uri
    ))
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn redirect(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn oauth_error(description: &str) -> ApiError {
    ApiError::bad_request(description).detail(description)
}

async fn token(State(ctx): State<Arc<Ctx>>, p: Params) -> ApiResult {
    let client_id = p.require("client_id")?.to_string();
    if !REGISTERED_CLIENTS.contains(&client_id.as_str()) {
        return Err(oauth_error("Invalid client_id"));
    }
    let mut st = ctx.lock();
    let cap_min = i64::try_from(ctx.cfg.token_ttl_secs / 60)
        .unwrap_or(i64::MAX)
        .max(1);
    match p.require("grant_type")? {
        "authorization_code" => {
            let code = p.require("code")?;
            let ac = st
                .auth_codes
                .remove(code)
                .ok_or_else(|| oauth_error("Invalid authorization code"))?;
            if ac.client_id != client_id
                || p.get("redirect_uri").unwrap_or(&ac.redirect_uri) != ac.redirect_uri
            {
                return Err(oauth_error(
                    "Invalid redirect_uri or client_id for this code",
                ));
            }
            if let Some(challenge) = &ac.code_challenge {
                let verifier = p
                    .get("code_verifier")
                    .ok_or_else(|| oauth_error("code_verifier required"))?;
                let digest = Sha256::digest(verifier.as_bytes());
                let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
                if &computed != challenge {
                    return Err(oauth_error("Invalid code_verifier"));
                }
            }
            let minutes = p
                .int("expiration")?
                .unwrap_or(ac.expiration_min)
                .clamp(1, cap_min.max(1));
            let (access, expires) =
                issue_token(&ctx, &mut st, &ac.username, minutes * 60_000, None);
            let refresh = st.new_secret();
            st.refresh_tokens
                .insert(refresh.clone(), (ac.username.clone(), client_id));
            ok(json!({
                "access_token": access,
                "expires_in": (expires - super::now_ms()) / 1000,
                "refresh_token": refresh,
                "refresh_token_expires_in": 1_209_599,
                "username": ac.username,
                "ssl": false,
            }))
        }
        grant @ ("refresh_token" | "exchange_refresh_token") => {
            let rt = p.require("refresh_token")?.to_string();
            let (username, owner_client) =
                st.refresh_tokens.get(&rt).cloned().ok_or_else(|| {
                    let mut e = ApiError::invalid_token().detail("refresh_token expired");
                    e.message = "refresh_token expired".into();
                    e
                })?;
            if owner_client != client_id {
                return Err(oauth_error("Invalid client_id for this refresh_token"));
            }
            let (access, expires) = issue_token(&ctx, &mut st, &username, cap_min * 60_000, None);
            let mut v = json!({"access_token": access, "expires_in": (expires - super::now_ms()) / 1000, "username": username, "ssl": false});
            if grant == "exchange_refresh_token" {
                st.refresh_tokens.remove(&rt);
                let new_rt = st.new_secret();
                st.refresh_tokens
                    .insert(new_rt.clone(), (username, client_id));
                v["refresh_token"] = json!(new_rt);
                v["refresh_token_expires_in"] = json!(1_209_599);
            }
            ok(v)
        }
        other => Err(oauth_error(&format!("Unsupported grant_type '{other}'"))),
    }
}
