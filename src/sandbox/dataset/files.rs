//! Real file formats for the datasets' file items, written from scratch so every download is a
//! file the matching application opens: PDF (text pages, valid cross-reference table), CSV
//! (RFC 4180), XLSX and DOCX (minimal Office Open XML packages), zip archives with fixed
//! timestamps, and ArcGIS item metadata XML. The shapefile writer is in `shapefile`.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A zip archive of `(path, bytes)` entries, deflated, every entry dated 2024-03-01 09:00.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let when = DateTime::from_date_and_time(2024, 3, 1, 9, 0, 0).unwrap_or_default();
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(when);
    let mut zw = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        if zw.start_file(*name, opts).is_err() || zw.write_all(bytes).is_err() {
            return Vec::new();
        }
    }
    zw.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// A PDF string literal of `s` in WinAnsi encoding (characters outside Latin-1 become `?`).
fn pdf_text(s: &str) -> String {
    let mut out = String::from("(");
    for ch in s.chars() {
        match ch {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            ' '..='~' => out.push(ch),
            '\u{a0}'..='\u{ff}' => out.push_str(&format!("\\{:03o}", ch as u32)),
            '\u{2014}' => out.push_str("\\227"),
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

/// A PDF UTF-16BE hex string (for the document information dictionary).
fn pdf_unicode(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        out.push_str(&format!("{u:04X}"));
    }
    out.push('>');
    out
}

/// A valid PDF 1.4 document: `title` as a heading, then `lines` of body text, 44 lines a page.
/// `created` (epoch ms) becomes the creation date.
pub fn pdf(title: &str, lines: &[String], created: i64) -> Vec<u8> {
    let pages: Vec<&[String]> = if lines.is_empty() {
        vec![&[][..]]
    } else {
        lines.chunks(44).collect()
    };
    let n_pages = pages.len();
    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then (page, contents) pairs.
    let mut objects: Vec<String> = Vec::new();
    let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    let (y, m, d) = super::ymd(created);
    objects.push(format!(
        "<< /Title {} /Author (Riverton Water & Planning) /Producer (agol-backup sandbox) /CreationDate (D:{y:04}{m:02}{d:02}090000Z) >>",
        pdf_unicode(title)
    ));
    for (i, chunk) in pages.iter().enumerate() {
        let mut content = String::from("BT\n");
        if i == 0 {
            content.push_str(&format!(
                "/F1 18 Tf\n72 730 Td\n{} Tj\n/F1 11 Tf\n0 -30 Td\n",
                pdf_text(title)
            ));
        } else {
            content.push_str("/F1 11 Tf\n72 740 Td\n");
        }
        for line in *chunk {
            content.push_str(&format!("{} Tj\n0 -15 Td\n", pdf_text(line)));
        }
        content.push_str(&format!(
            "ET\nBT /F1 8 Tf 500 40 Td (Page {} of {n_pages}) Tj ET\n",
            i + 1
        ));
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        table.push_str(&format!("{off:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV file (UTF-8, CRLF line ends, quoted where needed).
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::new();
    let head: Vec<String> = header.iter().map(|h| csv_field(h)).collect();
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// One spreadsheet cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text (an inline string).
    Text(String),
    /// A number.
    Number(f64),
}

/// `Cell::Text` from anything string-like.
pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn column_name(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn sheet_xml(rows: &[Vec<Cell>]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        x.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column_name(c), r + 1);
            match cell {
                Cell::Text(t) => x.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    xml_escape(t)
                )),
                Cell::Number(n) => x.push_str(&format!("<c r=\"{at}\"><v>{n}</v></c>")),
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A minimal but valid XLSX workbook with one worksheet per `(name, rows)`.
pub fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    let mut types = format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    );
    let mut book = format!(
        "{XML_HEAD}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"{DOC_REL}\"><sheets>"
    );
    let mut book_rels = format!("{XML_HEAD}<Relationships xmlns=\"{RELS_NS}\">");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
        book.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            xml_escape(name)
        ));
        book_rels.push_str(&format!("<Relationship Id=\"rId{n}\" Type=\"{DOC_REL}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            sheet_xml(rows).into_bytes(),
        ));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    book_rels.push_str("</Relationships>");
    let root_rels = format!(
        "{XML_HEAD}<Relationships xmlns=\"{RELS_NS}\"><Relationship Id=\"rId1\" Type=\"{DOC_REL}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", book.as_bytes()),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
    ];
    entries.extend(parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    zip(&entries)
}

/// A minimal but valid DOCX document: `title` as the first paragraph, then `paragraphs`.
pub fn docx(title: &str, paragraphs: &[&str]) -> Vec<u8> {
    let types = format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
    );
    let rels = format!(
        "{XML_HEAD}<Relationships xmlns=\"{RELS_NS}\"><Relationship Id=\"rId1\" Type=\"{DOC_REL}/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
    );
    let para = |t: &str, bold: bool| {
        let props = if bold {
            "<w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr>"
        } else {
            ""
        };
        format!(
            "<w:p><w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(t)
        )
    };
    let mut doc = format!(
        "{XML_HEAD}<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
    );
    doc.push_str(&para(title, true));
    for p in paragraphs {
        doc.push_str(&para(p, false));
    }
    doc.push_str("</w:body></w:document>");
    zip(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ])
}

/// ArcGIS item metadata (`metadata.xml`, ArcGIS format, Item Description profile).
pub fn metadata_xml(
    title: &str,
    summary: &str,
    tags: &[String],
    credits: &str,
    created: i64,
) -> Vec<u8> {
    let (y, m, d) = super::ymd(created);
    let keywords: String = tags
        .iter()
        .map(|t| format!("<keyword>{}</keyword>", xml_escape(t)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xml:lang=\"en\"><Esri><CreaDate>{y:04}{m:02}{d:02}</CreaDate><CreaTime>09000000</CreaTime><ArcGISFormat>1.0</ArcGISFormat><SyncOnce>TRUE</SyncOnce><ArcGISProfile>ItemDescription</ArcGISProfile></Esri><dataIdInfo><idCitation><resTitle>{}</resTitle><date><createDate>{y:04}-{m:02}-{d:02}T09:00:00</createDate></date></idCitation><idAbs>{}</idAbs><idCredit>{}</idCredit><searchKeys>{keywords}</searchKeys><resConst><Consts><useLimit>Internal use; see the item's terms of use.</useLimit></Consts></resConst></dataIdInfo><mdDateSt Sync=\"TRUE\">{y:04}{m:02}{d:02}</mdDateSt></metadata>\n",
        xml_escape(title),
        xml_escape(summary),
        xml_escape(credits)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn pdf_has_header_trailer_and_a_correct_xref() {
        let lines: Vec<String> = (0..60)
            .map(|i| format!("Line {i} (with parens) and Zürich"))
            .collect();
        let p = pdf("Report — 2024", &lines, super::super::ts(2024, 3, 1, 0, 0));
        assert!(p.starts_with(b"%PDF-1.4"));
        assert!(p.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&p);
        assert!(text.contains("/Count 2"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(p[startxref..].starts_with(b"xref"));
        // Every xref offset points at "N 0 obj".
        let table = &text[startxref..];
        for (n, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                p[off..].starts_with(format!("{} 0 obj", n + 1).as_bytes()),
                "object {}",
                n + 1
            );
        }
    }

    #[test]
    fn xlsx_opens_as_zip_with_the_required_parts() {
        let rows = vec![
            vec![text("Name"), text("Cost")],
            vec![text("Main <A> & B"), Cell::Number(1250.5)],
        ];
        let x = xlsx(&[("Plan", rows), ("Notes", vec![vec![text("ok")]])]);
        let mut z = zip::ZipArchive::new(Cursor::new(x)).unwrap();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        ] {
            assert!(z.by_name(part).is_ok(), "{part}");
        }
        let mut sheet = String::new();
        z.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        assert!(sheet.contains("Main &lt;A&gt; &amp; B"));
        assert!(sheet.contains("<c r=\"B2\"><v>1250.5</v></c>"));
    }

    #[test]
    fn docx_and_csv_and_metadata() {
        let d = docx("SOP", &["Step 1", "Step 2"]);
        let mut z = zip::ZipArchive::new(Cursor::new(d)).unwrap();
        assert!(z.by_name("word/document.xml").is_ok());
        let c = csv(&["a", "b"], &[vec!["x,y".into(), "say \"hi\"".into()]]);
        assert_eq!(c, b"a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
        let m = String::from_utf8(metadata_xml("T & U", "S", &["w".into()], "C", 0)).unwrap();
        assert!(m.contains("<resTitle>T &amp; U</resTitle>") && m.contains("<idAbs>S</idAbs>"));
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(27), "AB");
    }
}
