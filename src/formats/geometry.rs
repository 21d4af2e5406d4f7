//! GeoJSON (RFC 7946, WGS84 lon/lat) geometry turned into Esri JSON geometry, written in the
//! target layer's spatial reference ([`Projection`]: WGS84 as is, or Web Mercator). It owns ring
//! orientation (Esri: outer rings clockwise, holes anticlockwise, decided by position and signed
//! area, never by the input's orientation) and ring closing. It is pure `serde_json::Value` in,
//! `Value` out: no files, no network, and it does not decide which layer gets the geometry.

use serde_json::{Value, json};

/// The WGS84 ellipsoid's semi-major axis, the sphere radius of Web Mercator, in metres.
const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Web Mercator's latitude limit, in degrees: the map is square up to here.
const MERCATOR_MAX_LAT: f64 = 85.051_128_779_8;

/// How WGS84 GeoJSON coordinates are written for a target layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// WGS84 longitude and latitude in degrees, unchanged (wkid 4326).
    Wgs84,
    /// Web Mercator (auxiliary sphere) metres (wkid 102100 / 3857).
    WebMercator,
}

impl Projection {
    /// 4326 -> Wgs84; 102100, 3857, 102113, 900913 -> WebMercator; anything else -> None.
    pub fn for_wkid(wkid: i64) -> Option<Projection> {
        match wkid {
            4326 => Some(Projection::Wgs84),
            102_100 | 3857 | 102_113 | 900_913 => Some(Projection::WebMercator),
            _ => None,
        }
    }

    /// `(lon, lat)` in degrees written in this projection.
    fn project(self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Projection::Wgs84 => (lon, lat),
            Projection::WebMercator => {
                let lat = lat.clamp(-MERCATOR_MAX_LAT, MERCATOR_MAX_LAT);
                let x = EARTH_RADIUS_M * lon.to_radians();
                // asinh(tan(lat)) is ln(tan(pi/4 + lat/2)), but exactly 0 at the equator.
                let y = EARTH_RADIUS_M * lat.to_radians().tan().asinh();
                (x, y)
            }
        }
    }
}

/// One projected position.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Position {
    /// Easting (or longitude).
    x: f64,
    /// Northing (or latitude).
    y: f64,
    /// Height, when the input has one.
    z: Option<f64>,
}

/// A parsed geometry, before it is written as Esri JSON.
enum Shape {
    /// A point.
    Point(Position),
    /// A multipoint.
    Points(Vec<Position>),
    /// Polylines' paths.
    Paths(Vec<Vec<Position>>),
    /// Polygons' rings, already closed and oriented.
    Rings(Vec<Vec<Position>>),
}

/// Esri JSON geometry for a GeoJSON geometry (Point, MultiPoint, LineString, MultiLineString,
/// Polygon, MultiPolygon). None for null/unknown/malformed/GeometryCollection.
///
/// Empty geometries (no coordinates) are None too, as are paths of fewer than 2 positions and
/// rings of fewer than 4 positions once closed. A third coordinate is kept (with
/// `"hasZ": true`) only when every position has one; further coordinates (M) are dropped.
pub fn esri_from_geojson(g: &Value, p: Projection) -> Option<Value> {
    let coordinates = g.get("coordinates")?;
    let shape = match g.get("type")?.as_str()? {
        "Point" => Shape::Point(position(coordinates, p)?),
        "MultiPoint" => Shape::Points(positions(coordinates, p, 1)?),
        "LineString" => Shape::Paths(vec![positions(coordinates, p, 2)?]),
        "MultiLineString" => Shape::Paths(
            non_empty(coordinates)?
                .iter()
                .map(|path| positions(path, p, 2))
                .collect::<Option<_>>()?,
        ),
        "Polygon" => Shape::Rings(polygon(coordinates, p)?),
        "MultiPolygon" => {
            let mut rings = Vec::new();
            for poly in non_empty(coordinates)? {
                rings.extend(polygon(poly, p)?);
            }
            Shape::Rings(rings)
        }
        _ => return None,
    };
    Some(to_esri(&shape))
}

/// `v` as a non-empty JSON array.
fn non_empty(v: &Value) -> Option<&Vec<Value>> {
    v.as_array().filter(|a| !a.is_empty())
}

/// One GeoJSON position `[lon, lat]` or `[lon, lat, z, ..]`, projected.
fn position(v: &Value, p: Projection) -> Option<Position> {
    let a = v.as_array()?;
    let (x, y) = p.project(a.first()?.as_f64()?, a.get(1)?.as_f64()?);
    if !(x.is_finite() && y.is_finite()) {
        return None; // JSON cannot hold it: a 1e308 degree longitude, say.
    }
    let z = match a.get(2) {
        None | Some(Value::Null) => None,
        Some(z) => Some(z.as_f64()?),
    };
    Some(Position { x, y, z })
}

/// An array of at least `min` positions, projected.
fn positions(v: &Value, p: Projection, min: usize) -> Option<Vec<Position>> {
    let list: Vec<Position> = v
        .as_array()?
        .iter()
        .map(|pos| position(pos, p))
        .collect::<Option<_>>()?;
    (list.len() >= min).then_some(list)
}

/// One GeoJSON polygon's rings, closed, the first oriented as an outer ring and the others as
/// holes.
fn polygon(v: &Value, p: Projection) -> Option<Vec<Vec<Position>>> {
    non_empty(v)?
        .iter()
        .enumerate()
        .map(|(i, ring)| {
            let mut ring = positions(ring, p, 3)?;
            close(&mut ring);
            if ring.len() < 4 {
                return None;
            }
            orient(&mut ring, i == 0);
            Some(ring)
        })
        .collect()
}

/// Appends the first position when the ring does not end where it starts.
fn close(ring: &mut Vec<Position>) {
    if let (Some(&first), Some(last)) = (ring.first(), ring.last())
        && (first.x, first.y) != (last.x, last.y)
    {
        ring.push(first);
    }
}

/// Reverses a closed ring when needed so that an outer ring runs clockwise and a hole
/// anticlockwise (y up). A ring without area is left as it is.
fn orient(ring: &mut [Position], outer: bool) {
    let area = signed_area(ring);
    if (outer && area > 0.0) || (!outer && area < 0.0) {
        ring.reverse();
    }
}

/// Twice the signed area of a closed ring: positive when it runs anticlockwise (y up). Taken
/// relative to the first position, so large coordinates keep their precision.
fn signed_area(ring: &[Position]) -> f64 {
    let Some(origin) = ring.first() else {
        return 0.0;
    };
    ring.windows(2)
        .map(|w| {
            let (ax, ay) = (w[0].x - origin.x, w[0].y - origin.y);
            let (bx, by) = (w[1].x - origin.x, w[1].y - origin.y);
            ax * by - bx * ay
        })
        .sum()
}

/// The Esri JSON of a parsed geometry.
fn to_esri(shape: &Shape) -> Value {
    let all: Vec<&Position> = match shape {
        Shape::Point(pos) => vec![pos],
        Shape::Points(list) => list.iter().collect(),
        Shape::Paths(parts) | Shape::Rings(parts) => parts.iter().flatten().collect(),
    };
    let has_z = all.iter().all(|pos| pos.z.is_some());
    let coords = |pos: &Position| match pos.z {
        Some(z) if has_z => json!([pos.x, pos.y, z]),
        _ => json!([pos.x, pos.y]),
    };
    let parts = |parts: &Vec<Vec<Position>>| -> Vec<Value> {
        parts
            .iter()
            .map(|part| Value::Array(part.iter().map(coords).collect()))
            .collect()
    };
    let mut esri = match shape {
        Shape::Point(pos) => match pos.z {
            Some(z) if has_z => json!({"x": pos.x, "y": pos.y, "z": z}),
            _ => json!({"x": pos.x, "y": pos.y}),
        },
        Shape::Points(list) => json!({"points": list.iter().map(coords).collect::<Vec<_>>()}),
        Shape::Paths(list) => json!({"paths": parts(list)}),
        Shape::Rings(list) => json!({"rings": parts(list)}),
    };
    if has_z && let Some(object) = esri.as_object_mut() {
        object.insert("hasZ".into(), Value::Bool(true));
    }
    esri
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Esri geometry in WGS84, or a panic.
    fn esri(g: Value) -> Value {
        esri_from_geojson(&g, Projection::Wgs84).expect("a geometry")
    }

    #[test]
    fn wkids_map_to_projections() {
        assert_eq!(Projection::for_wkid(4326), Some(Projection::Wgs84));
        for wkid in [102_100, 3857, 102_113, 900_913] {
            assert_eq!(Projection::for_wkid(wkid), Some(Projection::WebMercator));
        }
        assert_eq!(Projection::for_wkid(2154), None);
    }

    #[test]
    fn points_and_lines() {
        let pt = esri(json!({"type": "Point", "coordinates": [2.5, 48.0]}));
        assert_eq!(pt, json!({"x": 2.5, "y": 48.0}));
        let mp = esri(json!({"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}));
        assert_eq!(mp, json!({"points": [[1.0, 2.0], [3.0, 4.0]]}));
        let ls = esri(json!({"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 1.0]]}));
        assert_eq!(ls, json!({"paths": [[[0.0, 0.0], [1.0, 1.0]]]}));
        let mls = esri(json!({"type": "MultiLineString",
            "coordinates": [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0], [3.0, 3.0], [4.0, 2.0]]]}));
        assert_eq!(
            mls,
            json!({"paths": [[[0.0, 0.0], [1.0, 1.0]], [[2.0, 2.0], [3.0, 3.0], [4.0, 2.0]]]})
        );
    }

    /// The clockwise unit square, as Esri wants an outer ring.
    fn clockwise_square() -> Value {
        json!([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    }

    #[test]
    fn outer_rings_become_clockwise_whatever_the_input() {
        let ccw = json!([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]);
        let from_ccw = esri(json!({"type": "Polygon", "coordinates": [ccw]}));
        let from_cw = esri(json!({"type": "Polygon", "coordinates": [clockwise_square()]}));
        assert_eq!(from_ccw, from_cw);
        assert_eq!(from_cw, json!({"rings": [clockwise_square()]}));
    }

    #[test]
    fn holes_become_anticlockwise_and_rings_are_closed() {
        // Both rings given the wrong way round and unclosed.
        let outer = json!([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]);
        let hole = json!([[2.0, 2.0], [2.0, 4.0], [4.0, 4.0], [4.0, 2.0]]);
        let g = esri(json!({"type": "Polygon", "coordinates": [outer, hole]}));
        let rings = g["rings"].as_array().unwrap();
        assert_eq!(rings.len(), 2);
        assert_eq!(
            rings[0],
            json!([
                [0.0, 0.0],
                [0.0, 10.0],
                [10.0, 10.0],
                [10.0, 0.0],
                [0.0, 0.0]
            ])
        );
        assert_eq!(
            rings[1],
            json!([[2.0, 2.0], [4.0, 2.0], [4.0, 4.0], [2.0, 4.0], [2.0, 2.0]])
        );
    }

    #[test]
    fn multipolygon_rings_are_flattened_in_order() {
        let far = json!([[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 5.0]]);
        let g = esri(json!({"type": "MultiPolygon",
            "coordinates": [[clockwise_square()], [far]]}));
        assert_eq!(
            g,
            json!({"rings": [clockwise_square(), [[5.0, 5.0], [6.0, 6.0], [6.0, 5.0], [5.0, 5.0]]]})
        );
    }

    #[test]
    fn web_mercator_of_known_points() {
        let m = |lon: f64, lat: f64| {
            let g = json!({"type": "Point", "coordinates": [lon, lat]});
            let e = esri_from_geojson(&g, Projection::WebMercator).unwrap();
            (e["x"].as_f64().unwrap(), e["y"].as_f64().unwrap())
        };
        assert_eq!(m(0.0, 0.0), (0.0, 0.0));
        assert!((m(180.0, 0.0).0 - 20_037_508.342_789_244).abs() < 1e-6);
        assert!((m(0.0, 45.0).1 - 5_621_521.486_192_066).abs() < 1e-6);
        for lat in [-85.0, -60.0, -1e-7, 10.0, 60.0, 85.0] {
            let ln_form = EARTH_RADIUS_M
                * (std::f64::consts::FRAC_PI_4 + f64::to_radians(lat) / 2.0)
                    .tan()
                    .ln();
            assert!((m(0.0, lat).1 - ln_form).abs() < 1e-6, "{lat}");
        }
        // The poles are clamped to the square map's edge.
        assert!((m(0.0, 90.0).1 - 20_037_508.342_789_244).abs() < 1e-3);
        assert!((m(0.0, -90.0).1 + 20_037_508.342_789_244).abs() < 1e-3);
    }

    #[test]
    fn z_is_kept_only_when_every_position_has_one() {
        let pt = esri(json!({"type": "Point", "coordinates": [1.0, 2.0, 30.0]}));
        assert_eq!(pt, json!({"x": 1.0, "y": 2.0, "z": 30.0, "hasZ": true}));
        let ls = esri(json!({"type": "LineString",
            "coordinates": [[0.0, 0.0, 5.0], [1.0, 1.0, 6.0]]}));
        assert_eq!(
            ls,
            json!({"paths": [[[0.0, 0.0, 5.0], [1.0, 1.0, 6.0]]], "hasZ": true})
        );
        let mixed =
            esri(json!({"type": "LineString", "coordinates": [[0.0, 0.0, 5.0], [1.0, 1.0]]}));
        assert_eq!(mixed, json!({"paths": [[[0.0, 0.0], [1.0, 1.0]]]}));
    }

    #[test]
    fn garbage_gives_none() {
        let bad = [
            Value::Null,
            json!("Point"),
            json!({"type": "Point"}),
            json!({"type": "Point", "coordinates": null}),
            json!({"type": "Point", "coordinates": []}),
            json!({"type": "Point", "coordinates": ["a", 1.0]}),
            json!({"type": "Circle", "coordinates": [0.0, 0.0]}),
            json!({"type": "LineString", "coordinates": [[0.0, 0.0]]}),
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0]]]}),
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]}),
            json!({"type": "Polygon", "coordinates": []}),
            json!({"type": "MultiPolygon", "coordinates": [[]]}),
            json!({"type": "GeometryCollection", "geometries": []}),
        ];
        for g in bad {
            assert_eq!(esri_from_geojson(&g, Projection::Wgs84), None, "{g}");
        }
        let huge = json!({"type": "Point", "coordinates": [1e308, 0.0]});
        assert_eq!(esri_from_geojson(&huge, Projection::WebMercator), None);
    }
}
