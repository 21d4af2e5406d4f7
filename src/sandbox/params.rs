//! Request parameters the way ArcGIS reads them: the query string merged with a urlencoded or
//! multipart body, names matched case-insensitively (`jobId` = `jobid`), booleans as `true`,
//! `True` or `1`, lists as JSON arrays or comma strings. Accepts GET and POST alike.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, Method, header};

use super::reply::ApiError;

/// A file part of a multipart body.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The part's file name.
    pub filename: String,
    /// The part's content type, if given.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Bytes,
}

/// The merged parameters of one request, plus its headers and method.
#[derive(Debug, Default)]
pub struct Params {
    fields: HashMap<String, String>,
    files: HashMap<String, Upload>,
    /// Request headers.
    pub headers: HeaderMap,
    /// `GET`, `POST` ...
    pub method: Method,
}

impl Params {
    /// A parameter by case-insensitive name; empty strings count as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A parameter, or a 400 naming it.
    pub fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::bad_request(format!("'{name}' must be specified.")))
    }

    /// True when the parameter was sent at all (even empty).
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(&name.to_ascii_lowercase())
    }

    /// A boolean, parsed case-insensitively (`true`, `True`, `1`, `yes`).
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "on"
            )
        })
    }

    /// An integer parameter; a value that is not a number is a 400.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => {
                v.trim().parse::<i64>().map(Some).map_err(|_| {
                    ApiError::bad_request(format!("Invalid value for '{name}': '{v}'."))
                })
            }
        }
    }

    /// A list given as a JSON array or a comma-separated string.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(parse_list)
    }

    /// A multipart file part by name.
    pub fn file(&self, name: &str) -> Option<&Upload> {
        self.files.get(&name.to_ascii_lowercase())
    }

    /// Any file part (for parts whose name clients choose freely, like addPart's).
    pub fn any_file(&self) -> Option<&Upload> {
        self.files.values().next()
    }

    /// Sets a field (tests and internal re-dispatch).
    pub fn set(&mut self, name: &str, value: &str) {
        self.fields
            .insert(name.to_ascii_lowercase(), value.to_string());
    }

    /// True when the caller asked for JSON (`f=json` or `f=pjson`).
    pub fn wants_json(&self) -> bool {
        matches!(self.get("f"), Some("json" | "pjson"))
    }

    fn merge_urlencoded(&mut self, raw: &[u8]) {
        for (k, v) in form_urlencoded_pairs(raw) {
            self.fields.insert(k.to_ascii_lowercase(), v);
        }
    }
}

/// Parses a JSON array or a comma string into trimmed, non-empty strings.
pub fn parse_list(v: &str) -> Vec<String> {
    let t = v.trim();
    if t.starts_with('[')
        && let Ok(serde_json::Value::Array(a)) = serde_json::from_str::<serde_json::Value>(t)
    {
        return a
            .iter()
            .map(|x| match x {
                serde_json::Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            })
            .filter(|s| !s.is_empty())
            .collect();
    }
    t.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn form_urlencoded_pairs(raw: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw).unwrap_or_default()
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let mut p = Params {
            headers: req.headers().clone(),
            method: req.method().clone(),
            ..Params::default()
        };
        if let Some(q) = req.uri().query() {
            p.merge_urlencoded(q.as_bytes());
        }
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut mp = Multipart::from_request(req, state)
                .await
                .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?;
            while let Some(field) = mp
                .next_field()
                .await
                .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?
            {
                let name = field.name().unwrap_or("").to_ascii_lowercase();
                let filename = field.file_name().map(str::to_string);
                let ct = field.content_type().map(str::to_string);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?;
                match filename {
                    Some(filename) => {
                        p.files.insert(
                            name,
                            Upload {
                                filename,
                                content_type: ct,
                                bytes,
                            },
                        );
                    }
                    None => {
                        p.fields
                            .insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
        } else {
            let body = Bytes::from_request(req, state)
                .await
                .map_err(|e| ApiError::bad_request(format!("Unreadable body: {e}")))?;
            if !body.is_empty() {
                p.merge_urlencoded(&body);
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_accept_json_and_commas() {
        assert_eq!(parse_list(r#"["a", "b c"]"#), vec!["a", "b c"]);
        assert_eq!(parse_list("a, b ,,c"), vec!["a", "b", "c"]);
    }

    #[test]
    fn names_and_booleans_are_case_insensitive() {
        let mut p = Params::default();
        p.set("jobId", "x");
        p.set("async", "True");
        assert_eq!(p.get("jobid"), Some("x"));
        assert_eq!(p.flag("ASYNC"), Some(true));
    }
}
