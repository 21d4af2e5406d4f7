//! `PortalError`: every way a call to a portal can fail, with the data a caller needs to react
//! (the ArcGIS error envelope, the HTTP status and `Retry-After`, the JSON path that did not
//! decode) and messages that say what is wrong and what to do. URLs in errors never carry a
//! token: [`redact_url`] strips secret query parameters before a URL is stored in an error.

use std::time::Duration;

/// Query parameters whose values are secrets and never appear in errors or logs.
const SECRET_PARAMS: [&str; 8] = [
    "token",
    "access_token",
    "refresh_token",
    "password",
    "client_secret",
    "code",
    "code_verifier",
    "api_key",
];

/// What went wrong talking to a portal.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PortalError {
    /// The portal answered with the ArcGIS error envelope `{"error":{..}}` (often in HTTP 200).
    #[error("{url}: the portal answered error {code}{}: {message}{}{}",
        message_code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default(),
        details_suffix(details, message),
        api_hint(*code, message))]
    Api {
        /// The request URL (secrets removed).
        url: String,
        /// The envelope's `code` (400, 403, 404, 498, 499, 500 ...).
        code: u16,
        /// Esri's `messageCode`, e.g. `CONT_0001`, when sent.
        message_code: Option<String>,
        /// The envelope's `message`.
        message: String,
        /// The envelope's `details` lines.
        details: Vec<String>,
    },
    /// A non-success HTTP status without an error envelope.
    #[error("{url}: HTTP {status}{}; {}",
        retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default(),
        http_hint(*status))]
    Http {
        /// The request URL (secrets removed).
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The body was not the JSON expected.
    #[error(
        "{url}: unexpected response at `{path}`: {message}; the server may not be an ArcGIS \
             portal or runs an unsupported version (check the portal URL)"
    )]
    Decode {
        /// The request URL (secrets removed).
        url: String,
        /// JSON path of the value that failed (`.` for the whole body).
        path: String,
        /// What the decoder said.
        message: String,
    },
    /// The request did not get a complete answer (connection, timeout, reset, cut body).
    #[error(
        "{url}: cannot reach the portal: {message}; check the URL, the network or the proxy, \
             and try again"
    )]
    Network {
        /// The request URL (secrets removed).
        url: String,
        /// What failed.
        message: String,
    },
    /// Credentials would have gone to a remote host in clear text.
    #[error(
        "{url}: refusing to send credentials over plain HTTP to a non-loopback host; use https://"
    )]
    InsecureCredentials {
        /// The URL that was refused.
        url: String,
    },
    /// Signing in failed for a reason other than a portal error.
    #[error("sign-in failed: {message}")]
    Auth {
        /// What went wrong and what to do.
        message: String,
    },
    /// The TLS connection could not be set up (unknown CA, bad certificate, unreadable CA file).
    #[error(
        "TLS error: {message}; if the portal uses a private certificate authority, pass its \
             CA certificate file (PEM)"
    )]
    Tls {
        /// What failed.
        message: String,
    },
    /// A file to upload could not be read.
    #[error("cannot read {path} to upload it: {message}")]
    UploadFile {
        /// The local file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The text given as portal URL is not usable.
    #[error(
        "'{input}' is not a usable portal URL: {reason}; use a URL like \
             https://myorg.maps.arcgis.com or https://gis.example.com/portal"
    )]
    InvalidUrl {
        /// What the user typed.
        input: String,
        /// Why it was refused.
        reason: String,
    },
}

fn details_suffix(details: &[String], message: &str) -> String {
    let extra: Vec<&str> = details
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty() && *d != message.trim())
        .collect();
    if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join("; "))
    }
}

fn api_hint(code: u16, message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if code == 498 || lower.contains("invalid token") {
        "; the token is invalid or expired: sign in again"
    } else if code == 499 {
        "; this needs a signed-in user: sign in and try again"
    } else if code == 403 {
        "; the signed-in account lacks the privilege: use the owner or an administrator account"
    } else if code == 404 || lower.contains("does not exist or is inaccessible") {
        "; check the id and that the signed-in account can see it"
    } else if code >= 500 {
        "; the portal failed: try again later"
    } else {
        ""
    }
}

fn http_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => "the portal or a proxy refused the request: check the credentials",
        404 => "nothing there: check the portal URL",
        429 => "the portal is throttling requests: wait and try again with fewer parallel requests",
        500..=599 => "the portal is failing or overloaded: try again later",
        _ => "unexpected answer from the portal",
    }
}

impl PortalError {
    /// The envelope code, for `Api` errors.
    pub fn api_code(&self) -> Option<u16> {
        match self {
            PortalError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    fn api_text_contains(&self, needle: &str) -> bool {
        match self {
            PortalError::Api {
                message, details, ..
            } => {
                message.to_ascii_lowercase().contains(needle)
                    || details
                        .iter()
                        .any(|d| d.to_ascii_lowercase().contains(needle))
            }
            _ => false,
        }
    }

    /// 498, or a message saying the token is invalid: signing in again may help.
    pub fn is_invalid_token(&self) -> bool {
        self.api_code() == Some(498) || self.api_text_contains("invalid token")
    }

    /// 499: the resource needs a signed-in user.
    pub fn is_token_required(&self) -> bool {
        self.api_code() == Some(499)
    }

    /// The item, resource or service does not exist or the caller may not see it.
    pub fn is_not_found(&self) -> bool {
        match self {
            PortalError::Api { code: 404, .. } | PortalError::Http { status: 404, .. } => true,
            PortalError::Api { .. } => self.api_text_contains("does not exist or is inaccessible"),
            _ => false,
        }
    }

    /// A failure another attempt may not meet: the connection or body broke, or the portal
    /// answered 429 / 5xx. Used by callers that stream (a body cut half-way is retried whole).
    pub fn is_transient(&self) -> bool {
        match self {
            PortalError::Network { .. } => true,
            PortalError::Http { status, .. } => super::retry::is_transient_code(*status),
            PortalError::Api { code, .. } => super::retry::is_transient_code(*code),
            _ => false,
        }
    }

    /// 403: signed in but not allowed.
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            PortalError::Api { code: 403, .. } | PortalError::Http { status: 403, .. }
        )
    }
}

/// `url` with the values of secret query parameters (`token`, `password` ...) replaced by `***`,
/// and any user info removed. Text that is not a URL is returned with the same treatment applied
/// to whatever follows `?`.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = strip_userinfo(base);
    let Some(query) = query else {
        return base;
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            if SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                format!("{name}=***")
            } else {
                pair.to_string()
            }
        })
        .collect();
    let mut out = format!("{base}?{}", parts.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn strip_userinfo(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else {
        return base.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_secrets_only() {
        let cases = [
            (
                "https://h/x?f=json&token=abc",
                "https://h/x?f=json&token=***",
            ),
            ("https://h/x?TOKEN=abc#frag", "https://h/x?TOKEN=***#frag"),
            (
                "https://u:p@h/x?password=pw&username=me",
                "https://h/x?password=***&username=me",
            ),
            ("https://h/x", "https://h/x"),
            ("https://h/a@b", "https://h/a@b"),
            ("https://h/x?tokens=1", "https://h/x?tokens=1"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_url(input), want, "{input}");
        }
    }

    fn api(code: u16, message: &str) -> PortalError {
        PortalError::Api {
            url: "https://h/sharing/rest/x".into(),
            code,
            message_code: None,
            message: message.into(),
            details: vec![],
        }
    }

    #[test]
    fn classification() {
        assert!(api(498, "Invalid token.").is_invalid_token());
        assert!(api(403, "Invalid Token").is_invalid_token());
        assert!(!api(403, "denied").is_invalid_token());
        assert!(api(499, "Token Required").is_token_required());
        assert!(api(400, "Item does not exist or is inaccessible.").is_not_found());
        assert!(api(404, "Not found").is_not_found());
        assert!(api(403, "You do not have permissions").is_permission());
        assert!(!api(400, "bad").is_not_found());
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = PortalError::Api {
            url: "https://h/sharing/rest/generateToken".into(),
            code: 400,
            message_code: None,
            message: "Unable to generate token.".into(),
            details: vec!["Invalid username or password.".into()],
        };
        let s = e.to_string();
        assert!(s.contains("error 400"), "{s}");
        assert!(s.contains("Invalid username or password."), "{s}");
        assert!(api(499, "Token Required").to_string().contains("sign in"));
        let http = PortalError::Http {
            url: "u".into(),
            status: 429,
            retry_after: Some(Duration::from_secs(3)),
        };
        assert!(http.to_string().contains("retry after 3 s"));
    }
}
