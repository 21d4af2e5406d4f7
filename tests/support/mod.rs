//! Helpers shared by the integration tests: starting a sandbox, signing in, an HTTP client that
//! sends the token the way real clients do.
#![allow(dead_code)]

use agol_backup::sandbox::{self, SandboxConfig, SandboxHandle};
use reqwest::{Client, RequestBuilder, redirect};
use serde_json::Value;

/// The referer every test token is bound to.
pub const REFERER: &str = "http://agol-backup-tests";

/// A sandbox with the demo dataset on a free port.
pub async fn demo() -> SandboxHandle {
    sandbox::start(SandboxConfig::for_tests())
        .await
        .expect("sandbox starts")
}

/// A sandbox with a custom configuration (port 0 is forced).
pub async fn with(cfg: SandboxConfig) -> SandboxHandle {
    let cfg = SandboxConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        ..cfg
    };
    sandbox::start(cfg).await.expect("sandbox starts")
}

/// An HTTP client that never follows redirects (tests follow them by hand).
pub fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// A signed-in session: base REST URL, token and client.
pub struct Session {
    /// `.../portal/sharing/rest`
    pub rest: String,
    /// The access token.
    pub token: String,
    /// The client.
    pub http: Client,
}

impl Session {
    /// Signs in with generateToken.
    pub async fn sign_in(sb: &SandboxHandle, user: &str, password: &str) -> Session {
        let http = client();
        let rest = sb.rest_url();
        let v: Value = http
            .post(format!("{rest}/generateToken"))
            .form(&[
                ("username", user),
                ("password", password),
                ("client", "referer"),
                ("referer", REFERER),
                ("f", "json"),
            ])
            .send()
            .await
            .expect("generateToken")
            .json()
            .await
            .expect("json");
        let token = v["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {v}"))
            .to_string();
        Session { rest, token, http }
    }

    /// Signs in as the demo admin.
    pub async fn admin(sb: &SandboxHandle) -> Session {
        Self::sign_in(sb, "admin", "sandbox-admin").await
    }

    /// Adds the token and referer to a request.
    pub fn auth(&self, rb: RequestBuilder) -> RequestBuilder {
        rb.header("X-Esri-Authorization", format!("Bearer {}", self.token))
            .header("Referer", REFERER)
    }

    /// GET `{rest}/{path}` with `f=json` and the query, parsed as JSON.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let url = format!("{}/{}", self.rest, path.trim_start_matches('/'));
        self.get_url(&url, query).await
    }

    /// GET an absolute URL with `f=json`, the query and the token, parsed as JSON.
    pub async fn get_url(&self, url: &str, query: &[(&str, &str)]) -> Value {
        let resp = self
            .auth(self.http.get(url).query(&[("f", "json")]).query(query))
            .send()
            .await
            .expect("request");
        resp.json().await.expect("json body")
    }

    /// POST `{rest}/{path}` as a form with `f=json`, parsed as JSON.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let url = format!("{}/{}", self.rest, path.trim_start_matches('/'));
        let mut all: Vec<(&str, &str)> = vec![("f", "json")];
        all.extend_from_slice(form);
        let resp = self
            .auth(self.http.post(url).form(&all))
            .send()
            .await
            .expect("request");
        resp.json().await.expect("json body")
    }
}

/// Anonymous GET of `{rest}/{path}` parsed as JSON.
pub async fn anon_get(sb: &SandboxHandle, path: &str, query: &[(&str, &str)]) -> Value {
    let url = format!("{}/{}", sb.rest_url(), path.trim_start_matches('/'));
    client()
        .get(url)
        .query(&[("f", "json")])
        .query(query)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}
