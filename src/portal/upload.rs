//! The multipart/form-data body of a request with file parts: the text parameters as fields,
//! then each file part streamed from disk (opened, seeked and cut to its range on every attempt,
//! so a retried upload re-reads the file) or sent from memory. Knows nothing of tokens or retries.

use reqwest::multipart::{Form, Part};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::error::PortalError;
use super::request::{FilePart, FileSource};

/// The form for `params` and `files`.
pub(crate) async fn form(params: &[(&str, &str)], files: &[FilePart]) -> Result<Form, PortalError> {
    let mut form = Form::new();
    for (k, v) in params {
        form = form.text((*k).to_string(), (*v).to_string());
    }
    for f in files {
        let part = match &f.source {
            FileSource::Bytes(b) => Part::stream_with_length(b.clone(), b.len() as u64),
            FileSource::Path { path, offset, len } => file_part(path, *offset, *len).await?,
        };
        form = form.part(f.name.clone(), part.file_name(f.file_name.clone()));
    }
    Ok(form)
}

async fn file_part(
    path: &std::path::Path,
    offset: u64,
    len: Option<u64>,
) -> Result<Part, PortalError> {
    let err = |e: std::io::Error| PortalError::UploadFile {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut file = tokio::fs::File::open(path).await.map_err(err)?;
    let size = file.metadata().await.map_err(err)?.len();
    let start = offset.min(size);
    let len = len.unwrap_or(size - start).min(size - start);
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(err)?;
    let stream = ReaderStream::new(file.take(len));
    Ok(Part::stream_with_length(
        reqwest::Body::wrap_stream(stream),
        len,
    ))
}
