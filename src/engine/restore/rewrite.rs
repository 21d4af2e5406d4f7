//! References from one restored item to another: old item ids, service URLs and the source
//! portal's URL, rewritten in JSON text (item data, JSON resources) to what they are on the
//! target. Pure text work on strings; knows nothing of the portal or files.

use std::collections::BTreeMap;

/// What old ids and URLs become.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RewriteMap {
    /// Old item id -> new item id.
    pub ids: BTreeMap<String, String>,
    /// Old service URL (no trailing slash) -> new service URL.
    pub urls: BTreeMap<String, String>,
    /// Old portal base URL -> new portal base URL, when they differ.
    pub portal: Option<(String, String)>,
}
