//! [`PortalClient`]: the face of the portal layer. It pairs the HTTP choke point (`http`) with the
//! token keeper (`auth`): every call gets the current token, and a call the portal answers with
//! "invalid token" (498) is replayed with a new token when the credentials allow it (up to
//! five times: a fresh token may be revoked again while other requests are in flight). Typed
//! helpers for the discovery calls live here; the use cases (scan, backup) live in the engine.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::{self, Auth, Credentials};
use super::download::Download;
use super::error::PortalError;
use super::http::Transport;
use super::request::{ApiRequest, ClientOptions};
use super::url::PortalUrl;
use super::wire::{Item, OAuthTokenResponse, PortalSelf, User};

/// How often one call signs in again after "invalid token" before giving up: a token can
/// expire (or be revoked) again right after renewal, but not forever.
const RENEWALS: u32 = 5;

/// A client of one portal; cheap to clone (clones share the connection pool, the concurrency
/// limit and the token).
#[derive(Clone)]
pub struct PortalClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    auth: Auth,
}

impl std::fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalClient")
            .field("url", &self.inner.transport.url.rest())
            .finish_non_exhaustive()
    }
}

impl PortalClient {
    /// A client without credentials (public content only).
    pub fn anonymous(opts: &ClientOptions) -> Result<Self, PortalError> {
        Self::build(opts, None)
    }

    /// A client with `creds`. Refuses credentials over plain HTTP to a non-loopback host before
    /// any request; signs in right away for passwords and OAuth so bad credentials show here.
    pub async fn connect(opts: &ClientOptions, creds: Credentials) -> Result<Self, PortalError> {
        auth::check_transport_security(&opts.url)?;
        let client = Self::build(opts, Some(creds))?;
        if client.inner.auth.can_renew() {
            client.inner.auth.token(&client.inner.transport).await?;
        }
        Ok(client)
    }

    fn build(opts: &ClientOptions, creds: Option<Credentials>) -> Result<Self, PortalError> {
        Ok(PortalClient {
            inner: Arc::new(Inner {
                transport: Transport::new(opts)?,
                auth: Auth::new(creds, opts.token_minutes),
            }),
        })
    }

    /// The portal this client talks to.
    pub fn url(&self) -> &PortalUrl {
        &self.inner.transport.url
    }

    /// The signed-in username, when known (passwords, OAuth).
    pub async fn username(&self) -> Option<String> {
        self.inner.auth.username().await
    }

    /// Sends `req` and returns its JSON body (envelope-checked); retries and re-authenticates
    /// as described in the module doc.
    pub async fn call_value(&self, req: &ApiRequest) -> Result<Value, PortalError> {
        self.call(req).await
    }

    /// Sends `req` and returns its body (valid JSON, envelope-checked), renewing an invalid
    /// token as the module doc says.
    async fn call_body(&self, req: &ApiRequest) -> Result<bytes::Bytes, PortalError> {
        let Inner { transport, auth } = &*self.inner;
        let token = if req.anonymous {
            None
        } else {
            auth.token(transport).await?
        };
        let mut token = token;
        let mut renewals = 0;
        loop {
            match transport.json_body(req, token.as_ref()).await {
                Err(e) if e.is_invalid_token() && auth.can_renew() && renewals < RENEWALS => {
                    let Some(old) = token else { return Err(e) };
                    renewals += 1;
                    token = Some(auth.renew(transport, &old).await?);
                }
                other => return other,
            }
        }
    }

    /// Sends `req` and decodes the answer into `T` (a decode error names the JSON path).
    pub async fn call<T: DeserializeOwned>(&self, req: &ApiRequest) -> Result<T, PortalError> {
        let body = self.call_body(req).await?;
        auth::decode_slice(&self.inner.transport, req, &body)
    }

    /// `GET {rest}/{path}?f=json&params..` decoded into `T` (retried on transient failures).
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<T, PortalError> {
        self.call(&ApiRequest::get(path).params(params.iter().copied()))
            .await
    }

    /// `POST {rest}/{path}` with `f=json` and `form`, decoded into `T`. Not retried: use
    /// [`post_read`](Self::post_read) for POSTs that only read.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, PortalError> {
        self.call(&ApiRequest::post(path).params(form.iter().copied()))
            .await
    }

    /// A POST that only reads (search, item reads, relatedItems): retried like a GET.
    pub async fn post_read<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> Result<T, PortalError> {
        let req = ApiRequest::post(path)
            .params(form.iter().copied())
            .idempotent(true);
        self.call(&req).await
    }

    /// Downloads `{rest}/{path}` (or an absolute URL) as raw bytes, following redirects by hand
    /// and dropping the token when a redirect leaves the portal's origin.
    pub async fn download(&self, path: &str) -> Result<Download, PortalError> {
        self.download_request(&ApiRequest::get(path).raw()).await
    }

    /// [`download`](Self::download) for a prepared request.
    pub async fn download_request(&self, req: &ApiRequest) -> Result<Download, PortalError> {
        let Inner { transport, auth } = &*self.inner;
        let token = if req.anonymous {
            None
        } else {
            auth.token(transport).await?
        };
        let mut token = token;
        let mut renewals = 0;
        loop {
            match transport.download(req, token.as_ref()).await {
                Err(e) if e.is_invalid_token() && auth.can_renew() && renewals < RENEWALS => {
                    let Some(old) = token else { return Err(e) };
                    renewals += 1;
                    token = Some(auth.renew(transport, &old).await?);
                }
                other => return other,
            }
        }
    }

    /// `portals/self`: the organisation (and the signed-in user).
    pub async fn portal_self(&self) -> Result<PortalSelf, PortalError> {
        self.get_json("portals/self", &[]).await
    }

    /// `community/self`: the signed-in user (499 when anonymous).
    pub async fn community_self(&self) -> Result<User, PortalError> {
        self.get_json("community/self", &[]).await
    }

    /// `content/items/{id}`: one item's JSON.
    pub async fn item(&self, id: &str) -> Result<Item, PortalError> {
        self.get_json(&format!("content/items/{id}"), &[]).await
    }

    /// Exchanges an authorization code (from the browser step) for tokens with its PKCE
    /// verifier. Not retried: a code works once.
    pub async fn exchange_code(
        &self,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<OAuthTokenResponse, PortalError> {
        auth::check_transport_security(self.url())?;
        let req = ApiRequest::post("oauth2/token")
            .param("client_id", client_id)
            .param("grant_type", "authorization_code")
            .param("code", code)
            .param("redirect_uri", redirect_uri)
            .param("code_verifier", verifier)
            .anonymous();
        self.call(&req).await
    }
}
