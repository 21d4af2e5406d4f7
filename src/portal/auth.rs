//! Credentials and the current token (arcgis-protocol.md §2): `generateToken` for a username and
//! password (bound to the client's `Referer`), tokens and API keys used as given, OAuth refresh
//! tokens exchanged at `oauth2/token`. Tokens are renewed 5 minutes before they expire and once
//! more when the portal calls them invalid (the client replays the request). Credentials never
//! travel over plain HTTP except to a loopback host.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::Mutex;

use super::error::PortalError;
use super::http::Transport;
use super::request::ApiRequest;
use super::url::PortalUrl;
use super::wire::{OAuthTokenResponse, Secret, TokenResponse};

/// Renew this long before a token expires.
const RENEW_MARGIN_MS: i64 = 5 * 60 * 1000;
/// Lifetime assumed for an OAuth access token whose answer has no `expires_in`.
const DEFAULT_OAUTH_SECS: i64 = 1800;

/// How to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Built-in account: `generateToken` with `client=referer`.
    Password {
        /// Username.
        username: String,
        /// Password.
        password: Secret,
    },
    /// A token obtained elsewhere, used as given (it cannot be renewed).
    Token(Secret),
    /// An API key, used as given.
    ApiKey(Secret),
    /// An OAuth refresh token, exchanged for access tokens at `oauth2/token`.
    OAuth {
        /// The registered app's client id.
        client_id: String,
        /// The refresh token.
        refresh_token: Secret,
    },
}

impl Credentials {
    /// Username and password.
    pub fn password(username: &str, password: &str) -> Self {
        Credentials::Password {
            username: username.to_string(),
            password: Secret::new(password),
        }
    }

    /// True when a new token can be obtained without the user.
    pub fn can_renew(&self) -> bool {
        matches!(
            self,
            Credentials::Password { .. } | Credentials::OAuth { .. }
        )
    }
}

/// Refuses credentials for a plain-HTTP portal that is not on this machine.
pub fn check_transport_security(url: &PortalUrl) -> Result<(), PortalError> {
    if url.is_https() || url.is_loopback() {
        Ok(())
    } else {
        Err(PortalError::InsecureCredentials {
            url: url.rest().to_string(),
        })
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[derive(Default)]
struct TokenState {
    token: Option<Secret>,
    /// Epoch ms; `None` when unknown (tokens given as is).
    expires_ms: Option<i64>,
    /// Epoch ms when the token was obtained.
    issued_ms: i64,
    username: Option<String>,
}

impl TokenState {
    fn fresh_enough(&self, now: i64) -> bool {
        let Some(expires) = self.expires_ms else {
            return self.token.is_some();
        };
        // Short-lived tokens renew at half-life rather than constantly.
        let margin = RENEW_MARGIN_MS.min((expires - self.issued_ms) / 2);
        self.token.is_some() && now < expires - margin
    }
}

/// The token keeper of one client.
pub(crate) struct Auth {
    creds: Option<Credentials>,
    state: Mutex<TokenState>,
    token_minutes: u32,
}

impl Auth {
    pub fn new(creds: Option<Credentials>, token_minutes: u32) -> Self {
        let mut state = TokenState::default();
        match &creds {
            Some(Credentials::Token(t) | Credentials::ApiKey(t)) => state.token = Some(t.clone()),
            Some(Credentials::Password { username, .. }) => state.username = Some(username.clone()),
            _ => {}
        }
        Auth {
            creds,
            state: Mutex::new(state),
            token_minutes,
        }
    }

    pub fn can_renew(&self) -> bool {
        self.creds.as_ref().is_some_and(Credentials::can_renew)
    }

    /// The signed-in username, when known.
    pub async fn username(&self) -> Option<String> {
        self.state.lock().await.username.clone()
    }

    /// The token to send now (renewed first when it is about to expire); `None` if anonymous.
    pub async fn token(&self, t: &Transport) -> Result<Option<Secret>, PortalError> {
        let mut st = self.state.lock().await;
        if st.fresh_enough(now_ms()) || (st.token.is_some() && !self.can_renew()) {
            return Ok(st.token.clone());
        }
        if !self.can_renew() {
            return Ok(None);
        }
        self.acquire(t, &mut st).await?;
        Ok(st.token.clone())
    }

    /// Replaces `failed` (a token the portal rejected) unless another request already did.
    pub async fn renew(&self, t: &Transport, failed: &Secret) -> Result<Secret, PortalError> {
        let mut st = self.state.lock().await;
        if st.token.as_ref() != Some(failed)
            && let Some(current) = &st.token
        {
            return Ok(current.clone());
        }
        self.acquire(t, &mut st).await?;
        st.token.clone().ok_or_else(|| PortalError::Auth {
            message: "the portal issued no token".into(),
        })
    }

    async fn acquire(&self, t: &Transport, st: &mut TokenState) -> Result<(), PortalError> {
        match &self.creds {
            Some(Credentials::Password { username, password }) => {
                let req = ApiRequest::post("generateToken")
                    .param("username", username.as_str())
                    .param("password", password.expose())
                    .param("client", "referer")
                    .param("referer", t.referer.as_str())
                    .param("expiration", self.token_minutes.to_string())
                    .anonymous()
                    .idempotent(true);
                let answer: TokenResponse = decode(t, &req, t.json(&req, None).await?)?;
                let now = now_ms();
                st.token = Some(answer.token);
                st.issued_ms = now;
                st.expires_ms = Some(
                    answer
                        .expires
                        .unwrap_or(now + i64::from(self.token_minutes) * 60_000),
                );
            }
            Some(Credentials::OAuth {
                client_id,
                refresh_token,
            }) => {
                let req = ApiRequest::post("oauth2/token")
                    .param("client_id", client_id.as_str())
                    .param("grant_type", "refresh_token")
                    .param("refresh_token", refresh_token.expose())
                    .anonymous()
                    .idempotent(true);
                let answer: OAuthTokenResponse = decode(t, &req, t.json(&req, None).await?)?;
                let now = now_ms();
                let secs = answer.expires_in.unwrap_or(DEFAULT_OAUTH_SECS);
                st.token = Some(answer.access_token);
                st.issued_ms = now;
                st.expires_ms = Some(now + secs * 1000);
                if answer.username.is_some() {
                    st.username = answer.username;
                }
            }
            Some(Credentials::Token(_) | Credentials::ApiKey(_)) | None => {
                return Err(PortalError::Auth {
                    message: "the token was rejected and cannot be renewed: sign in again".into(),
                });
            }
        }
        tracing::debug!(portal = %t.url, "obtained a new token");
        Ok(())
    }
}

/// Decodes a JSON answer into `T`, naming the JSON path that failed.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    t: &Transport,
    req: &ApiRequest,
    value: Value,
) -> Result<T, PortalError> {
    serde_path_to_error::deserialize(value).map_err(|e| PortalError::Decode {
        url: super::error::redact_url(&t.url.join(&req.target)),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Decodes a JSON body straight into `T` (no intermediate tree); an error names the JSON path.
pub(crate) fn decode_slice<T: serde::de::DeserializeOwned>(
    t: &Transport,
    req: &ApiRequest,
    body: &[u8],
) -> Result<T, PortalError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| PortalError::Decode {
        url: super::error::redact_url(&t.url.join(&req.target)),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_margin() {
        let now = 1_000_000_000;
        let mut st = TokenState {
            token: Some(Secret::new("t")),
            expires_ms: Some(now + 60 * 60_000),
            issued_ms: now,
            username: None,
        };
        assert!(st.fresh_enough(now));
        assert!(st.fresh_enough(now + 54 * 60_000));
        assert!(!st.fresh_enough(now + 56 * 60_000));
        // A 4-minute token renews at half-life, not on every call.
        st.expires_ms = Some(now + 4 * 60_000);
        assert!(st.fresh_enough(now + 60_000));
        assert!(!st.fresh_enough(now + 3 * 60_000));
        st.expires_ms = None;
        assert!(st.fresh_enough(now));
        st.token = None;
        assert!(!st.fresh_enough(now));
    }

    #[test]
    fn insecure_urls_are_refused() {
        for (url, ok) in [
            ("https://org.maps.arcgis.com", true),
            ("http://127.0.0.1:8400/portal", true),
            ("http://localhost/portal", true),
            ("http://example.com/portal", false),
            ("http://10.1.2.3/portal", false),
        ] {
            let u = PortalUrl::parse(url).unwrap();
            assert_eq!(check_transport_security(&u).is_ok(), ok, "{url}");
        }
        let e = check_transport_security(&PortalUrl::parse("http://example.com").unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("use https://"), "{e}");
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let c = Credentials::password("me", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
        let k = Credentials::ApiKey(Secret::new("AAPK-secret"));
        assert!(!format!("{k:?}").contains("AAPK"));
    }
}
