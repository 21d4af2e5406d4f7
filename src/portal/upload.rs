//! The multipart/form-data body of a request with file parts: the text parameters as fields,
//! then each file part streamed from disk (opened, seeked and cut to its range on every attempt,
//! so a retried upload re-reads the file) or sent from memory, typed by its file name's
//! extension (portals keep an attachment's type as uploaded). Knows nothing of tokens or retries.

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
        let part = part
            .file_name(f.file_name.clone())
            .mime_str(mime_for(&f.file_name))
            .map_err(|e| PortalError::UploadFile {
                path: f.file_name.clone(),
                message: e.to_string(),
            })?;
        form = form.part(f.name.clone(), part);
    }
    Ok(form)
}

/// The media type of a file by its extension (`application/octet-stream` when unknown).
pub(crate) fn mime_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" | "geojson" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn parts_are_typed_by_extension() {
        assert_eq!(super::mime_for("1-photo.JPG"), "image/jpeg");
        assert_eq!(super::mime_for("report.pdf"), "application/pdf");
        assert_eq!(super::mime_for("noextension"), "application/octet-stream");
    }
}
