//! The scan index: `id,mod[,edit]` per item, UTF-8 with BOM, kept next to the inventory under
//! one name for GUI and CLI ([`DEFAULT_INDEX_NAME`]; the original's GUI and CLI used different
//! names). `mod` is the item's `modified` (epoch ms) as in the original; the optional `edit` is
//! the latest `editingInfo.lastEditDate` of a hosted layer's layers, so data edits (which do not
//! touch `modified`) count as changes. A two-column original index reads fine.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::write_atomic;
use super::{FormatError, UTF8_BOM, read_records, strip_bom, utf8_field};

/// The index file name, placed in the inventory's folder.
pub const DEFAULT_INDEX_NAME: &str = "scan_index.csv";

/// The index path that goes with the inventory at `inventory`.
pub fn index_path_for(inventory: &Path) -> PathBuf {
    inventory.with_file_name(DEFAULT_INDEX_NAME)
}

/// What the index remembers of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// The item's `modified`, epoch ms.
    pub modified_ms: i64,
    /// The latest layer `lastEditDate`, epoch ms (hosted feature layers only).
    pub last_edit_ms: Option<i64>,
}

/// The scan index: item id -> [`IndexEntry`], in insertion order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Ids in file / insertion order.
    order: Vec<String>,
    /// The entries.
    entries: HashMap<String, IndexEntry>,
}

impl Index {
    /// Loads the index at `path`; a missing file is an empty index.
    ///
    /// # Errors
    /// [`FormatError::Read`], [`FormatError::ForeignCsv`] when the header is not `id,mod` or
    /// `id,mod,edit`, [`FormatError::Malformed`] naming the line of a bad row.
    pub fn load(path: &Path) -> Result<Self, FormatError> {
        match std::fs::read(path) {
            Ok(data) => Self::parse(&data, path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(FormatError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Loads the index only if the inventory it belongs to exists: with the inventory gone,
    /// an old index would make every item look unchanged and the new inventory stay empty
    /// (the original's bug), so an empty index is returned and every item counts as new.
    ///
    /// # Errors
    /// As [`Index::load`].
    pub fn load_consistent(index_path: &Path, inventory_exists: bool) -> Result<Self, FormatError> {
        if inventory_exists {
            Self::load(index_path)
        } else {
            Ok(Self::default())
        }
    }

    /// Reads an index from the bytes of a CSV file; `path` is used in errors.
    ///
    /// # Errors
    /// As [`Index::load`].
    pub fn parse(data: &[u8], path: &Path) -> Result<Self, FormatError> {
        let mut records = read_records(strip_bom(data), b',', path, 1)?.into_iter();
        let mut index = Self::default();
        let Some((_, header)) = records.next() else {
            return Ok(index);
        };
        let found: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let names: Vec<String> = found
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if names != ["id", "mod"] && names != ["id", "mod", "edit"] {
            return Err(FormatError::ForeignCsv {
                path: path.to_path_buf(),
                expected: "an agol-backup scan index (id,mod,edit)".into(),
                found_header: found,
            });
        }
        for (line, record) in records {
            if record.iter().all(|f| f.trim_ascii().is_empty()) {
                continue;
            }
            let (id, entry) = parse_row(&record, path, line)?;
            index.set(id, entry.modified_ms, entry.last_edit_ms);
        }
        Ok(index)
    }

    /// Whether item `id` is known with a `modified` (and, for hosted layers, a last edit) at
    /// least as recent as the given ones. An item with a `last_edit_ms` the index has never
    /// recorded (e.g. from an original two-column index) counts as changed.
    pub fn is_unchanged(&self, id: &str, modified_ms: i64, last_edit_ms: Option<i64>) -> bool {
        let Some(entry) = self.entries.get(id) else {
            return false;
        };
        let edits_seen = match (last_edit_ms, entry.last_edit_ms) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(now), Some(known)) => known >= now,
        };
        entry.modified_ms >= modified_ms && edits_seen
    }

    /// Records item `id` (replacing its entry, keeping its place).
    pub fn set(&mut self, id: String, modified_ms: i64, last_edit_ms: Option<i64>) {
        let entry = IndexEntry {
            modified_ms,
            last_edit_ms,
        };
        if self.entries.insert(id.clone(), entry).is_none() {
            self.order.push(id);
        }
    }

    /// The entry of item `id`.
    pub fn get(&self, id: &str) -> Option<IndexEntry> {
        self.entries.get(id).copied()
    }

    /// Forgets item `id`; returns whether it was known.
    pub fn remove(&mut self, id: &str) -> bool {
        let known = self.entries.remove(id).is_some();
        if known {
            self.order.retain(|o| o != id);
        }
        known
    }

    /// Keeps only the items for which `keep(id)` is true (e.g. those still in the inventory).
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let entries = &mut self.entries;
        self.order.retain(|id| {
            let kept = keep(id);
            if !kept {
                entries.remove(id);
            }
            kept
        });
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the index knows no item.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, IndexEntry)> {
        self.order
            .iter()
            .filter_map(|id| self.entries.get(id).map(|e| (id.as_str(), *e)))
    }

    /// Writes the index to `path` atomically, always with the `edit` column.
    ///
    /// # Errors
    /// [`FormatError::Write`]; the old index is then untouched.
    pub fn write(&self, path: &Path) -> Result<(), FormatError> {
        write_atomic(path, |out| {
            out.write_all(UTF8_BOM)?;
            let mut writer = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out);
            writer.write_record(["id", "mod", "edit"])?;
            for (id, entry) in self.iter() {
                let edit = entry
                    .last_edit_ms
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                writer.write_record([id, &entry.modified_ms.to_string(), &edit])?;
            }
            writer.flush()
        })
    }
}

/// One `id,mod[,edit]` row.
fn parse_row(
    record: &csv::ByteRecord,
    path: &Path,
    line: u64,
) -> Result<(String, IndexEntry), FormatError> {
    let malformed = |column: &str, message: String| FormatError::Malformed {
        path: path.to_path_buf(),
        line,
        column: Some(column.to_string()),
        message,
    };
    if !(2..=3).contains(&record.len()) {
        return Err(FormatError::Malformed {
            path: path.to_path_buf(),
            line,
            column: None,
            message: format!(
                "the row has {} fields, expected id,mod[,edit]",
                record.len()
            ),
        });
    }
    let field = |i: usize, column: &str| utf8_field(&record[i], path, line, column).map(str::trim);
    let id = field(0, "id")?;
    if id.is_empty() {
        return Err(malformed("id", "the item id is empty".into()));
    }
    let modified = field(1, "mod")?;
    let modified_ms = epoch_ms(modified)
        .ok_or_else(|| malformed("mod", format!("`{modified}` is not epoch milliseconds")))?;
    let last_edit_ms = match if record.len() == 3 {
        field(2, "edit")?
    } else {
        ""
    } {
        "" => None,
        text => Some(
            epoch_ms(text)
                .ok_or_else(|| malformed("edit", format!("`{text}` is not epoch milliseconds")))?,
        ),
    };
    Ok((
        id.to_string(),
        IndexEntry {
            modified_ms,
            last_edit_ms,
        },
    ))
}

/// Epoch ms written as an integer, or as a float with a zero fraction (`1700000000000.0`, as
/// pandas writes a column that held a missing value).
fn epoch_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_suffix(".0").unwrap_or(text);
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_original_two_column_index() {
        let text = "\u{feff}id,mod\r\naaa,1700000000000\r\nbbb,1700000000000.0\r\n";
        let index = Index::parse(text.as_bytes(), Path::new("scan_index.csv")).unwrap();
        assert_eq!(index.len(), 2);
        assert!(index.is_unchanged("aaa", 1_700_000_000_000, None));
        assert!(index.is_unchanged("bbb", 1_600_000_000_000, None));
        assert!(!index.is_unchanged("aaa", 1_700_000_000_001, None));
        assert!(
            !index.is_unchanged("aaa", 1_700_000_000_000, Some(5)),
            "edit never recorded"
        );
        assert!(!index.is_unchanged("zzz", 0, None));
    }

    #[test]
    fn edits_count_as_changes() {
        let mut index = Index::default();
        index.set("a".into(), 100, Some(500));
        assert!(index.is_unchanged("a", 100, Some(500)));
        assert!(index.is_unchanged("a", 100, None));
        assert!(!index.is_unchanged("a", 100, Some(501)));
        index.set("a".into(), 100, Some(501));
        assert!(index.is_unchanged("a", 100, Some(501)));
        assert_eq!(index.len(), 1);
    }

    #[test]
    fn bad_rows_and_foreign_headers_are_reported() {
        let bad = "id,mod,edit\na,1,\nb,soon,\n";
        let err = Index::parse(bad.as_bytes(), Path::new("i.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "i.csv: line 3, column mod: `soon` is not epoch milliseconds"
        );
        let foreign = "Title,Id\nx,y\n";
        let err = Index::parse(foreign.as_bytes(), Path::new("i.csv")).unwrap_err();
        assert!(matches!(err, FormatError::ForeignCsv { .. }), "{err}");
    }

    #[test]
    fn retain_and_remove_keep_order() {
        let mut index = Index::default();
        for id in ["a", "b", "c", "d"] {
            index.set(id.into(), 1, None);
        }
        assert!(index.remove("b"));
        assert!(!index.remove("b"));
        index.retain(|id| id != "c");
        let ids: Vec<&str> = index.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["a", "d"]);
    }
}
