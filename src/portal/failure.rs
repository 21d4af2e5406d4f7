//! How a failed attempt is described ([`Failure`]: the error, whether another attempt may
//! succeed, the server's `Retry-After`) and how raw answers become `PortalError`s: the ArcGIS
//! error envelope, non-2xx statuses, network and TLS failures (without any URL that could carry
//! a secret: the caller passes a redacted one).

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::error::PortalError;
use super::retry;

/// A failed attempt: the error, whether another attempt may succeed, and the server's wait.
pub(crate) struct Failure {
    pub error: PortalError,
    pub transient: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    /// A failure no retry will fix.
    pub fn fatal(error: PortalError) -> Self {
        Failure {
            error,
            transient: false,
            retry_after: None,
        }
    }

    /// A failure another attempt may not meet.
    pub fn transient(error: PortalError) -> Self {
        Failure {
            error,
            transient: true,
            retry_after: None,
        }
    }
}

pub(crate) fn closed(_: tokio::sync::AcquireError) -> Failure {
    Failure::fatal(PortalError::Network {
        url: String::new(),
        message: "the client is shutting down".into(),
    })
}

/// The error of a non-2xx answer: the envelope when the body has one, else the status.
pub(crate) fn status_failure(url: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> Failure {
    let from_body = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| envelope(url, &v));
    match from_body {
        Some(err) => {
            let mut f = api_failure(err, headers);
            f.transient |= retry::is_transient_code(status);
            f
        }
        None => Failure {
            error: PortalError::Http {
                url: url.to_string(),
                status,
                retry_after: retry::retry_after(headers),
            },
            transient: retry::is_transient_code(status),
            retry_after: retry::retry_after(headers),
        },
    }
}

pub(crate) fn api_failure(err: PortalError, headers: &HeaderMap) -> Failure {
    let transient = err.api_code().is_some_and(retry::is_transient_code);
    Failure {
        error: err,
        transient,
        retry_after: retry::retry_after(headers),
    }
}

/// The ArcGIS error envelope of a JSON body, if it is one.
pub fn envelope(url: &str, body: &Value) -> Option<PortalError> {
    let e = body.get("error")?.as_object()?;
    let code = e
        .get("code")
        .and_then(|c| {
            c.as_u64()
                .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(400);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    let message = e
        .get("message")
        .and_then(text)
        .or_else(|| e.get("error_description").and_then(text))
        .unwrap_or_else(|| "no message".into());
    let details = match e.get("details") {
        Some(Value::Array(a)) => a.iter().filter_map(text).collect(),
        Some(v) => text(v).into_iter().collect(),
        None => Vec::new(),
    };
    Some(PortalError::Api {
        url: url.to_string(),
        code,
        message_code: e.get("messageCode").and_then(text),
        message,
        details,
    })
}

/// Network failure text: the error and its causes, without any URL.
pub(crate) fn network(url: &str, e: &reqwest::Error) -> PortalError {
    let message = describe(e);
    if is_tls(e) {
        return PortalError::Tls {
            message: format!("{url}: {message}"),
        };
    }
    PortalError::Network {
        url: url.to_string(),
        message,
    }
}

pub(crate) fn tls_is_fatal(mut f: Failure) -> Failure {
    if matches!(f.error, PortalError::Tls { .. }) {
        f.transient = false;
    }
    f
}

fn is_tls(e: &reqwest::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if s.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls handshake") {
            return true;
        }
        src = s.source();
    }
    false
}

pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let top = reqwest_without_url(e);
    parts.push(top);
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    parts.join(": ")
}

fn reqwest_without_url(e: &reqwest::Error) -> String {
    // The top-level message names the URL; our errors carry a redacted URL instead.
    let text = e.to_string();
    match e.url() {
        Some(u) => text
            .replace(&format!(" for url ({u})"), "")
            .replace(u.as_str(), "<url>"),
        None => text,
    }
}
