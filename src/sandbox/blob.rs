//! The blob origin: a second address that serves file bytes behind signed URLs, as the CDN behind
//! real portals does. `/data` of file items redirects here. Like the real storage service it
//! refuses requests that still carry `X-Esri-Authorization` (clients must drop the header when
//! they follow a redirect to another host). Generated contents are streamed, never held in memory.
//! An export file fetched before its job has completed comes back truncated, as real ones do.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream;
use sha2::{Digest, Sha256};

use super::items::{content_type_for, set_disposition};
use super::model::{Content, ItemData};
use super::rng::fill_generated;
use super::{Ctx, faults};

const CHUNK: u64 = 64 * 1024;

/// The blob origin's router.
pub fn router(ctx: Arc<Ctx>) -> Router {
    Router::new()
        .route("/blob/{id}/{sig}/{name}", get(download))
        .layer(middleware::from_fn_with_state(ctx.clone(), faults::layer))
        .with_state(ctx)
}

fn signature(ctx: &Ctx, id: &str) -> String {
    let mut h = Sha256::new();
    h.update(ctx.base.as_bytes());
    h.update(b"|agol-sandbox-blob|");
    h.update(id.as_bytes());
    let d = h.finalize();
    d.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The signed blob URL for an item's file.
pub fn signed_url(ctx: &Ctx, id: &str, name: &str) -> String {
    let enc = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("{}/blob/{id}/{}/{enc}", ctx.blob_base, signature(ctx, id))
}

async fn download(
    State(ctx): State<Arc<Ctx>>,
    Path((id, sig, _name)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    if headers.contains_key("x-esri-authorization") || headers.contains_key(header::AUTHORIZATION) {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; the signed URL already authorizes this request. Do not send X-Esri-Authorization or Authorization to the blob store.</Message></Error>";
        let mut r = (StatusCode::BAD_REQUEST, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml"),
        );
        return r;
    }
    if sig != signature(&ctx, &id) {
        return (
            StatusCode::FORBIDDEN,
            "<Error><Code>AccessDenied</Code><Message>Signature does not match.</Message></Error>",
        )
            .into_response();
    }
    let file = {
        let st = ctx.lock();
        let unfinished = st
            .jobs
            .values()
            .any(|j| j.item_id == id && j.kind == "export" && j.ready_at > super::now_ms());
        st.items.get(&id).and_then(|i| match &i.data {
            ItemData::File { name, content } => Some((name.clone(), content.clone(), unfinished)),
            _ => None,
        })
    };
    let Some((name, mut content, unfinished)) = file else {
        return (StatusCode::NOT_FOUND, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>").into_response();
    };
    if unfinished && let Content::Bytes(b) = &content {
        // Like the real service: an export downloaded before its job completes is cut short.
        content = Content::bytes(b[..b.len() / 2].to_vec());
    }
    let mut resp = content_response(content, content_type_for(&name));
    set_disposition(&mut resp, &name);
    resp
}

/// A response streaming `content` with `Content-Length` and `Content-Type`.
pub fn content_response(content: Content, content_type: &str) -> Response {
    let len = content.len();
    let body = match content {
        Content::Bytes(b) => Body::from(Bytes::from(b.to_vec())),
        Content::Generated { len, seed } => {
            let chunks = stream::unfold(0u64, move |offset| async move {
                if offset >= len {
                    return None;
                }
                let n = CHUNK.min(len - offset);
                let mut buf = vec![0u8; usize::try_from(n).unwrap_or(0)];
                fill_generated(seed, offset, &mut buf);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), offset + n))
            });
            Body::from_stream(chunks)
        }
    };
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    resp
}
