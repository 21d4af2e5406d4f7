//! [`Download`]: the answer of a raw download (item `/data`, thumbnails, resources, export
//! files) after redirects, read chunk by chunk so memory does not grow with the file. Small
//! JSON/text answers are read whole first, because portals report failures of raw downloads as
//! an error envelope in HTTP 200 and those must surface as errors, not as file contents.

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};

use super::error::PortalError;
use super::failure::{Failure, envelope, network};

/// JSON or text answers up to this size are checked for an error envelope.
const ENVELOPE_CHECK_LIMIT: u64 = 1 << 20;

/// A response body being downloaded.
pub struct Download {
    url: String,
    headers: HeaderMap,
    body: Body,
}

enum Body {
    /// Read whole (small JSON/text answers).
    Buffered(Option<Bytes>),
    /// Streamed: an already-read first part, then the rest of the response.
    Streaming(Option<Bytes>, reqwest::Response),
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("url", &self.url)
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// Wraps a 2xx response: reads small JSON/text bodies whole and checks them for an envelope.
pub(crate) async fn from_response(
    url: String,
    resp: reqwest::Response,
) -> Result<Download, Failure> {
    let headers = resp.headers().clone();
    let content_type = header_text(&headers, CONTENT_TYPE).to_ascii_lowercase();
    let textual = content_type.contains("json") || content_type.starts_with("text/plain");
    let small = resp
        .content_length()
        .is_none_or(|n| n <= ENVELOPE_CHECK_LIMIT);
    if !(textual && small) {
        return Ok(Download {
            url,
            headers,
            body: Body::Streaming(None, resp),
        });
    }
    let (bytes, rest) = read_up_to(&url, resp).await?;
    if let Some(resp) = rest {
        return Ok(Download {
            url,
            headers,
            body: Body::Streaming(Some(bytes), resp),
        });
    }
    if let Some(err) = envelope_in(&url, &bytes) {
        let transient = err.api_code().is_some_and(super::retry::is_transient_code);
        return Err(Failure {
            error: err,
            transient,
            retry_after: super::retry::retry_after(&headers),
        });
    }
    Ok(Download {
        url,
        headers,
        body: Body::Buffered(Some(bytes)),
    })
}

/// Reads the body up to the check limit: the bytes, and the response when more is left.
async fn read_up_to(
    url: &str,
    mut resp: reqwest::Response,
) -> Result<(Bytes, Option<reqwest::Response>), Failure> {
    let mut buf = BytesMut::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                buf.extend_from_slice(&c);
                if buf.len() as u64 > ENVELOPE_CHECK_LIMIT {
                    return Ok((buf.freeze(), Some(resp)));
                }
            }
            Ok(None) => return Ok((buf.freeze(), None)),
            Err(e) => return Err(Failure::transient(network(url, &e))),
        }
    }
}

fn envelope_in(url: &str, bytes: &[u8]) -> Option<PortalError> {
    let looks_like_envelope =
        bytes.trim_ascii_start().starts_with(b"{") && bytes.windows(7).any(|w| w == b"\"error\"");
    if !looks_like_envelope {
        return None;
    }
    let v = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    envelope(url, &v)
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

impl Download {
    /// The final URL (after redirects), secrets removed.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `Content-Length`, when the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// `Content-Type`, when the server sent one.
    pub fn content_type(&self) -> Option<String> {
        Some(header_text(&self.headers, CONTENT_TYPE)).filter(|s| !s.is_empty())
    }

    /// The file name from `Content-Disposition` (`filename*=UTF-8''..` preferred over `filename=`).
    pub fn file_name(&self) -> Option<String> {
        file_name_of(&header_text(&self.headers, CONTENT_DISPOSITION))
    }

    /// The next chunk of the body, `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, PortalError> {
        match &mut self.body {
            Body::Buffered(b) => Ok(b.take().filter(|b| !b.is_empty())),
            Body::Streaming(prefix, resp) => match prefix.take() {
                Some(p) => Ok(Some(p)),
                None => resp.chunk().await.map_err(|e| network(&self.url, &e)),
            },
        }
    }

    /// The whole body in memory (for small files; stream large ones with [`chunk`](Self::chunk)).
    pub async fn bytes(mut self) -> Result<Bytes, PortalError> {
        let mut all = BytesMut::new();
        while let Some(c) = self.chunk().await? {
            all.extend_from_slice(&c);
        }
        Ok(all.freeze())
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, PortalError>> + Send {
        futures_util::stream::try_unfold(self, |mut d| async move {
            Ok(d.chunk().await?.map(|c| (c, d)))
        })
    }
}

/// The file name in a `Content-Disposition` value.
fn file_name_of(disposition: &str) -> Option<String> {
    let mut plain = None;
    for part in disposition.split(';').map(str::trim) {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if key == "filename*" {
            let encoded = value.splitn(3, '\'').nth(2).unwrap_or(value);
            let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
            return Some(decoded.into_owned()).filter(|s| !s.is_empty());
        }
        if key == "filename" {
            plain = Some(value.trim_matches('"').to_string()).filter(|s| !s.is_empty());
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::file_name_of;

    #[test]
    fn content_disposition_names() {
        let cases = [
            ("attachment; filename=\"report.pdf\"", Some("report.pdf")),
            ("attachment; filename=plain.txt", Some("plain.txt")),
            (
                "attachment; filename=\"a.pdf\"; filename*=UTF-8''%D7%A9%D7%9C%D7%95%D7%9D.pdf",
                Some("שלום.pdf"),
            ),
            ("inline", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(file_name_of(input).as_deref(), want, "{input}");
        }
    }
}
