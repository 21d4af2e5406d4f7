//! How the sandbox answers: JSON bodies labelled as JSON, and ArcGIS error envelopes
//! (`{"error":{"code","messageCode","message","details"}}`), which real portals send with HTTP 200
//! on `f=json` endpoints and with a real status on raw downloads.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An ArcGIS error, rendered as the error envelope.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The `code` inside the envelope (400, 403, 404, 498, 499, 500).
    pub code: u16,
    /// Esri's `messageCode`, when the real service sends one.
    pub message_code: Option<&'static str>,
    /// Human-readable message, worded as the real service words it.
    pub message: String,
    /// Extra detail lines.
    pub details: Vec<String>,
    /// The HTTP status (200 for `f=json` endpoints, like the real portal).
    pub http_status: StatusCode,
}

impl ApiError {
    fn new(code: u16, message_code: Option<&'static str>, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message_code,
            message: message.into(),
            details: Vec::new(),
            http_status: StatusCode::OK,
        }
    }

    /// 498: the token is unknown, expired or bound to another referer.
    pub fn invalid_token() -> Self {
        Self::new(498, Some("GWM_0003"), "Invalid token.")
    }

    /// 499: the resource needs a token and none was sent.
    pub fn token_required() -> Self {
        let mut e = Self::new(499, Some("GWM_0003"), "Token Required");
        e.details.push("Token Required".into());
        e
    }

    /// 400 CONT_0001: the item does not exist or the caller may not see it.
    pub fn item_not_found(id: &str) -> Self {
        let mut e = Self::new(
            400,
            Some("CONT_0001"),
            "Item does not exist or is inaccessible.",
        );
        e.details
            .push(format!("Item '{id}' does not exist or is inaccessible."));
        e
    }

    /// 403: signed in, but not allowed.
    pub fn forbidden() -> Self {
        Self::new(
            403,
            Some("GWM_0003"),
            "You do not have permissions to access this resource or perform this operation.",
        )
    }

    /// 400: a bad or missing parameter.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, None, message)
    }

    /// 404: a resource, service, layer or route that does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, None, message)
    }

    /// 500: the server failed.
    pub fn server_error(message: impl Into<String>) -> Self {
        Self::new(500, None, message)
    }

    /// Adds a detail line.
    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.details.push(d.into());
        self
    }

    /// Sends the code as the HTTP status too (raw downloads do this).
    pub fn with_http_status(mut self) -> Self {
        self.http_status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::BAD_REQUEST);
        self
    }

    /// The envelope as JSON.
    pub fn body(&self) -> Value {
        let mut inner =
            json!({"code": self.code, "message": self.message, "details": self.details});
        if let Some(mc) = self.message_code {
            inner["messageCode"] = json!(mc);
        }
        json!({ "error": inner })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = json_response(&self.body());
        *resp.status_mut() = self.http_status;
        resp
    }
}

/// Result type of every sandbox handler.
pub type ApiResult = Result<Response, ApiError>;

/// A JSON response with `Content-Type: application/json; charset=utf-8`.
pub fn json_response(v: &Value) -> Response {
    raw_json(serde_json::to_vec(v).unwrap_or_default())
}

/// Already-serialised JSON bytes as a JSON response.
pub fn raw_json(bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// `Ok(json)`.
pub fn ok(v: Value) -> ApiResult {
    Ok(json_response(&v))
}

/// An HTML page.
pub fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}
