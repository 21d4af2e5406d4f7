//! Item ids read from any CSV the user hands to `backup --csv`: our inventory, the original
//! utility's, or a sheet exported from Excel (`,` or `;` separated, with or without BOM, even
//! with Excel's `sep=;` first line). The id column is found by name (`id`, `itemid`, `item id`,
//! `item_id`, case and spaces ignored), else the first column is used; a file without a header
//! row (first cell already an id) works too. Invalid ids are reported with their line numbers,
//! never silently dropped; repeated ids are kept once, in first-seen order.

use std::path::Path;

use super::FormatError;

/// Header names (lowercase, spaces removed) taken as the id column.
const ID_ALIASES: &[&str] = &["id", "itemid", "item_id"];
/// Header names taken as the title column.
const TITLE_ALIASES: &[&str] = &["title", "name", "itemtitle"];
/// Header names taken as the type column.
const TYPE_ALIASES: &[&str] = &["type", "itemtype"];

/// One id to back up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdEntry {
    /// The item id, 32 lowercase hex digits.
    pub id: String,
    /// The title cell, when the file has a title column and the cell is not empty.
    pub title: Option<String>,
    /// The type cell, when the file has a type column and the cell is not empty.
    pub item_type: Option<String>,
    /// 1-based line of the row.
    pub line: u64,
}

/// A value in the id column that is not an item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidId {
    /// 1-based line of the row.
    pub line: u64,
    /// The cell as found (e.g. an id Excel turned into `1.23E+31`).
    pub value: String,
}

/// The ids of a CSV and what was wrong with the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdList {
    /// Valid, distinct ids in file order.
    pub entries: Vec<IdEntry>,
    /// Cells of the id column that are not 32 hex digits.
    pub invalid: Vec<InvalidId>,
    /// Lines whose (valid) id had already been seen.
    pub duplicate_lines: Vec<u64>,
    /// The separator detected (`,`, `;` or tab).
    pub delimiter: char,
    /// The id column's header, or `None` when the file has no header row.
    pub id_column: Option<String>,
}

/// Reads the item ids of the CSV at `path`.
///
/// # Errors
/// [`FormatError::Read`] if the file cannot be read, [`FormatError::Malformed`] for broken CSV,
/// [`FormatError::NoIds`] if it holds neither valid nor invalid ids.
pub fn read_id_list(path: &Path) -> Result<IdList, FormatError> {
    parse_id_list(&super::read_file(path)?, path)
}

/// Whether `text` is an ArcGIS item id: 32 hex digits.
pub fn is_item_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads the item ids of CSV `bytes`; `path` is used in errors. Text that is not UTF-8 (an
/// "ANSI" export) is read lossily: ids are ASCII, only titles may suffer.
///
/// # Errors
/// As [`read_id_list`].
pub fn parse_id_list(bytes: &[u8], path: &Path) -> Result<IdList, FormatError> {
    let mut body = super::strip_bom(bytes);
    let mut first_line = 1;
    let first = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = match excel_sep_line(first) {
        Some(sep) => {
            body = body.get(first.len() + 1..).unwrap_or_default();
            first_line = 2;
            sep
        }
        None => detect_delimiter(first),
    };
    let mut rows = Vec::new();
    for (line, record) in super::read_records(body, delimiter, path, first_line)? {
        let cells: Vec<String> = record
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push((line, cells));
        }
    }
    let list = collect_ids(rows, char::from(delimiter));
    if list.entries.is_empty() && list.invalid.is_empty() {
        return Err(FormatError::NoIds {
            path: path.to_path_buf(),
        });
    }
    Ok(list)
}

/// Picks the id, title and type columns from the header and gathers the ids.
fn collect_ids(rows: Vec<(u64, Vec<String>)>, delimiter: char) -> IdList {
    let mut list = IdList {
        entries: Vec::new(),
        invalid: Vec::new(),
        duplicate_lines: Vec::new(),
        delimiter,
        id_column: None,
    };
    let Some((_, header)) = rows.first() else {
        return list;
    };
    let find = |aliases: &[&str]| {
        header
            .iter()
            .position(|h| aliases.contains(&normalize(h).as_str()))
    };
    let named_id = find(ID_ALIASES);
    // No id header and an id in the first cell: the file has no header row.
    let headerless = named_id.is_none() && is_item_id(&header[0]);
    let id_col = named_id.unwrap_or(0);
    let (title_col, type_col) = if headerless {
        (None, None)
    } else {
        (find(TITLE_ALIASES), find(TYPE_ALIASES))
    };
    if !headerless {
        list.id_column = Some(header[id_col].clone());
    }
    let mut seen = std::collections::HashSet::new();
    for (line, cells) in rows.into_iter().skip(usize::from(!headerless)) {
        let cell = |col: Option<usize>| {
            col.and_then(|c| cells.get(c))
                .filter(|v| !v.is_empty())
                .cloned()
        };
        let value = cells.get(id_col).cloned().unwrap_or_default();
        if !is_item_id(&value) {
            list.invalid.push(InvalidId { line, value });
            continue;
        }
        let id = value.to_ascii_lowercase();
        if !seen.insert(id.clone()) {
            list.duplicate_lines.push(line);
            continue;
        }
        list.entries.push(IdEntry {
            id,
            title: cell(title_col),
            item_type: cell(type_col),
            line,
        });
    }
    list
}

/// A header cell lowercased with whitespace removed (`Item ID` -> `itemid`).
fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The separator of Excel's optional first line `sep=;`.
fn excel_sep_line(line: &[u8]) -> Option<u8> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match line {
        [s, e, p, b'=', sep] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => Some(*sep),
        _ => None,
    }
}

/// `;` or tab when the first line has more of them than commas (outside quotes), else `,`.
fn detect_delimiter(line: &[u8]) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        b';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef";
    const B: &str = "fedcba9876543210fedcba9876543210";

    fn parse(text: &str) -> IdList {
        parse_id_list(text.as_bytes(), Path::new("ids.csv")).unwrap()
    }

    #[test]
    fn finds_the_id_column_by_alias() {
        for header in [
            "Title,Id,Type",
            "title,ID,type",
            "Name, Item ID ,Item Type",
            "name,item_id,type",
        ] {
            let list = parse(&format!("{header}\r\nMain pipes,{A},Feature Service\r\n"));
            assert_eq!(list.entries.len(), 1, "{header}");
            let e = &list.entries[0];
            assert_eq!((e.id.as_str(), e.line), (A, 2));
            assert_eq!(e.title.as_deref(), Some("Main pipes"));
            assert_eq!(e.item_type.as_deref(), Some("Feature Service"));
        }
    }

    #[test]
    fn falls_back_to_the_first_column_and_to_headerless_files() {
        let list = parse(&format!("Item,Notes\n{A},x\n"));
        assert_eq!(list.id_column.as_deref(), Some("Item"));
        assert_eq!(list.entries[0].id, A);
        let list = parse(&format!("{A}\n{B}\n"));
        assert_eq!(list.id_column, None);
        assert_eq!(
            list.entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn semicolons_bom_sep_line_invalid_and_duplicates() {
        let upper = B.to_ascii_uppercase();
        let text = format!(
            "\u{feff}sep=;\r\nTitel;ID\r\n\"Rohre; Haupt\";{A}\r\nx;1,23E+31\r\n;;\r\ny;{upper}\r\nz;{A}\r\n"
        );
        let list = parse(&text);
        assert_eq!(list.delimiter, ';');
        assert_eq!(
            list.entries
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>(),
            [A, B]
        );
        assert_eq!(list.entries[0].line, 3);
        assert_eq!(
            list.invalid,
            [InvalidId {
                line: 4,
                value: "1,23E+31".into()
            }]
        );
        assert_eq!(list.duplicate_lines, [7]);
        let list = parse(&format!("Title;Id\n\"a, b\";{A}\n"));
        assert_eq!(list.delimiter, ';');
        assert_eq!(list.entries[0].id, A);
    }

    #[test]
    fn a_file_without_ids_is_an_error() {
        let err = parse_id_list(b"Title,Id\n", Path::new("ids.csv")).unwrap_err();
        assert!(matches!(err, FormatError::NoIds { .. }), "{err}");
        let err = parse_id_list(b"", Path::new("ids.csv")).unwrap_err();
        assert!(err.to_string().contains("no item ids"), "{err}");
    }
}
