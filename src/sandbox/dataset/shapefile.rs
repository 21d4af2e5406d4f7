//! ESRI shapefiles written from the 1998 whitepaper: `.shp` (header with file code 9994, version
//! 1000, bounding box; records of points, polylines or polygons), `.shx` (record offsets), `.dbf`
//! (dBASE III attribute table), `.prj` (WGS 84) and `.cpg` (UTF-8), zipped the way ArcGIS Online
//! expects a "Shapefile" item.

/// One geometry, in WGS 84 longitude/latitude.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A point.
    Point([f64; 2]),
    /// A polyline with one or more parts.
    Polyline(Vec<Vec<[f64; 2]>>),
    /// A polygon with one or more rings (outer rings clockwise).
    Polygon(Vec<Vec<[f64; 2]>>),
}

impl Shape {
    fn type_code(&self) -> i32 {
        match self {
            Shape::Point(_) => 1,
            Shape::Polyline(_) => 3,
            Shape::Polygon(_) => 5,
        }
    }

    fn points(&self) -> Vec<[f64; 2]> {
        match self {
            Shape::Point(p) => vec![*p],
            Shape::Polyline(parts) | Shape::Polygon(parts) => parts.concat(),
        }
    }

    fn content(&self) -> Vec<u8> {
        let mut c = Vec::new();
        c.extend_from_slice(&self.type_code().to_le_bytes());
        match self {
            Shape::Point([x, y]) => {
                c.extend_from_slice(&x.to_le_bytes());
                c.extend_from_slice(&y.to_le_bytes());
            }
            Shape::Polyline(parts) | Shape::Polygon(parts) => {
                for v in bbox(&self.points()) {
                    c.extend_from_slice(&v.to_le_bytes());
                }
                let n_points: usize = parts.iter().map(Vec::len).sum();
                c.extend_from_slice(&(parts.len() as i32).to_le_bytes());
                c.extend_from_slice(&(n_points as i32).to_le_bytes());
                let mut start = 0i32;
                for part in parts {
                    c.extend_from_slice(&start.to_le_bytes());
                    start += part.len() as i32;
                }
                for [x, y] in parts.iter().flatten() {
                    c.extend_from_slice(&x.to_le_bytes());
                    c.extend_from_slice(&y.to_le_bytes());
                }
            }
        }
        c
    }
}

fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for [x, y] in points {
        b = [b[0].min(*x), b[1].min(*y), b[2].max(*x), b[3].max(*y)];
    }
    if points.is_empty() { [0.0; 4] } else { b }
}

fn header(shape_type: i32, words: usize, b: [f64; 4]) -> Vec<u8> {
    let mut h = Vec::with_capacity(100);
    h.extend_from_slice(&9994i32.to_be_bytes());
    h.extend_from_slice(&[0u8; 20]);
    h.extend_from_slice(&(words as i32).to_be_bytes());
    h.extend_from_slice(&1000i32.to_le_bytes());
    h.extend_from_slice(&shape_type.to_le_bytes());
    for v in b {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&[0u8; 32]);
    h
}

/// The `.shp` and `.shx` files of `shapes` (all of one type).
pub fn shp_shx(shapes: &[Shape]) -> (Vec<u8>, Vec<u8>) {
    let shape_type = shapes.first().map_or(1, Shape::type_code);
    let all: Vec<[f64; 2]> = shapes.iter().flat_map(Shape::points).collect();
    let b = bbox(&all);
    let mut records = Vec::new();
    let mut index = Vec::new();
    let mut offset_words = 50usize;
    for (i, s) in shapes.iter().enumerate() {
        let content = s.content();
        let len_words = content.len() / 2;
        records.extend_from_slice(&((i + 1) as i32).to_be_bytes());
        records.extend_from_slice(&(len_words as i32).to_be_bytes());
        records.extend_from_slice(&content);
        index.extend_from_slice(&(offset_words as i32).to_be_bytes());
        index.extend_from_slice(&(len_words as i32).to_be_bytes());
        offset_words += 4 + len_words;
    }
    let mut shp = header(shape_type, 50 + records.len() / 2, b);
    shp.extend_from_slice(&records);
    let mut shx = header(shape_type, 50 + index.len() / 2, b);
    shx.extend_from_slice(&index);
    (shp, shx)
}

/// A dBASE field: name (up to 10 ASCII characters), type `C` (text), `N` (number) or `D` (date
/// `YYYYMMDD`), width and decimals.
#[derive(Debug, Clone, Copy)]
pub struct DbfField {
    /// Field name.
    pub name: &'static str,
    /// `C`, `N` or `D`.
    pub kind: u8,
    /// Width in bytes.
    pub len: u8,
    /// Decimal places (numbers).
    pub dec: u8,
}

fn fit(value: &str, len: usize, right: bool) -> Vec<u8> {
    let mut end = value.len().min(len);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    let v = &value.as_bytes()[..end];
    let pad = vec![b' '; len - v.len()];
    if right {
        [pad, v.to_vec()].concat()
    } else {
        [v.to_vec(), pad].concat()
    }
}

/// The `.dbf` table: one record per row, values as text in field order.
pub fn dbf(fields: &[DbfField], rows: &[Vec<String>], updated: (i64, i64, i64)) -> Vec<u8> {
    let record_len: usize = 1 + fields.iter().map(|f| usize::from(f.len)).sum::<usize>();
    let header_len = 32 + 32 * fields.len() + 1;
    let mut d = vec![
        0x03,
        (updated.0 - 1900) as u8,
        updated.1 as u8,
        updated.2 as u8,
    ];
    d.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    d.extend_from_slice(&(header_len as u16).to_le_bytes());
    d.extend_from_slice(&(record_len as u16).to_le_bytes());
    d.extend_from_slice(&[0u8; 20]);
    for f in fields {
        let mut name = [0u8; 11];
        for (i, b) in f.name.bytes().take(10).enumerate() {
            name[i] = b;
        }
        d.extend_from_slice(&name);
        d.push(f.kind);
        d.extend_from_slice(&[0u8; 4]);
        d.push(f.len);
        d.push(f.dec);
        d.extend_from_slice(&[0u8; 14]);
    }
    d.push(0x0d);
    for row in rows {
        d.push(b' ');
        for (f, v) in fields
            .iter()
            .zip(row.iter().chain(std::iter::repeat(&String::new())))
        {
            d.extend_from_slice(&fit(v, usize::from(f.len), f.kind == b'N'));
        }
    }
    d.push(0x1a);
    d
}

/// WGS 84 in the ESRI WKT dialect of `.prj` files.
pub const PRJ_WGS84: &str = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

/// A zipped shapefile `{stem}.shp/.shx/.dbf/.prj/.cpg`.
pub fn zipped(
    stem: &str,
    shapes: &[Shape],
    fields: &[DbfField],
    rows: &[Vec<String>],
    updated: (i64, i64, i64),
) -> Vec<u8> {
    let (shp, shx) = shp_shx(shapes);
    let table = dbf(fields, rows, updated);
    let names = ["shp", "shx", "dbf", "prj", "cpg"].map(|ext| format!("{stem}.{ext}"));
    super::files::zip(&[
        (&names[0], &shp),
        (&names[1], &shx),
        (&names[2], &table),
        (&names[3], PRJ_WGS84.as_bytes()),
        (&names[4], b"UTF-8"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(b: &[u8], at: usize) -> i32 {
        i32::from_be_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn point_shapefile_header_and_records() {
        let shapes: Vec<Shape> = (0..7)
            .map(|i| Shape::Point([-111.9 + f64::from(i) * 0.01, 40.5]))
            .collect();
        let (shp, shx) = shp_shx(&shapes);
        assert_eq!(be(&shp, 0), 9994);
        assert_eq!(i32::from_le_bytes(shp[28..32].try_into().unwrap()), 1000);
        assert_eq!(i32::from_le_bytes(shp[32..36].try_into().unwrap()), 1);
        assert_eq!(be(&shp, 24) as usize * 2, shp.len());
        assert_eq!(shp.len(), 100 + 7 * (8 + 20));
        assert_eq!(be(&shx, 24) as usize * 2, shx.len());
        assert_eq!((shx.len() - 100) / 8, 7);
        // The last index entry points at the last record.
        let off = be(&shx, 100 + 6 * 8) as usize * 2;
        assert_eq!(be(&shp, off), 7);
        let xmin = f64::from_le_bytes(shp[36..44].try_into().unwrap());
        assert!((xmin + 111.9).abs() < 1e-9);
    }

    #[test]
    fn polygon_records_and_dbf_counts() {
        let ring = vec![[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]];
        let shapes = vec![
            Shape::Polygon(vec![ring.clone()]),
            Shape::Polygon(vec![ring]),
        ];
        let (shp, _) = shp_shx(&shapes);
        assert_eq!(i32::from_le_bytes(shp[32..36].try_into().unwrap()), 5);
        assert_eq!(be(&shp, 100 + 4) as usize * 2, 44 + 4 + 5 * 16);
        let fields = [
            DbfField {
                name: "NAME",
                kind: b'C',
                len: 12,
                dec: 0,
            },
            DbfField {
                name: "AREA",
                kind: b'N',
                len: 10,
                dec: 2,
            },
        ];
        let rows = vec![
            vec!["Zürich Ost".to_string(), "12.50".into()],
            vec!["B".into(), "3.00".into()],
        ];
        let d = dbf(&fields, &rows, (2024, 3, 1));
        assert_eq!(d[0], 3);
        assert_eq!(u32::from_le_bytes(d[4..8].try_into().unwrap()), 2);
        let header_len = usize::from(u16::from_le_bytes([d[8], d[9]]));
        let record_len = usize::from(u16::from_le_bytes([d[10], d[11]]));
        assert_eq!(record_len, 23);
        assert_eq!(d.len(), header_len + 2 * record_len + 1);
        assert_eq!(d[header_len - 1], 0x0d);
        let z = zipped("inlets", &shapes, &fields, &rows, (2024, 3, 1));
        let names: Vec<String> = zip::ZipArchive::new(std::io::Cursor::new(z))
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect();
        for ext in ["shp", "shx", "dbf", "prj"] {
            assert!(names.contains(&format!("inlets.{ext}")), "{names:?}");
        }
    }
}
