//! (in progress) listing without extraction.

use std::path::Path;

use super::InputListing;

/// Lists one file.
pub(super) fn list(path: &Path) -> InputListing {
    InputListing {
        path: path.to_path_buf(),
        format: None,
        items: Vec::new(),
        verified: None,
        problems: vec!["not listable yet".into()],
    }
}
