//! What a request is ([`ApiRequest`]: method, target, parameters, whether it may be repeated)
//! and how to reach a portal ([`ClientOptions`]: TLS trust, timeouts, concurrency, referer,
//! retries), with file parts for uploads. Plain data: sending is `http`'s job.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Method;

use super::retry::RetryPolicy;
use super::url::PortalUrl;

/// The `Referer` sent with every request (tokens from `generateToken` are bound to it).
pub const DEFAULT_REFERER: &str = "agol-backup";

/// How to reach a portal.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The portal.
    pub url: PortalUrl,
    /// Extra trusted CA certificates (PEM), added to the operating system's roots.
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate. Dangerous: anyone on the path can read the token.
    pub danger_accept_invalid_certs: bool,
    /// Time limit of one JSON request, and of each read during a download.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// The `Referer` header (and the `referer` tokens are bound to).
    pub referer: String,
    /// Retries of idempotent requests.
    pub retry: RetryPolicy,
    /// Lifetime asked for tokens from `generateToken`, in minutes.
    pub token_minutes: u32,
}

impl ClientOptions {
    /// Defaults for `url`: OS trust store, 120 s timeout, 4 requests at once, referer
    /// `agol-backup`, production retries, 120-minute tokens.
    pub fn new(url: PortalUrl) -> Self {
        ClientOptions {
            url,
            ca_file: None,
            danger_accept_invalid_certs: false,
            timeout: Duration::from_secs(120),
            max_concurrency: 4,
            referer: DEFAULT_REFERER.to_string(),
            retry: RetryPolicy::default(),
            token_minutes: 120,
        }
    }
}

/// Where the bytes of a file part come from.
#[derive(Debug, Clone)]
pub(crate) enum FileSource {
    /// A range of a file on disk, streamed (re-opened on every attempt).
    Path {
        /// The file.
        path: PathBuf,
        /// First byte sent.
        offset: u64,
        /// Bytes sent (`None`: to the end of the file).
        len: Option<u64>,
    },
    /// Bytes in memory (small parts).
    Bytes(bytes::Bytes),
}

/// One file part of a multipart/form-data request.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    /// The form field name (`file`, `thumbnail`, `metadata` ...).
    pub name: String,
    /// Where the bytes come from.
    pub source: FileSource,
    /// The file name sent with the part.
    pub file_name: String,
}

/// One request: method, target (a path under the REST root or an absolute URL), parameters.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) target: String,
    pub(crate) params: Vec<(String, String)>,
    pub(crate) idempotent: bool,
    pub(crate) json: bool,
    pub(crate) anonymous: bool,
    pub(crate) files: Vec<FilePart>,
}

impl ApiRequest {
    fn new(method: Method, target: &str, idempotent: bool) -> Self {
        ApiRequest {
            method,
            target: target.to_string(),
            params: Vec::new(),
            idempotent,
            json: true,
            anonymous: false,
            files: Vec::new(),
        }
    }

    /// A GET (retried on transient failures).
    pub fn get(target: &str) -> Self {
        Self::new(Method::GET, target, true)
    }

    /// A POST with a form body, not retried unless marked [`idempotent`](Self::idempotent).
    pub fn post(target: &str) -> Self {
        Self::new(Method::POST, target, false)
    }

    /// Adds a parameter (query for GET, form field for POST).
    pub fn param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.push((name.to_string(), value.into()));
        self
    }

    /// Adds parameters.
    pub fn params<'a>(mut self, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in params {
            self.params.push((k.to_string(), v.to_string()));
        }
        self
    }

    /// Marks a POST as safe to repeat (search, item reads, relatedItems ...).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    /// Never sends the token (sign-in calls, public probes).
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Adds a file part streamed from `path` (the request becomes multipart/form-data; a
    /// retry re-opens the file). Only for POSTs.
    pub fn file(self, name: &str, path: impl Into<PathBuf>, file_name: &str) -> Self {
        self.file_range(name, path, 0, None, file_name)
    }

    /// Adds a file part of `len` bytes (`None`: to the end) from `offset` of `path`, streamed
    /// (the parts of a multipart upload).
    pub fn file_range(
        mut self,
        name: &str,
        path: impl Into<PathBuf>,
        offset: u64,
        len: Option<u64>,
        file_name: &str,
    ) -> Self {
        self.files.push(FilePart {
            name: name.to_string(),
            source: FileSource::Path {
                path: path.into(),
                offset,
                len,
            },
            file_name: file_name.to_string(),
        });
        self
    }

    /// Adds a file part from bytes in memory (rewritten JSON, small files).
    pub fn file_bytes(
        mut self,
        name: &str,
        data: impl Into<bytes::Bytes>,
        file_name: &str,
    ) -> Self {
        self.files.push(FilePart {
            name: name.to_string(),
            source: FileSource::Bytes(data.into()),
            file_name: file_name.to_string(),
        });
        self
    }

    /// Does not add `f=json` (raw downloads).
    pub fn raw(mut self) -> Self {
        self.json = false;
        self
    }
}
