//! The choke point every request to a portal goes through ([`Transport`]): it adds `f=json`, the
//! token as `X-Esri-Authorization: Bearer`, the constant `Referer`; follows redirects by hand
//! (dropping the token when the origin changes); bounds concurrency with a semaphore; checks the
//! HTTP status and the `{"error":{..}}` envelope of every JSON body (HTTP 200 included); and
//! sends file parts as multipart/form-data streamed from disk (`upload`); and
//! retries idempotent requests on transient failures (see `retry`). It knows nothing of
//! credentials (that is `auth`) and never puts a token in a URL, a log line or an error.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, Url, redirect};
use serde_json::Value;
use tokio::sync::Semaphore;

use super::download::{self, Download};
use super::error::{PortalError, redact_url};
use super::failure::{
    Failure, api_failure, closed, describe, envelope, network, status_failure, tls_is_fatal,
};
use super::request::{ApiRequest, ClientOptions};
use super::retry::RetryPolicy;
use super::upload;
use super::url::{PortalUrl, is_loopback_host};
use super::wire::Secret;

/// Redirects followed per request.
const MAX_REDIRECTS: usize = 5;

/// The HTTP side of a portal client (see the module doc).
pub(crate) struct Transport {
    http: reqwest::Client,
    pub url: PortalUrl,
    pub referer: String,
    retry: RetryPolicy,
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl Transport {
    /// Builds the HTTP client: OS roots plus the optional CA file, no automatic redirects.
    pub fn new(opts: &ClientOptions) -> Result<Self, PortalError> {
        let mut b = reqwest::Client::builder()
            .redirect(redirect::Policy::none())
            .referer(false)
            .connect_timeout(opts.timeout.min(Duration::from_secs(30)))
            .read_timeout(opts.timeout)
            .user_agent(concat!("agol-backup/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &opts.ca_file {
            b = b.tls_certs_merge(read_ca_file(path)?);
        }
        if opts.danger_accept_invalid_certs {
            tracing::warn!(portal = %opts.url, "TLS certificate checks are OFF for this portal");
            b = b.tls_danger_accept_invalid_certs(true);
        }
        let http = b.build().map_err(|e| PortalError::Tls {
            message: format!("cannot set up the HTTP client: {}", describe(&e)),
        })?;
        Ok(Transport {
            http,
            url: opts.url.clone(),
            referer: opts.referer.clone(),
            retry: opts.retry.clone(),
            permits: Arc::new(Semaphore::new(opts.max_concurrency.max(1))),
            timeout: opts.timeout,
        })
    }

    fn resolve(&self, target: &str) -> Result<Url, PortalError> {
        let text = self.url.join(target);
        Url::parse(&text).map_err(|e| PortalError::InvalidUrl {
            input: redact_url(&text),
            reason: e.to_string(),
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retry budget is spent.
    async fn with_retries<T, F, Fut>(
        &self,
        req: &ApiRequest,
        mut attempt: F,
    ) -> Result<T, PortalError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let max = if req.idempotent {
            self.retry.max_attempts.max(1)
        } else {
            1
        };
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(f) if f.transient && n < max => {
                    let wait = self.retry.delay(n, f.retry_after);
                    tracing::debug!(attempt = n, ?wait, error = %f.error, "retrying");
                    tokio::time::sleep(wait).await;
                    n += 1;
                }
                Err(f) => return Err(f.error),
            }
        }
    }

    /// Sends `req` and returns its JSON body, envelope-checked, retrying when allowed.
    pub async fn json(
        &self,
        req: &ApiRequest,
        token: Option<&Secret>,
    ) -> Result<Value, PortalError> {
        let body = self.json_body(req, token).await?;
        serde_json::from_slice(&body).map_err(|e| PortalError::Decode {
            url: redact_url(&self.url.join(&req.target)),
            path: ".".into(),
            message: e.to_string(),
        })
    }

    /// Sends `req` and returns its body: valid JSON, already checked for the error envelope,
    /// for the caller to decode straight into its own type.
    pub async fn json_body(
        &self,
        req: &ApiRequest,
        token: Option<&Secret>,
    ) -> Result<Bytes, PortalError> {
        self.with_retries(req, || self.json_once(req, token)).await
    }

    /// Sends `req` and returns the body for streaming, retrying (before the body) when allowed.
    pub async fn download(
        &self,
        req: &ApiRequest,
        token: Option<&Secret>,
    ) -> Result<Download, PortalError> {
        self.with_retries(req, || self.download_once(req, token))
            .await
    }

    async fn json_once(&self, req: &ApiRequest, token: Option<&Secret>) -> Result<Bytes, Failure> {
        let _permit = self.permits.acquire().await.map_err(closed)?;
        let resp = self.send_once(req, token).await?;
        let url = redact_url(resp.url().as_str());
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Failure::transient(network(&url, &e)))?;
        if !status.is_success() {
            return Err(status_failure(&url, status.as_u16(), &headers, &body));
        }
        match body_envelope(&url, &body).map_err(|e| Failure::transient(*e))? {
            Some(err) => Err(api_failure(err, &headers)),
            None => Ok(body),
        }
    }

    async fn download_once(
        &self,
        req: &ApiRequest,
        token: Option<&Secret>,
    ) -> Result<Download, Failure> {
        let permit = self.permits.acquire().await.map_err(closed)?;
        let resp = self.send_once(req, token).await?;
        let url = redact_url(resp.url().as_str());
        let status = resp.status();
        if !status.is_success() {
            let headers = resp.headers().clone();
            let body = resp.bytes().await.unwrap_or_default();
            return Err(status_failure(&url, status.as_u16(), &headers, &body));
        }
        let d = download::from_response(url, resp).await?;
        drop(permit);
        Ok(d)
    }

    /// One attempt: builds the request and follows redirects by hand.
    async fn send_once(
        &self,
        req: &ApiRequest,
        token: Option<&Secret>,
    ) -> Result<reqwest::Response, Failure> {
        let mut url = self.resolve(&req.target).map_err(Failure::fatal)?;
        let mut method = req.method.clone();
        let mut with_params = true;
        let mut token = if req.anonymous { None } else { token };
        for _ in 0..=MAX_REDIRECTS {
            if token.is_some()
                && url.scheme() == "http"
                && !is_loopback_host(url.host_str().unwrap_or(""))
            {
                return Err(Failure::fatal(PortalError::InsecureCredentials {
                    url: redact_url(url.as_str()),
                }));
            }
            let rb = self
                .build(&method, &url, req, with_params, token)
                .await
                .map_err(Failure::fatal)?;
            let resp = rb
                .send()
                .await
                .map_err(|e| Failure::transient(network(&redact_url(url.as_str()), &e)))
                .map_err(tls_is_fatal)?;
            if !resp.status().is_redirection() {
                return Ok(resp);
            }
            let next = next_location(&url, resp.headers()).map_err(Failure::fatal)?;
            let same_origin = next.origin() == url.origin();
            if !same_origin {
                token = None;
            }
            let status = resp.status().as_u16();
            match follow(&method, status, same_origin) {
                Follow::Switch(m) => {
                    method = m;
                    with_params = false;
                }
                Follow::Resend => {}
                Follow::Refuse => {
                    return Err(Failure::fatal(PortalError::Http {
                        url: redact_url(url.as_str()),
                        status,
                        retry_after: None,
                    }));
                }
            }
            url = next;
        }
        Err(Failure::fatal(PortalError::Network {
            url: redact_url(url.as_str()),
            message: format!("more than {MAX_REDIRECTS} redirects"),
        }))
    }

    async fn build(
        &self,
        method: &Method,
        url: &Url,
        req: &ApiRequest,
        with_params: bool,
        token: Option<&Secret>,
    ) -> Result<reqwest::RequestBuilder, PortalError> {
        let mut rb = self
            .http
            .request(method.clone(), url.clone())
            .header(reqwest::header::REFERER, &self.referer);
        if with_params {
            let mut params: Vec<(&str, &str)> = Vec::with_capacity(req.params.len() + 1);
            if req.json && !req.params.iter().any(|(k, _)| k == "f") {
                params.push(("f", "json"));
            }
            params.extend(req.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            rb = if *method != Method::GET && !req.files.is_empty() {
                rb.multipart(upload::form(&params, &req.files).await?)
            } else if *method != Method::GET {
                rb.form(&params)
            } else if params.is_empty() {
                rb
            } else {
                rb.query(&params)
            };
        }
        if req.json {
            rb = rb.timeout(self.timeout);
        }
        if let Some(t) = token {
            rb = rb.header("X-Esri-Authorization", format!("Bearer {}", t.expose()));
        }
        Ok(rb)
    }
}

fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, PortalError> {
    let tls = |m: String| PortalError::Tls { message: m };
    let pem = std::fs::read(path)
        .map_err(|e| tls(format!("cannot read the CA file {}: {e}", path.display())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        tls(format!(
            "{} is not a PEM certificate file: {e}",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(tls(format!("{} holds no PEM certificate", path.display())));
    }
    Ok(certs)
}

/// How to follow one redirect.
enum Follow {
    /// Send this method without the parameters (the `Location` carries what is needed).
    Switch(Method),
    /// Re-send the same request (a 307/308 POST to the same origin).
    Resend,
    /// Refuse: a 307/308 POST would re-send its form (maybe a password) to another origin.
    Refuse,
}

fn follow(method: &Method, status: u16, same_origin: bool) -> Follow {
    match (*method == Method::POST, matches!(status, 307 | 308)) {
        (true, true) if same_origin => Follow::Resend,
        (true, true) => Follow::Refuse,
        (true, false) => Follow::Switch(Method::GET),
        (false, _) => Follow::Switch(method.clone()),
    }
}

fn next_location(url: &Url, headers: &HeaderMap) -> Result<Url, PortalError> {
    let loc = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| PortalError::Network {
            url: redact_url(url.as_str()),
            message: "redirect without a Location header".into(),
        })?;
    url.join(loc).map_err(|e| PortalError::Network {
        url: redact_url(url.as_str()),
        message: format!("redirect to an invalid URL: {e}"),
    })
}

/// The error envelope of a JSON body, if it is one. The body is checked without building its
/// tree (only an `error` member is kept), so a large search page is parsed into a tree once
/// at most, by its caller. A body that is not JSON is a transient failure: a cut or garbled
/// body, which the next attempt usually gets whole.
fn body_envelope(url: &str, body: &[u8]) -> Result<Option<PortalError>, Box<PortalError>> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        error: Option<Value>,
    }
    match serde_json::from_slice::<Probe>(body) {
        Ok(probe) => Ok(probe
            .error
            .and_then(|e| envelope(url, &serde_json::json!({ "error": e })))),
        // Valid JSON that is not an object (an array, a string) cannot be an envelope.
        Err(_) => match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => Ok(None),
            Err(e) => Err(Box::new(PortalError::Decode {
                url: url.to_string(),
                path: ".".into(),
                message: if body.is_empty() {
                    "empty body where JSON was expected".into()
                } else {
                    format!("the body is not JSON ({e})")
                },
            })),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_never_resend_a_form_to_another_origin() {
        let post = Method::POST;
        assert!(matches!(follow(&post, 302, false), Follow::Switch(m) if m == Method::GET));
        assert!(matches!(follow(&post, 303, true), Follow::Switch(m) if m == Method::GET));
        assert!(matches!(follow(&post, 307, true), Follow::Resend));
        assert!(matches!(follow(&post, 308, false), Follow::Refuse));
        assert!(matches!(follow(&Method::GET, 307, false), Follow::Switch(m) if m == Method::GET));
    }
}
