//! The last fallback for hosted layer data, open to anyone who can see the service: every
//! object id (`returnIdsOnly`), then the features in chunks of 200 ids as GeoJSON, written to
//! `layers/<id>.geojson` as one FeatureCollection chunk by chunk, then every attachment.

use serde_json::Value;

use super::super::ctx::{ItemError, RunCtx};
use super::attachments;
use super::{Counts, LayerInfo};
use crate::formats::archive::ArchiveWriter;
use crate::portal::ApiRequest;

/// Object ids per feature request ("anything larger causes the server to crash", Esri's client).
const CHUNK: usize = 200;

/// Captures every layer; returns the counts captured.
pub(crate) async fn capture(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    layers: &[LayerInfo],
) -> Result<Vec<Counts>, ItemError> {
    let mut out = Vec::new();
    for l in layers {
        let oids = object_ids(ctx, url, l.id).await?;
        let features = features(ctx, w, url, l.id, &oids).await?;
        let attachments = if l.has_attachments {
            let mut n = 0;
            for chunk in oids.chunks(CHUNK) {
                let list = attachments::list(ctx, url, l.id, chunk).await?;
                n += attachments::download_all(ctx, w, url, l.id, &list).await?;
            }
            Some(n)
        } else {
            None
        };
        out.push(Counts {
            features,
            attachments,
        });
    }
    Ok(out)
}

/// Every object id of the layer, ascending.
async fn object_ids(ctx: &RunCtx, url: &str, layer: i64) -> Result<Vec<i64>, ItemError> {
    ctx.check()?;
    let req = ApiRequest::get(&format!("{url}/{layer}/query"))
        .param("where", "1=1")
        .param("returnIdsOnly", "true");
    let v = ctx
        .client
        .call_value(&req)
        .await
        .map_err(|e| ItemError::portal(&format!("listing object ids of layer {layer}"), &e))?;
    let mut ids: Vec<i64> = v["objectIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Writes `layers/<layer>.geojson`; returns the number of features written.
async fn features(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    layer: i64,
    oids: &[i64],
) -> Result<u64, ItemError> {
    w.begin_entry(&crate::formats::archive::layer_geojson_path(layer), true)?;
    match write_features(ctx, w, url, layer, oids).await {
        Ok(n) => {
            w.end_entry()?;
            Ok(n)
        }
        Err(e) => {
            w.discard_entry()?;
            Err(e)
        }
    }
}

async fn write_features(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    url: &str,
    layer: i64,
    oids: &[i64],
) -> Result<u64, ItemError> {
    w.write_chunk(br#"{"type":"FeatureCollection","features":["#)?;
    let mut written = 0u64;
    for chunk in oids.chunks(CHUNK) {
        ctx.check()?;
        let ids: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let req = ApiRequest::post(&format!("{url}/{layer}/query"))
            .param("objectIds", ids.join(","))
            .param("outFields", "*")
            .param("returnGeometry", "true")
            .param("f", "geojson")
            .idempotent(true);
        let v = ctx
            .client
            .call_value(&req)
            .await
            .map_err(|e| ItemError::portal(&format!("querying layer {layer}"), &e))?;
        for f in v["features"].as_array().into_iter().flatten() {
            if written > 0 {
                w.write_chunk(b",")?;
            }
            let bytes = serde_json::to_vec(f)
                .map_err(|e| ItemError::Failed(format!("encoding a feature: {e}")))?;
            w.write_chunk(&bytes)?;
            written += 1;
        }
    }
    w.write_chunk(b"]}")?;
    Ok(written)
}
