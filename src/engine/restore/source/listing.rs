//! [`list`]: what one input file holds, without extracting anything: our archives from their
//! manifest (checksums verified with `formats::archive::verify_archive`), packages from
//! `formats::contentexport::read_package` (checksums with `verify_package` when our sidecar is
//! there), the original utility's ZIPs from their small JSON entries read in memory. Entry
//! names a restore would refuse are problems. Never writes.

use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::Path;

use serde_json::Value;
use zip::ZipArchive;

use super::detect::{is_original_metadata, sniff};
use super::{InputListing, ListedItem, SourceFormat, common};
use crate::formats::archive::{ItemStatus, check_entry_path, read_manifest, verify_archive};
use crate::formats::contentexport::{read_package, verify_package};

/// Largest JSON entry of an original utility's ZIP read to list it.
const MAX_JSON_BYTES: u64 = 16 * 1024 * 1024;

/// Lists the file at `path`; a file that cannot be read is listed with its problem.
pub(super) fn list(path: &Path) -> InputListing {
    let mut out = InputListing {
        path: path.to_path_buf(),
        format: None,
        items: Vec::new(),
        verified: None,
        problems: Vec::new(),
        readable: false,
        description: String::new(),
        warnings: Vec::new(),
        not_included: Vec::new(),
        checked: None,
    };
    let result = sniff(path).and_then(|format| {
        out.format = Some(format);
        match format {
            SourceFormat::Archive => archive(path, &mut out),
            SourceFormat::ContentExport => package(path, &mut out),
            SourceFormat::OriginalZip => original(path, &mut out),
        }
    });
    match result {
        Ok(()) => out.readable = true,
        Err(e) if e.contains(&path.display().to_string()) => out.problems.push(e),
        Err(e) => out.problems.push(format!("{}: {e}", path.display())),
    }
    out
}

/// One of our archives.
fn archive(path: &Path, out: &mut InputListing) -> Result<(), String> {
    let manifest = read_manifest(path).map_err(|e| e.to_string())?;
    let report = verify_archive(path).map_err(|e| e.to_string())?;
    out.description = format!(
        "agol-backup archive from {}, status {:?}",
        manifest.source_portal, manifest.status
    );
    out.items.push(ListedItem {
        id: manifest.item_id.clone(),
        title: manifest.title.clone(),
        item_type: manifest.item_type.clone(),
        size: manifest.artefacts.iter().map(|a| a.size).sum(),
        dependencies: manifest.dependencies.clone(),
        status: manifest.status.clone(),
        files: manifest
            .artefacts
            .iter()
            .map(|a| (a.path.clone(), a.size))
            .collect(),
    });
    refuse_unsafe(path)?;
    out.problems.extend(report.problems.iter().cloned());
    out.verified = Some(out.problems.is_empty());
    out.checked = Some((report.artefacts_checked, report.bytes_checked));
    Ok(())
}

/// A `.contentexport` package.
fn package(path: &Path, out: &mut InputListing) -> Result<(), String> {
    let summary = read_package(path).map_err(|e| e.to_string())?;
    let report = verify_package(path).map_err(|e| e.to_string())?;
    out.description = format!(
        ".contentexport package, top folder {}, {} item(s){}",
        summary.top_folder,
        summary.items.len(),
        summary
            .source
            .as_deref()
            .map(|s| format!(", from {s}"))
            .unwrap_or_default()
    );
    let report_of = |id: &str| {
        summary
            .sidecar
            .as_ref()
            .and_then(|s| s.items.iter().find(|r| r.item_id == id))
    };
    for item in &summary.items {
        let mut dependencies: Vec<String> = Vec::new();
        for (_, t) in summary.edges.iter().filter(|(s, _)| *s == item.id) {
            if !dependencies.contains(t) {
                dependencies.push(t.clone());
            }
        }
        out.items.push(ListedItem {
            id: item.id.clone(),
            title: item.title.clone(),
            item_type: item.item_type.clone(),
            size: item.files.iter().map(|(_, s)| s).sum(),
            dependencies,
            status: report_of(&item.id).map_or(ItemStatus::Complete, |r| r.status.clone()),
            files: item.files.clone(),
        });
    }
    for n in summary.sidecar.iter().flat_map(|s| &s.not_included) {
        out.not_included
            .push(format!("{} {} ({})", n.item_id, n.title, n.reason));
    }
    out.warnings = report.warnings.clone();
    out.problems.extend(report.problems.iter().cloned());
    out.verified = if !report.is_ok() {
        Some(false)
    } else {
        report.has_sidecar.then_some(true)
    };
    out.checked = report
        .checksums_verified()
        .then_some((report.members_checked, report.bytes_checked));
    Ok(())
}

/// An open ZIP.
type Zip = ZipArchive<BufReader<File>>;

/// Opens the ZIP at `path`.
fn open(path: &Path) -> Result<Zip, String> {
    let file = File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("it is not a readable ZIP (damaged or truncated: {e})"))
}

/// Refuses a ZIP with an entry that would land outside the folder it is extracted into (as
/// the restore's extraction does).
fn refuse_unsafe(path: &Path) -> Result<(), String> {
    let zip = open(path)?;
    let bad = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| n.contains("..") || n.starts_with('/') || n.contains('\\'))
        .find(|n| check_entry_path(n.trim_end_matches('/')).is_err());
    match bad {
        Some(n) => Err(format!(
            "it holds the unsafe entry {n:?} (it would land outside the extraction folder): \
             the file is refused"
        )),
        None => Ok(()),
    }
}

/// The JSON of entry `name`, when it is small enough and valid.
fn json_entry(zip: &mut Zip, name: &str) -> Option<Value> {
    let entry = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    entry.take(MAX_JSON_BYTES).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The original utility's ZIP.
fn original(path: &Path, out: &mut InputListing) -> Result<(), String> {
    let mut zip = open(path)?;
    let mut entries: Vec<(String, u64)> = Vec::new();
    for i in 0..zip.len() {
        let e = zip
            .by_index_raw(i)
            .map_err(|e| format!("entry {i} is unreadable: {e}"))?;
        if !e.is_dir() {
            entries.push((String::from_utf8_lossy(e.name_raw()).into_owned(), e.size()));
        }
    }
    let mut folders: Vec<&str> = entries
        .iter()
        .filter(|(n, _)| is_original_metadata(n))
        .map(|(n, _)| n.rsplit_once('/').map_or("", |(p, _)| p))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let here: Vec<&(String, u64)> = entries
            .iter()
            .filter(|(n, _)| n.rsplit_once('/').map_or("", |(p, _)| p) == folder)
            .collect();
        match original_item(&mut zip, &here, folder) {
            Ok((item, problems)) => {
                out.items.push(item);
                out.problems.extend(problems);
            }
            Err(e) => out.problems.push(format!("{folder:?}: {e}")),
        }
    }
    refuse_unsafe(path)?;
    out.description = format!(
        "the original utility's backup ZIP, {} item(s)",
        out.items.len()
    );
    Ok(())
}

/// One item folder of an original utility's ZIP, with its problems.
fn original_item(
    zip: &mut Zip,
    here: &[&(String, u64)],
    folder: &str,
) -> Result<(ListedItem, Vec<String>), String> {
    let find = |suffix: &str| {
        here.iter()
            .find(|(n, _)| n.to_ascii_lowercase().ends_with(suffix))
            .map(|(n, _)| n.clone())
    };
    let item = ["_metadata_full.json", "_metadata.json"]
        .iter()
        .filter_map(|s| find(s))
        .filter_map(|n| json_entry(zip, &n))
        .find(|v| v["id"].is_string())
        .ok_or("no readable <title>_metadata.json: the item cannot be restored")?;
    let mut problems = Vec::new();
    let title = common::text(&item, "title");
    let own_file = item["name"]
        .as_str()
        .is_some_and(|name| here.iter().any(|(n, _)| n.rsplit('/').next() == Some(name)));
    let data = find("_data.json").and_then(|n| json_entry(zip, &n));
    if let (Some(Value::String(local)), false) = (&data, own_file) {
        problems.push(format!(
            "{title}: the data is not in the backup: the original utility saved only the local \
             path {local:?} instead of the file (its bug B4)"
        ));
    }
    let hosted = item["url"]
        .as_str()
        .is_some_and(|u| u.contains("/FeatureServer"))
        && common::is_service(&item);
    if hosted && find("_export.zip").is_none() && find("_replica.gdb.zip").is_none() {
        problems.push(format!("{title}: no layer data in the backup"));
    }
    let dependencies = find("_relationships.json")
        .and_then(|n| json_entry(zip, &n))
        .map(|r| common::relations(&r))
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.forward)
        .map(|r| r.other_id)
        .collect();
    let strip = |n: &str| {
        n.strip_prefix(folder)
            .map_or(n, |s| s.trim_start_matches('/'))
            .to_string()
    };
    let listed = ListedItem {
        id: common::text(&item, "id"),
        title,
        item_type: common::text(&item, "type"),
        size: here.iter().map(|(_, s)| s).sum(),
        dependencies,
        status: if problems.is_empty() {
            ItemStatus::Complete
        } else {
            ItemStatus::Partial
        },
        files: here.iter().map(|(n, s)| (strip(n), *s)).collect(),
    };
    Ok((listed, problems))
}
