//! The JSON text the package writer produces: pretty-printed with 4 spaces like Esri's
//! `ujson.dump(..., indent=4)`, and pure ASCII (every non-ASCII character as `\uXXXX`, as
//! ujson's default `ensure_ascii=True` does). ASCII also protects Esri's importer, which opens
//! the files with Python's locale-dependent `open(path, "r")` (cp1252 on many Windows
//! machines). Only serialisation lives here; parsing is plain `serde_json`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// A [`PrettyFormatter`] with 4-space indentation that escapes every non-ASCII character.
struct AsciiPretty {
    /// Does the layout.
    inner: PrettyFormatter<'static>,
}

impl Formatter for AsciiPretty {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..index])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = index + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.inner.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.inner.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_value(w)
    }
}

/// `value` as 4-space-indented, ASCII-only JSON.
pub(super) fn to_ascii_pretty<T: Serialize + ?Sized>(value: &T) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let formatter = AsciiPretty {
        inner: PrettyFormatter::with_indent(b"    "),
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_is_escaped_and_round_trips() {
        let value = serde_json::json!({"title": "Zürich 水質 🌊", "a\"b": ["x/y", 1, null]});
        let bytes = to_ascii_pretty(&value).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains("Z\\u00fcrich \\u6c34\\u8cea \\ud83c\\udf0a"),
            "{text}"
        );
        assert!(
            text.contains("\n    \"a\\\"b\": [\n        \"x/y\""),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, value);
    }
}
