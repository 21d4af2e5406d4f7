//! (in progress) reader of this input format.

use std::path::Path;

use super::common::Read;

/// Reads the file at `path` into `dir`.
pub(super) fn read(path: &Path, dir: &Path) -> Result<Read, String> {
    let _ = (path, dir);
    Err("this format is not readable yet".into())
}
