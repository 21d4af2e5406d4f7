//! Geometry conversion between Esri JSON (what the sandbox stores: `{"x","y"}`, `{"points"}`,
//! `{"paths"}`, `{"rings"}`, WGS84) and GeoJSON (RFC 7946), for `f=geojson` queries, GeoJSON
//! exports and publishing GeoJSON files. Esri rings are clockwise outside and anticlockwise for
//! holes; GeoJSON wants the opposite, so rings are reoriented both ways.

use serde_json::{Value, json};

fn coords(v: &Value) -> Option<Vec<Vec<f64>>> {
    v.as_array()?
        .iter()
        .map(|p| {
            p.as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect::<Vec<_>>())
        })
        .collect()
}

/// Twice the signed area of a ring (positive = anticlockwise with y pointing up).
fn signed_area(ring: &[Vec<f64>]) -> f64 {
    ring.iter()
        .zip(ring.iter().cycle().skip(1))
        .map(|(a, b)| {
            let (ax, ay) = (
                a.first().copied().unwrap_or(0.0),
                a.get(1).copied().unwrap_or(0.0),
            );
            let (bx, by) = (
                b.first().copied().unwrap_or(0.0),
                b.get(1).copied().unwrap_or(0.0),
            );
            ax * by - bx * ay
        })
        .sum()
}

fn oriented(mut ring: Vec<Vec<f64>>, anticlockwise: bool) -> Vec<Vec<f64>> {
    if (signed_area(&ring) > 0.0) != anticlockwise {
        ring.reverse();
    }
    ring
}

/// GeoJSON geometry for an Esri JSON geometry (`None` for a missing or unknown one).
pub fn to_geojson(g: &Value) -> Value {
    if let (Some(x), Some(y)) = (
        g.get("x").and_then(Value::as_f64),
        g.get("y").and_then(Value::as_f64),
    ) {
        return json!({"type": "Point", "coordinates": [x, y]});
    }
    if let Some(points) = g.get("points").and_then(coords) {
        return json!({"type": "MultiPoint", "coordinates": points});
    }
    if let Some(paths) = g.get("paths").and_then(Value::as_array) {
        let lines: Vec<Vec<Vec<f64>>> = paths.iter().filter_map(coords).collect();
        return match lines.as_slice() {
            [one] => json!({"type": "LineString", "coordinates": one}),
            _ => json!({"type": "MultiLineString", "coordinates": lines}),
        };
    }
    if let Some(rings) = g.get("rings").and_then(Value::as_array) {
        // Each clockwise ring starts a polygon; anticlockwise rings are holes of the last one.
        let mut polygons: Vec<Vec<Vec<Vec<f64>>>> = Vec::new();
        for ring in rings.iter().filter_map(coords) {
            let outer = signed_area(&ring) <= 0.0;
            match polygons.last_mut() {
                Some(poly) if !outer => poly.push(oriented(ring, false)),
                _ => polygons.push(vec![oriented(ring, true)]),
            }
        }
        return match polygons.as_slice() {
            [one] => json!({"type": "Polygon", "coordinates": one}),
            _ => json!({"type": "MultiPolygon", "coordinates": polygons}),
        };
    }
    Value::Null
}

/// The Esri geometry type of a GeoJSON geometry type.
pub fn esri_type(geojson_type: &str) -> Option<&'static str> {
    match geojson_type {
        "Point" => Some("esriGeometryPoint"),
        "MultiPoint" => Some("esriGeometryMultipoint"),
        "LineString" | "MultiLineString" => Some("esriGeometryPolyline"),
        "Polygon" | "MultiPolygon" => Some("esriGeometryPolygon"),
        _ => None,
    }
}

/// Esri JSON geometry for a GeoJSON geometry.
pub fn from_geojson(g: &Value) -> Option<Value> {
    let c = g.get("coordinates")?;
    let rings_of = |poly: &Value| -> Option<Vec<Vec<Vec<f64>>>> {
        let rings: Vec<Vec<Vec<f64>>> = poly.as_array()?.iter().filter_map(coords).collect();
        Some(
            rings
                .into_iter()
                .enumerate()
                .map(|(i, r)| oriented(r, i != 0))
                .collect(),
        )
    };
    match g.get("type")?.as_str()? {
        "Point" => {
            let p: Vec<f64> = c.as_array()?.iter().filter_map(Value::as_f64).collect();
            Some(json!({"x": p.first()?, "y": p.get(1)?}))
        }
        "MultiPoint" => Some(json!({"points": coords(c)?})),
        "LineString" => Some(json!({"paths": [coords(c)?]})),
        "MultiLineString" => {
            Some(json!({"paths": c.as_array()?.iter().filter_map(coords).collect::<Vec<_>>()}))
        }
        "Polygon" => Some(json!({"rings": rings_of(c)?})),
        "MultiPolygon" => {
            let all: Vec<Vec<Vec<f64>>> = c
                .as_array()?
                .iter()
                .filter_map(rings_of)
                .flatten()
                .collect();
            Some(json!({"rings": all}))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_lines_and_polygons_round_trip() {
        let p = json!({"x": 1.5, "y": -2.0});
        assert_eq!(
            to_geojson(&p),
            json!({"type": "Point", "coordinates": [1.5, -2.0]})
        );
        assert_eq!(from_geojson(&to_geojson(&p)), Some(p));
        let line = json!({"paths": [[[0.0, 0.0], [1.0, 1.0]]]});
        assert_eq!(to_geojson(&line)["type"], "LineString");
        assert_eq!(from_geojson(&to_geojson(&line)), Some(line));
        // Esri: outer ring clockwise, hole anticlockwise.
        let poly = json!({"rings": [
            [[0.0, 0.0], [0.0, 10.0], [10.0, 10.0], [10.0, 0.0], [0.0, 0.0]],
            [[2.0, 2.0], [4.0, 2.0], [4.0, 4.0], [2.0, 4.0], [2.0, 2.0]]
        ]});
        let gj = to_geojson(&poly);
        assert_eq!(gj["type"], "Polygon");
        assert!(
            signed_area(&coords(&gj["coordinates"][0]).unwrap()) > 0.0,
            "outer ring anticlockwise"
        );
        assert_eq!(from_geojson(&gj), Some(poly));
        let two = json!({"rings": [
            [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]],
            [[5.0, 5.0], [5.0, 6.0], [6.0, 6.0], [6.0, 5.0], [5.0, 5.0]]
        ]});
        assert_eq!(to_geojson(&two)["type"], "MultiPolygon");
        assert_eq!(esri_type("MultiPolygon"), Some("esriGeometryPolygon"));
    }
}
