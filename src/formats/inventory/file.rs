//! Reading and writing the inventory CSV: UTF-8 with BOM (Excel), the exact original header,
//! CRLF line ends; a CSV with any other header is someone else's file and is never overwritten.

use std::io;
use std::path::Path;

use super::row::{COLUMNS, InventoryRow};
use crate::formats::atomic::write_atomic;
use crate::formats::{FormatError, UTF8_BOM, read_file, read_records, strip_bom, utf8_field};

/// What the header check tells the user the file should have been.
fn expected() -> String {
    format!("an agol-backup inventory ({})", COLUMNS.join(","))
}

/// Reads every row of the inventory at `path` (with or without BOM).
///
/// An empty file gives no rows. Rows with the same id are all returned, in file order.
///
/// # Errors
/// [`FormatError::Read`] if the file cannot be read, [`FormatError::ForeignCsv`] if its header is
/// not the inventory header, [`FormatError::Malformed`] naming the line of a bad row.
pub fn read_inventory(path: &Path) -> Result<Vec<InventoryRow>, FormatError> {
    parse_inventory(&read_file(path)?, path)
}

/// Reads inventory rows from the bytes of a CSV file; `path` is used in errors.
///
/// # Errors
/// As [`read_inventory`].
pub fn parse_inventory(data: &[u8], path: &Path) -> Result<Vec<InventoryRow>, FormatError> {
    let mut records = read_records(strip_bom(data), b',', path, 1)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Ok(Vec::new());
    };
    check_header(&header, path)?;
    let mut rows = Vec::new();
    for (line, record) in records {
        let fields = record
            .iter()
            .enumerate()
            .map(|(i, field)| {
                let column = COLUMNS
                    .get(i)
                    .map_or_else(|| (i + 1).to_string(), ToString::to_string);
                utf8_field(field, path, line, &column)
            })
            .collect::<Result<Vec<&str>, FormatError>>()?;
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank row left by a spreadsheet
        }
        rows.push(InventoryRow::from_fields(&fields, path, line)?);
    }
    Ok(rows)
}

/// Fails with [`FormatError::ForeignCsv`] unless `header` is the inventory header (case and
/// surrounding spaces ignored).
fn check_header(header: &csv::ByteRecord, path: &Path) -> Result<(), FormatError> {
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let ours = names.len() == COLUMNS.len()
        && names
            .iter()
            .zip(COLUMNS)
            .all(|(h, c)| h.trim().eq_ignore_ascii_case(c));
    if ours {
        return Ok(());
    }
    Err(FormatError::ForeignCsv {
        path: path.to_path_buf(),
        expected: expected(),
        found_header: names,
    })
}

/// Fails unless `path` is absent, empty, or already an inventory: never replace a foreign file.
fn ensure_replaceable(path: &Path) -> Result<(), FormatError> {
    let data = match std::fs::read(path) {
        Ok(data) => data,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(FormatError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let data = strip_bom(&data);
    let first_line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    match read_records(first_line, b',', path, 1)?.first() {
        None => Ok(()),
        Some((_, header)) => check_header(header, path),
    }
}

/// Writes `rows` as the inventory at `path`, atomically (the old file stays whole on error).
///
/// # Errors
/// [`FormatError::ForeignCsv`] if `path` holds a CSV that is not an inventory (it is left
/// untouched), [`FormatError::Write`] if writing fails.
pub fn write_inventory(path: &Path, rows: &[InventoryRow]) -> Result<(), FormatError> {
    ensure_replaceable(path)?;
    write_atomic(path, |out| {
        out.write_all(UTF8_BOM)?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(COLUMNS)?;
        for row in rows {
            writer.write_record(row.to_record())?;
        }
        writer.flush()
    })
}
