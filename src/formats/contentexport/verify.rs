//! [`verify_package`]: re-reads every member of a package in one streaming pass, recomputes
//! sizes and SHA-256 digests and compares them with our sidecar (`agol-backup.json`). Packages
//! without a sidecar (Esri's) are read and checked for structure only, and say so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::SIDECAR_NAME;
use super::scan::{NoSink, scan};
use super::summary::summarise;
use crate::formats::FormatError;

/// What [`verify_package`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageVerifyReport {
    /// The package checked.
    pub path: PathBuf,
    /// Its top folder.
    pub top_folder: String,
    /// Whether the package has our sidecar (without one, checksums cannot be checked).
    pub has_sidecar: bool,
    /// Item folders found.
    pub items: usize,
    /// Members re-read.
    pub members_checked: usize,
    /// Bytes re-read.
    pub bytes_checked: u64,
    /// Everything that disagrees with the sidecar, one sentence each.
    pub problems: Vec<String>,
    /// Tolerated defects of the package (see [`super::PackageSummary::warnings`]).
    pub warnings: Vec<String>,
}

impl PackageVerifyReport {
    /// True when no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// True when the sidecar's checksums were checked and all agree.
    pub fn checksums_verified(&self) -> bool {
        self.has_sidecar && self.is_ok()
    }
}

/// Verifies the package at `path` against its sidecar.
///
/// Problems reported: members the sidecar lists that are missing, members of another size or
/// SHA-256, members the sidecar does not list, and a sidecar newer than this build reads.
///
/// # Errors
/// As [`read_package`](super::read_package): a file that cannot be read or is no package.
pub fn verify_package(path: &Path) -> Result<PackageVerifyReport, FormatError> {
    let found = scan(path, true, &mut NoSink)?;
    let members = found.members.clone();
    let summary = summarise(path, found)?;
    let mut report = PackageVerifyReport {
        path: path.to_path_buf(),
        top_folder: summary.top_folder.clone(),
        has_sidecar: summary.sidecar.is_some(),
        items: summary.items.len(),
        members_checked: members.len(),
        bytes_checked: members.iter().map(|m| m.size).sum(),
        problems: Vec::new(),
        warnings: summary.warnings.clone(),
    };
    let Some(sidecar) = summary.sidecar else {
        return Ok(report);
    };
    if sidecar.format_version > super::SIDECAR_FORMAT_VERSION {
        report.problems.push(format!(
            "{SIDECAR_NAME} has format {} and this build reads up to {}; update agol-backup",
            sidecar.format_version,
            super::SIDECAR_FORMAT_VERSION
        ));
    }
    let actual: HashMap<&str, (u64, Option<&str>)> = members
        .iter()
        .map(|m| (m.path.as_str(), (m.size, m.sha256.as_deref())))
        .collect();
    for expected in &sidecar.members {
        match actual.get(expected.path.as_str()) {
            None => report
                .problems
                .push(format!("{} is missing", expected.path)),
            Some((size, _)) if *size != expected.size => report.problems.push(format!(
                "{} has {size} bytes, the sidecar records {}",
                expected.path, expected.size
            )),
            Some((_, sha)) if *sha != Some(expected.sha256.as_str()) => {
                report.problems.push(format!(
                    "{} has another SHA-256 than the sidecar records",
                    expected.path
                ))
            }
            Some(_) => {}
        }
    }
    for member in &members {
        let listed = sidecar.members.iter().any(|m| m.path == member.path);
        if !listed && member.path != SIDECAR_NAME {
            report
                .problems
                .push(format!("{} is not listed in the sidecar", member.path));
        }
    }
    Ok(report)
}
