//! One inventory row: the item fields the inventory CSV shows, in the original utility's column
//! order, and their conversion to and from CSV records.

use std::path::Path;

use crate::formats::{FormatError, utc};

/// The inventory columns, exactly as the original utility wrote them.
pub const COLUMNS: [&str; 10] = [
    "Title",
    "Id",
    "Type",
    "Owner",
    "Created",
    "Modified",
    "RestUrl",
    "ItemPageUrl",
    "Tags",
    "ContentStatus",
];

/// One item in the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryRow {
    /// `Title`.
    pub title: String,
    /// `Id`: the item id (the inventory's key).
    pub id: String,
    /// `Type`, e.g. `Feature Service`.
    pub item_type: String,
    /// `Owner` (username).
    pub owner: String,
    /// The item's `created` in epoch ms (shown as `Created`, UTC, to the second).
    pub created_ms: Option<i64>,
    /// The item's `modified` in epoch ms (shown as `Modified`, UTC, to the second).
    pub modified_ms: Option<i64>,
    /// `RestUrl`: the item's `url` (service URL), often empty.
    pub rest_url: String,
    /// `ItemPageUrl`: `{portal}/home/item.html?id={id}`.
    pub item_page_url: String,
    /// `Tags`, written joined with `", "`.
    pub tags: Vec<String>,
    /// `ContentStatus`, e.g. `org_authoritative`.
    pub content_status: String,
}

impl InventoryRow {
    /// The row as CSV fields, in [`COLUMNS`] order.
    pub fn to_record(&self) -> [String; 10] {
        let date = |ms: Option<i64>| ms.map(utc::format_datetime).unwrap_or_default();
        [
            self.title.clone(),
            self.id.clone(),
            self.item_type.clone(),
            self.owner.clone(),
            date(self.created_ms),
            date(self.modified_ms),
            self.rest_url.clone(),
            self.item_page_url.clone(),
            self.tags.join(", "),
            self.content_status.clone(),
        ]
    }

    /// Whether both rows show the same thing in the CSV (dates compared to the second, as
    /// written), i.e. whether replacing one by the other changes the file.
    pub fn same_content(&self, other: &Self) -> bool {
        self.to_record() == other.to_record()
    }

    /// Reads a row from the ten `fields` of a record starting at `line` of `path`.
    pub(crate) fn from_fields(
        fields: &[&str],
        path: &Path,
        line: u64,
    ) -> Result<Self, FormatError> {
        let malformed = |column: &str, message: String| FormatError::Malformed {
            path: path.to_path_buf(),
            line,
            column: Some(column.to_string()),
            message,
        };
        if fields.len() != COLUMNS.len() {
            return Err(FormatError::Malformed {
                path: path.to_path_buf(),
                line,
                column: None,
                message: format!(
                    "the row has {} fields but the inventory has {} columns",
                    fields.len(),
                    COLUMNS.len()
                ),
            });
        }
        let id = fields[1].trim();
        if id.is_empty() {
            return Err(malformed("Id", "the item id is empty".into()));
        }
        let date = |column: &str, text: &str| -> Result<Option<i64>, FormatError> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            utc::parse_datetime(text).map(Some).ok_or_else(|| {
                malformed(
                    column,
                    format!("`{text}` is not a UTC date like 2024-01-15 10:30:45"),
                )
            })
        };
        Ok(Self {
            title: fields[0].to_string(),
            id: id.to_string(),
            item_type: fields[2].to_string(),
            owner: fields[3].to_string(),
            created_ms: date("Created", fields[4])?,
            modified_ms: date("Modified", fields[5])?,
            rest_url: fields[6].to_string(),
            item_page_url: fields[7].to_string(),
            tags: split_tags(fields[8]),
            content_status: fields[9].to_string(),
        })
    }
}

/// Tags from the `Tags` cell: comma separated (ArcGIS tags never contain commas).
fn split_tags(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trip_drops_only_sub_seconds() {
        let row = InventoryRow {
            title: "Pipes, \"Main\"".into(),
            id: "0123456789abcdef0123456789abcdef".into(),
            item_type: "Feature Service".into(),
            owner: "admin".into(),
            created_ms: Some(1_705_314_645_123),
            modified_ms: None,
            rest_url: String::new(),
            item_page_url: "https://x/home/item.html?id=0123456789abcdef0123456789abcdef".into(),
            tags: vec!["water".into(), "pipes".into()],
            content_status: "org_authoritative".into(),
        };
        let record = row.to_record();
        assert_eq!(record[4], "2024-01-15 10:30:45");
        assert_eq!(record[5], "");
        assert_eq!(record[8], "water, pipes");
        let fields: Vec<&str> = record.iter().map(String::as_str).collect();
        let back = InventoryRow::from_fields(&fields, Path::new("inv.csv"), 2).unwrap();
        assert_eq!(back.created_ms, Some(1_705_314_645_000));
        assert!(back.same_content(&row));
        assert_ne!(back, row);
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let mut fields = vec!["t", "id1", "Web Map", "me", "yesterday", "", "", "", "", ""];
        let err = InventoryRow::from_fields(&fields, Path::new("inv.csv"), 7).unwrap_err();
        assert!(
            matches!(&err, FormatError::Malformed { line: 7, column: Some(c), .. } if c == "Created")
        );
        assert_eq!(
            err.to_string(),
            "inv.csv: line 7, column Created: `yesterday` is not a UTC date like 2024-01-15 10:30:45"
        );
        fields[4] = "";
        fields[1] = " ";
        let err = InventoryRow::from_fields(&fields, Path::new("inv.csv"), 3).unwrap_err();
        assert!(err.to_string().contains("line 3, column Id"), "{err}");
        let err = InventoryRow::from_fields(&fields[..9], Path::new("inv.csv"), 4).unwrap_err();
        assert!(err.to_string().contains("9 fields"), "{err}");
    }
}
