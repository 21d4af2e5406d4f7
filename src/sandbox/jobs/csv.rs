//! CSV text (RFC 4180) for CSV exports and CSV publishing: writing a layer (point layers get
//! `X` and `Y` columns first, dates are ISO-8601 UTC) and parsing a file into rows (quoted
//! fields with doubled quotes and line breaks, CRLF or LF, a UTF-8 BOM tolerated).

use serde_json::Value;

use super::super::features::dates;
use super::super::services::Layer;

fn escape(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell(v: Option<&Value>, date: bool) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::Number(n)) if date => {
            n.as_i64().map_or_else(|| n.to_string(), dates::format_iso)
        }
        Some(Value::String(s)) => escape(s),
        Some(other) => escape(&other.to_string()),
    }
}

/// The CSV text of a layer's rows.
pub fn write(layer: &Layer) -> String {
    let points = layer.geometry_type.as_deref() == Some("esriGeometryPoint");
    let mut header: Vec<String> = Vec::new();
    if points {
        header.extend(["X".to_string(), "Y".to_string()]);
    }
    header.extend(layer.fields.iter().map(|f| escape(&f.name)));
    let mut out = header.join(",");
    out.push_str("\r\n");
    for f in layer.features.values() {
        let mut row: Vec<String> = Vec::new();
        if points {
            let coord = |k: &str| {
                f.geometry
                    .as_ref()
                    .and_then(|g| g.get(k))
                    .and_then(Value::as_f64)
                    .map(|c| c.to_string())
                    .unwrap_or_default()
            };
            row.push(coord("x"));
            row.push(coord("y"));
        }
        for fd in &layer.fields {
            row.push(cell(
                f.attributes.get(&fd.name),
                fd.field_type == "esriFieldTypeDate",
            ));
        }
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Parses CSV text into rows of cells (blank lines skipped).
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell));
                if row.iter().any(|c| !c.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_and_line_breaks() {
        let rows = parse("\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\n\n3,,\n").unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, \"y\"", "two\nlines"],
                vec!["3", "", ""]
            ]
        );
        assert!(parse("a,\"b").is_err());
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a\"b"), "\"a\"\"b\"");
    }
}
