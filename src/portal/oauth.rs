//! The pure parts of OAuth 2.0 authorization code + PKCE (RFC 7636, arcgis-protocol.md §2.3):
//! a random verifier, its S256 challenge, a random `state`, and the authorize URL the system
//! browser opens. The code exchange is [`PortalClient::exchange_code`](super::PortalClient::exchange_code).
//! The browser step and the loopback listener live elsewhere.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use sha2::{Digest, Sha256};

use super::error::PortalError;
use super::url::PortalUrl;
use super::wire::Secret;

/// A PKCE verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// The verifier, sent with the code exchange (43-128 unreserved characters).
    pub verifier: Secret,
    /// `base64url(sha256(verifier))` without padding, sent with the authorize request.
    pub challenge: String,
}

impl Pkce {
    /// A new pair from 64 bytes of OS randomness (an 86-character verifier).
    pub fn generate() -> Result<Self, PortalError> {
        Self::from_verifier(&random_token(64)?)
    }

    /// The pair for a given verifier; refuses one RFC 7636 does not allow.
    pub fn from_verifier(verifier: &str) -> Result<Self, PortalError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
        if !(43..=128).contains(&verifier.len()) || !verifier.chars().all(allowed) {
            return Err(PortalError::Auth {
                message: "a PKCE verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~"
                    .into(),
            });
        }
        Ok(Pkce {
            verifier: Secret::new(verifier),
            challenge: challenge_s256(verifier),
        })
    }
}

/// The S256 code challenge of `verifier`.
pub fn challenge_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `bytes` bytes of OS randomness as base64url text (for verifiers and `state`).
pub fn random_token(bytes: usize) -> Result<String, PortalError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| PortalError::Auth {
        message: format!("the operating system gave no randomness: {e}"),
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// What the authorize URL carries.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest<'a> {
    /// The registered app's client id.
    pub client_id: &'a str,
    /// Where the browser returns with `code` (loopback listener or the OOB URN).
    pub redirect_uri: &'a str,
    /// [`Pkce::challenge`].
    pub code_challenge: &'a str,
    /// Random value the callback must echo (see [`random_token`]).
    pub state: &'a str,
    /// Access token lifetime to ask for, in minutes.
    pub expiration_minutes: Option<u32>,
}

/// `{rest}/oauth2/authorize?client_id=..&response_type=code&..&code_challenge_method=S256`.
pub fn authorize_url(url: &PortalUrl, req: &AuthorizeRequest<'_>) -> Result<String, PortalError> {
    let mut params: Vec<(&str, String)> = vec![
        ("client_id", req.client_id.to_string()),
        ("response_type", "code".into()),
        ("redirect_uri", req.redirect_uri.to_string()),
        ("code_challenge", req.code_challenge.to_string()),
        ("code_challenge_method", "S256".into()),
        ("state", req.state.to_string()),
    ];
    if let Some(m) = req.expiration_minutes {
        params.push(("expiration", m.to_string()));
    }
    let base = url.join("oauth2/authorize");
    Url::parse_with_params(&base, &params)
        .map(String::from)
        .map_err(|e| PortalError::InvalidUrl {
            input: base,
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_example_challenge() {
        // Appendix B of RFC 7636.
        assert_eq!(
            challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_verifiers_are_valid_and_differ() {
        let a = Pkce::generate().unwrap();
        let b = Pkce::generate().unwrap();
        assert_eq!(a.verifier.expose().len(), 86);
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.challenge, challenge_s256(a.verifier.expose()));
        assert!(Pkce::from_verifier(a.verifier.expose()).is_ok());
        assert!(Pkce::from_verifier("short").is_err());
        assert!(Pkce::from_verifier(&"a".repeat(129)).is_err());
        assert!(Pkce::from_verifier(&format!("{}!", "a".repeat(50))).is_err());
    }

    #[test]
    fn authorize_url_has_every_parameter() {
        let url = PortalUrl::parse("https://gis.example.com/portal").unwrap();
        let s = authorize_url(
            &url,
            &AuthorizeRequest {
                client_id: "agol-backup",
                redirect_uri: "http://127.0.0.1:53682/callback",
                code_challenge: "abc",
                state: "s t",
                expiration_minutes: Some(120),
            },
        )
        .unwrap();
        assert!(s.starts_with("https://gis.example.com/portal/sharing/rest/oauth2/authorize?"));
        let parsed = Url::parse(&s).unwrap();
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "agol-backup");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:53682/callback");
        assert_eq!(q["code_challenge"], "abc");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], "s t");
        assert_eq!(q["expiration"], "120");
    }
}
