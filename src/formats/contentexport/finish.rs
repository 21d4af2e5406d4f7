//! The package-wide files [`PackageWriter::finish`] adds after the last item: `manifest.json`
//! (Esri's `{"items": {id: {title, type, created, source}}}`), `graph.gml`, the
//! `relationships.json` of items the caller gave none, and our sidecar, always the last member.

use serde_json::{Map, Value, json};

use super::gml::{GmlNode, write_gml};
use super::item::{relationships_json, to_json};
use super::kinds::is_disallowed;
use super::writer::PackageWriter;
use super::{
    GRAPH_NAME, MANIFEST_NAME, PackageItemReport, PackageManifest, RELATIONSHIPS_NAME,
    SIDECAR_FORMAT_VERSION, SIDECAR_NAME, Sidecar,
};
use crate::formats::FormatError;
use crate::formats::archive::tool_name;
use crate::formats::utc;

/// Writes the package-wide files; the writer's items are all finished.
pub(super) fn write_package_files(
    writer: &mut PackageWriter,
    manifest: PackageManifest,
    edges: &[(String, String)],
) -> Result<(), FormatError> {
    let edges = unique_edges(edges);
    for index in 0..writer.done.len() {
        if writer.done[index].has_relationships {
            continue;
        }
        let id = writer.done[index].id.clone();
        let bytes = to_json(&relationships_json(&id, &edges, None), writer)?;
        let path = format!("{id}/{RELATIONSHIPS_NAME}");
        writer.append_member(&path, bytes.len() as u64, &mut bytes.as_slice())?;
    }
    let mut items = Map::new();
    for item in &writer.done {
        let (title, item_type, created) = item.manifest_fields();
        let entry = json!({"title": title, "type": item_type, "created": created,
            "source": manifest.source});
        items.insert(item.id.clone(), entry);
    }
    let bytes = to_json(&json!({ "items": Value::Object(items) }), writer)?;
    writer.append_member(MANIFEST_NAME, bytes.len() as u64, &mut bytes.as_slice())?;
    let graph = graph_text(writer, &edges);
    writer.append_member(GRAPH_NAME, graph.len() as u64, &mut graph.as_bytes())?;
    let sidecar = sidecar(writer, manifest);
    let bytes = to_json(&sidecar, writer)?;
    writer.append_member(SIDECAR_NAME, bytes.len() as u64, &mut bytes.as_slice())?;
    Ok(())
}

/// `edges` without repeats or self-loops, in order.
fn unique_edges(edges: &[(String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(edges.len());
    for edge in edges {
        if edge.0 != edge.1 && !out.contains(edge) {
            out.push(edge.clone());
        }
    }
    out
}

/// The `graph.gml` text: the items in order, then ids only `edges` name (no folder).
fn graph_text(writer: &PackageWriter, edges: &[(String, String)]) -> String {
    let mut nodes: Vec<GmlNode> = writer
        .done
        .iter()
        .map(|item| GmlNode {
            label: item.id.clone(),
            has_item: true,
        })
        .collect();
    let index_of = |label: &str, nodes: &mut Vec<GmlNode>| {
        if let Some(i) = nodes.iter().position(|n| n.label == label) {
            return i;
        }
        nodes.push(GmlNode {
            label: label.to_string(),
            has_item: false,
        });
        nodes.len() - 1
    };
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .map(|(s, t)| (index_of(s, &mut nodes), index_of(t, &mut nodes)))
        .collect();
    write_gml(&nodes, &pairs)
}

/// The sidecar: every member so far, flat copies, notes, and a report per item.
fn sidecar(writer: &PackageWriter, manifest: PackageManifest) -> Sidecar {
    let PackageManifest {
        source,
        items: mut reports,
        not_included,
    } = manifest;
    let mut items = Vec::with_capacity(writer.done.len());
    for item in &writer.done {
        let report = match reports.iter().position(|r| r.item_id == item.id) {
            Some(i) => reports.swap_remove(i),
            None => PackageItemReport::complete(&item.id),
        };
        items.push(report);
    }
    let mut notes = writer.notes.clone();
    for item in &writer.done {
        if let (_, Value::String(item_type), _) = item.manifest_fields()
            && is_disallowed(&item_type)
        {
            notes.push(format!(
                "{} is a {item_type}: the package holds it, but Esri's importer refuses that type",
                item.id
            ));
        }
    }
    notes.extend(reports.iter().map(|r| {
        format!(
            "a report was given for {}, which the package does not hold",
            r.item_id
        )
    }));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Sidecar {
        format_version: SIDECAR_FORMAT_VERSION,
        tool: tool_name(),
        created_utc: utc::format_datetime(now_ms),
        source,
        members: writer.members.clone(),
        flat_copies: writer.flat_copies.clone(),
        notes,
        items,
        not_included,
    }
}

/// Gives the package the usual `rw-r--r--` mode (temporary files are created owner-only).
pub(super) fn readable_by_all(tmp: &tempfile::NamedTempFile) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = tmp;
    Ok(())
}
