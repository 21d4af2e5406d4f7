//! The inventory CSV: one row per item found by a scan, in the original utility's columns
//! (`Title,Id,Type,Owner,Created,Modified,RestUrl,ItemPageUrl,Tags,ContentStatus`), UTF-8 with
//! BOM so Excel opens it. Unlike the original, which appended a new row for every updated item,
//! [`Inventory::apply`] upserts by id and, after a complete scan, drops items no longer found.

mod file;
mod row;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

pub use file::{parse_inventory, read_inventory, write_inventory};
pub use row::{COLUMNS, InventoryRow};

use super::FormatError;

/// The inventory file name the original utility used and the app proposes.
pub const DEFAULT_INVENTORY_NAME: &str = "AuthInventory.csv";

/// What a scan changed in the inventory, as item ids in scan (or, for `removed`, file) order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanDelta {
    /// Ids that were not in the inventory and were appended.
    pub new: Vec<String>,
    /// Ids whose row showed different content and was replaced in place.
    pub changed: Vec<String>,
    /// Ids whose row stayed the same.
    pub unchanged: Vec<String>,
    /// Ids removed because a complete scan no longer returned them.
    pub removed: Vec<String>,
}

/// The inventory: rows keyed by item id, in file order (new ids appended at the end).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The rows, one per id.
    rows: Vec<InventoryRow>,
    /// Id -> index in `rows`.
    positions: HashMap<String, usize>,
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Self {
        Self::default()
    }

    /// An inventory of `rows`. Where an id repeats (the original utility appended a row per
    /// update), the last row wins and takes the place of the first.
    pub fn from_rows(rows: Vec<InventoryRow>) -> Self {
        let mut inventory = Self::new();
        for row in rows {
            match inventory.positions.get(&row.id) {
                Some(&i) => inventory.rows[i] = row,
                None => inventory.push(row),
            }
        }
        inventory
    }

    /// Loads the inventory at `path`; a missing file is an empty inventory.
    ///
    /// # Errors
    /// As [`read_inventory`], except that a missing file is not an error.
    pub fn load(path: &Path) -> Result<Self, FormatError> {
        match read_inventory(path) {
            Ok(rows) => Ok(Self::from_rows(rows)),
            Err(FormatError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(Self::new())
            }
            Err(e) => Err(e),
        }
    }

    /// The rows in file order.
    pub fn rows(&self) -> &[InventoryRow] {
        &self.rows
    }

    /// The row of item `id`.
    pub fn get(&self, id: &str) -> Option<&InventoryRow> {
        self.positions.get(id).map(|&i| &self.rows[i])
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the inventory holds no item.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Merges the rows of a scan: unknown ids are appended (new), known ids are replaced in
    /// place (changed, or unchanged when the CSV would show the same thing). When `complete`
    /// (the scan covered the whole query, nothing was skipped or failed), ids the scan did not
    /// return are removed. A repeated id within `scanned` counts once (first row kept).
    pub fn apply(&mut self, scanned: Vec<InventoryRow>, complete: bool) -> ScanDelta {
        let mut delta = ScanDelta::default();
        let mut seen = HashSet::new();
        for row in scanned {
            if !seen.insert(row.id.clone()) {
                continue;
            }
            match self.positions.get(&row.id) {
                None => {
                    delta.new.push(row.id.clone());
                    self.push(row);
                }
                Some(&i) => {
                    let list = if self.rows[i].same_content(&row) {
                        &mut delta.unchanged
                    } else {
                        &mut delta.changed
                    };
                    list.push(row.id.clone());
                    self.rows[i] = row;
                }
            }
        }
        if complete {
            let (kept, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut self.rows)
                .into_iter()
                .partition(|r| seen.contains(&r.id));
            delta.removed = gone.into_iter().map(|r| r.id).collect();
            self.positions.clear();
            for row in kept {
                self.push(row);
            }
        }
        delta
    }

    /// Writes the inventory to `path` atomically; an existing inventory is replaced only by a
    /// complete new file, a foreign CSV is never replaced.
    ///
    /// # Errors
    /// As [`write_inventory`].
    pub fn write(&self, path: &Path) -> Result<(), FormatError> {
        write_inventory(path, &self.rows)
    }

    /// Appends a row whose id is not present yet.
    fn push(&mut self, row: InventoryRow) {
        self.positions.insert(row.id.clone(), self.rows.len());
        self.rows.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, title: &str, modified: i64) -> InventoryRow {
        InventoryRow {
            title: title.into(),
            id: id.into(),
            item_type: "Web Map".into(),
            modified_ms: Some(modified),
            ..InventoryRow::default()
        }
    }

    #[test]
    fn apply_upserts_and_removes_only_after_a_complete_scan() {
        let mut inv = Inventory::from_rows(vec![
            row("a", "A", 1000),
            row("b", "B", 1000),
            row("c", "C", 1000),
        ]);
        let delta = inv.apply(
            vec![row("b", "B2", 5000), row("d", "D", 1), row("a", "A", 1500)],
            false,
        );
        assert_eq!(delta.new, ["d"]);
        assert_eq!(delta.changed, ["b"]);
        assert_eq!(
            delta.unchanged,
            ["a"],
            "same second: the CSV would not change"
        );
        assert!(delta.removed.is_empty());
        let ids: Vec<&str> = inv.rows().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(inv.get("b").unwrap().title, "B2");
        assert_eq!(
            inv.get("a").unwrap().modified_ms,
            Some(1500),
            "raw value refreshed"
        );

        let delta = inv.apply(
            vec![row("d", "D", 1), row("b", "B2", 5000), row("d", "D?", 9)],
            true,
        );
        assert_eq!(delta.unchanged, ["d", "b"]);
        assert_eq!(delta.removed, ["a", "c"]);
        let ids: Vec<&str> = inv.rows().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b", "d"]);
        assert_eq!(inv.get("d").unwrap().title, "D");
        assert!(inv.get("a").is_none());
    }

    #[test]
    fn repeated_ids_from_the_original_collapse_to_the_last_row() {
        let inv = Inventory::from_rows(vec![
            row("a", "old", 1),
            row("b", "B", 1),
            row("a", "new", 2),
        ]);
        assert_eq!(inv.len(), 2);
        assert_eq!(inv.rows()[0].title, "new");
    }
}
