//! The file and document kinds of generated:N: tiny PDFs and CSVs, notebooks, shared sample
//! images, spreadsheets and shapefiles, small GeoJSON files and document links.

use serde_json::json;

use super::generated::Gen;
use super::generated_kinds::{slug, title};
use super::{files, geo, json_data, strings};
use crate::sandbox::model::{Content, Item, ItemData};

/// A file item; `what` is (title, type, type keywords).
fn file_item(
    g: &mut Gen,
    i: usize,
    created: i64,
    what: (&str, &str, &[&str]),
    name: String,
    content: Content,
) -> Item {
    let (title, kind, kw) = what;
    let mut it = g.base_item(i, title, kind, created);
    it.type_keywords.splice(0..0, strings(kw));
    it.data = ItemData::File { name, content };
    it
}

/// A tiny PDF.
pub fn pdf(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Report", i);
    let bytes = files::pdf(&t, &[format!("Generated report {i}.")], created);
    file_item(
        g,
        i,
        created,
        (&t, "PDF", &["Data", "Document", "PDF"]),
        format!("{}.pdf", slug(&t)),
        Content::bytes(bytes),
    )
}

/// A small CSV with coordinates.
pub fn csv(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Table", i);
    let rows: Vec<Vec<String>> = (0..5)
        .map(|k| {
            vec![
                format!("{topic} {k}"),
                format!("{:.6}", -111.94 + k as f64 * 0.001),
                "40.520000".into(),
            ]
        })
        .collect();
    let bytes = files::csv(&["NAME", "Longitude", "Latitude"], &rows);
    file_item(
        g,
        i,
        created,
        (&t, "CSV", &["CSV"]),
        format!("{}.csv", slug(&t)),
        Content::bytes(bytes),
    )
}

/// An ArcGIS Notebook.
pub fn notebook(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Analysis", i);
    let mut it = g.base_item(i, &t, "Notebook", created);
    it.data = json_data(
        &json!({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": ["from arcgis.gis import GIS\n", "gis = GIS(\"home\")\n"]}], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}),
    );
    it.type_keywords
        .splice(0..0, strings(&["Notebook", "Python"]));
    it
}

/// A PNG image (`image`) or an XLSX spreadsheet, with shared bytes.
pub fn sample_file(
    g: &mut Gen,
    i: usize,
    topic: &str,
    area: &str,
    created: i64,
    image: bool,
) -> Item {
    let (what, kind, kw, ext, key) = if image {
        (
            "Photo",
            "Image",
            &["Data", "Image", "png"][..],
            "png",
            "png",
        )
    } else {
        (
            "Workbook",
            "Microsoft Excel",
            &["Data", "Document", "Microsoft Excel"][..],
            "xlsx",
            "xlsx",
        )
    };
    let t = title(g, topic, area, what, i);
    let bytes = g.samples.get(key).cloned().unwrap_or_default();
    file_item(
        g,
        i,
        created,
        (&t, kind, kw),
        format!("{}.{ext}", slug(&t)),
        Content::Bytes(bytes),
    )
}

/// A zipped shapefile (`shapefile`, shared bytes) or a small GeoJSON file.
pub fn geo_file(
    g: &mut Gen,
    i: usize,
    topic: &str,
    area: &str,
    created: i64,
    shapefile: bool,
) -> Item {
    let t = title(g, topic, area, "Layer", i);
    if shapefile {
        let bytes = g.samples.get("shp").cloned().unwrap_or_default();
        return file_item(
            g,
            i,
            created,
            (&t, "Shapefile", &["Data", "Shapefile"]),
            format!("{}.zip", slug(&t)),
            Content::Bytes(bytes),
        );
    }
    let p = geo::corner(i % geo::COLS, i % geo::ROWS);
    let doc = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": t}, "geometry": {"type": "Point", "coordinates": p}}]});
    let bytes = serde_json::to_vec(&doc).unwrap_or_default();
    file_item(
        g,
        i,
        created,
        (&t, "GeoJson", &["GeoJSON", "FeatureCollection"]),
        format!("{}.geojson", slug(&t)),
        Content::bytes(bytes),
    )
}

/// A Document Link.
pub fn link(g: &mut Gen, i: usize, topic: &str, area: &str, created: i64) -> Item {
    let t = title(g, topic, area, "Website", i);
    let mut it = g.base_item(i, &t, "Document Link", created);
    it.type_keywords
        .splice(0..0, strings(&["Data", "Document", "Document Link"]));
    it.url = Some(format!("https://riverton-water.example/docs/{}", slug(&t)));
    it
}
