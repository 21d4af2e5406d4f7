//! The geography of the demo town (Riverton, on a street grid around 111.94 W, 40.52 N): streets,
//! blocks, pressure zones and lots, and the conversions to Esri JSON geometry and Web Mercator.
//! Pure geometry; the attributes are in `layers`.

use serde_json::{Value, json};

use crate::sandbox::rng::Rng;

/// West edge of the street grid (longitude).
const X0: f64 = -111.968;
/// South edge of the street grid (latitude).
const Y0: f64 = 40.500;
/// Spacing of north-south streets (degrees of longitude, about 400 m).
const DX: f64 = 0.0048;
/// Spacing of east-west streets (degrees of latitude, about 490 m).
const DY: f64 = 0.0044;
/// Number of blocks west to east.
pub const COLS: usize = 12;
/// Number of blocks south to north.
pub const ROWS: usize = 10;

/// The town's extent `[xmin, ymin, xmax, ymax]` in WGS 84 (the street grid plus a margin).
pub const EXTENT: [f64; 4] = [-111.970, 40.498, -111.9084, 40.546];

/// A coordinate rounded to 6 decimals (about 10 cm), as digitised data looks.
pub fn r6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The intersection of north-south street `i` and east-west street `j`.
pub fn corner(i: usize, j: usize) -> [f64; 2] {
    [X0 + DX * i as f64, Y0 + DY * j as f64]
}

/// Every street segment between two neighbouring intersections.
pub fn street_segments() -> Vec<([f64; 2], [f64; 2])> {
    let mut segs = Vec::new();
    for i in 0..=COLS {
        for j in 0..ROWS {
            segs.push((corner(i, j), corner(i, j + 1)));
        }
    }
    for j in 0..=ROWS {
        for i in 0..COLS {
            segs.push((corner(i, j), corner(i + 1, j)));
        }
    }
    segs
}

/// A point along a random street, set back a few metres to the kerb.
pub fn kerbside_point(rng: &mut Rng) -> [f64; 2] {
    let segs = street_segments();
    let (a, b) = *rng.pick(&segs);
    let t = rng.range(0.08, 0.92);
    let side = if rng.below(2) == 0 { -0.00009 } else { 0.00009 };
    let (dx, dy) = if (a[0] - b[0]).abs() < 1e-12 {
        (side, 0.0)
    } else {
        (0.0, side)
    };
    [
        r6(a[0] + (b[0] - a[0]) * t + dx),
        r6(a[1] + (b[1] - a[1]) * t + dy),
    ]
}

/// A point near the town centre (downtown), within `spread` degrees.
pub fn downtown_point(rng: &mut Rng, spread: f64) -> [f64; 2] {
    let c = corner(COLS / 2, ROWS / 2);
    [
        r6(c[0] + rng.range(-spread, spread)),
        r6(c[1] + rng.range(-spread, spread) * 0.8),
    ]
}

/// `n` water mains: street segments (distinct, picked by `rng`) with a slight jog midway.
pub fn mains(rng: &mut Rng, n: usize) -> Vec<Vec<[f64; 2]>> {
    let mut segs = street_segments();
    // Fisher-Yates with the seeded generator: a stable choice of segments.
    for i in (1..segs.len()).rev() {
        segs.swap(i, rng.below(i as u64 + 1) as usize);
    }
    segs.into_iter()
        .take(n)
        .map(|(a, b)| {
            let jog = rng.range(-0.00004, 0.00004);
            let mid = [(a[0] + b[0]) / 2.0 + jog, (a[1] + b[1]) / 2.0 + jog];
            vec![
                [r6(a[0] + 0.00005), r6(a[1] + 0.00005)],
                [r6(mid[0] + 0.00005), r6(mid[1] + 0.00005)],
                [r6(b[0] + 0.00005), r6(b[1] + 0.00005)],
            ]
        })
        .collect()
}

/// A point a few metres from intersection `(i, j)` (where valves sit).
pub fn near_corner(rng: &mut Rng, i: usize, j: usize) -> [f64; 2] {
    let c = corner(i, j);
    [
        r6(c[0] + rng.range(-0.00025, 0.00025)),
        r6(c[1] + rng.range(-0.00025, 0.00025)),
    ]
}

/// A clockwise rectangle ring (Esri outer-ring orientation).
pub fn rect_ring(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
    let (x0, y0, x1, y1) = (r6(x0), r6(y0), r6(x1), r6(y1));
    vec![[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]
}

/// The pressure zones: a `cols` x `rows` partition of the town with jittered boundaries.
pub fn zones(rng: &mut Rng, cols: usize, rows: usize) -> Vec<Vec<[f64; 2]>> {
    let [xmin, ymin, xmax, ymax] = EXTENT;
    let cut = |rng: &mut Rng, lo: f64, hi: f64, n: usize| -> Vec<f64> {
        (0..=n)
            .map(|k| {
                let base = lo + (hi - lo) * k as f64 / n as f64;
                if k == 0 || k == n {
                    base
                } else {
                    base + rng.range(-0.002, 0.002)
                }
            })
            .collect()
    };
    let xs = cut(rng, xmin, xmax, cols);
    let ys = cut(rng, ymin, ymax, rows);
    let mut out = Vec::new();
    for j in 0..rows {
        for i in 0..cols {
            out.push(rect_ring(xs[i], ys[j], xs[i + 1], ys[j + 1]));
        }
    }
    out
}

/// `n` lots: blocks picked by `rng`, each split into a 3 x 2 grid of lots inside the kerbs.
pub fn lots(rng: &mut Rng, n: usize) -> Vec<Vec<[f64; 2]>> {
    let mut blocks: Vec<(usize, usize)> = (0..ROWS)
        .flat_map(|j| (0..COLS).map(move |i| (i, j)))
        .collect();
    for i in (1..blocks.len()).rev() {
        blocks.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let inset = 0.00015;
    let mut out = Vec::new();
    for (i, j) in blocks {
        let [bx, by] = corner(i, j);
        let (w, h) = ((DX - 2.0 * inset) / 3.0, (DY - 2.0 * inset) / 2.0);
        for k in 0..6 {
            if out.len() == n {
                return out;
            }
            let (ci, cj) = ((k % 3) as f64, (k / 3) as f64);
            let x = bx + inset + ci * w;
            let y = by + inset + cj * h;
            out.push(rect_ring(x, y, x + w, y + h));
        }
    }
    out
}

/// Area of a ring in square metres (planar approximation at the town's latitude).
pub fn ring_area_m2(ring: &[[f64; 2]]) -> f64 {
    let (mx, my) = (111_320.0 * (40.52f64).to_radians().cos(), 110_540.0);
    let twice: f64 = ring
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    (twice / 2.0).abs() * mx * my
}

/// Length of a path in metres (planar approximation).
pub fn path_length_m(path: &[[f64; 2]]) -> f64 {
    let (mx, my) = (111_320.0 * (40.52f64).to_radians().cos(), 110_540.0);
    path.windows(2)
        .map(|w| ((w[1][0] - w[0][0]) * mx).hypot((w[1][1] - w[0][1]) * my))
        .sum()
}

/// Esri JSON point.
pub fn point_json(p: [f64; 2]) -> Value {
    json!({"x": p[0], "y": p[1]})
}

/// Esri JSON polyline with one path.
pub fn path_json(path: &[[f64; 2]]) -> Value {
    json!({"paths": [path]})
}

/// Esri JSON polygon with one ring.
pub fn ring_json(ring: &[[f64; 2]]) -> Value {
    json!({"rings": [ring]})
}

/// Web Mercator (EPSG:3857) coordinates of a WGS 84 point.
pub fn to_mercator(p: [f64; 2]) -> [f64; 2] {
    let r = 6_378_137.0;
    let x = p[0].to_radians() * r;
    let y = ((std::f64::consts::FRAC_PI_4 + p[1].to_radians() / 2.0).tan()).ln() * r;
    [(x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0]
}

/// The town's extent as an Esri JSON envelope in Web Mercator.
pub fn mercator_extent() -> Value {
    let a = to_mercator([EXTENT[0], EXTENT[1]]);
    let b = to_mercator([EXTENT[2], EXTENT[3]]);
    json!({"xmin": a[0], "ymin": a[1], "xmax": b[0], "ymax": b[1], "spatialReference": {"wkid": 102_100, "latestWkid": 3857}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_and_zones_are_closed_clockwise_rings_inside_the_town() {
        let mut rng = Rng::new(4);
        for ring in lots(&mut rng, 150)
            .iter()
            .chain(zones(&mut rng, 5, 4).iter())
        {
            assert_eq!(ring.first(), ring.last());
            let signed: f64 = ring
                .windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum();
            assert!(signed < 0.0, "clockwise");
            for [x, y] in ring {
                assert!(
                    *x >= EXTENT[0] - 1e-9
                        && *x <= EXTENT[2] + 1e-9
                        && *y >= EXTENT[1] - 1e-9
                        && *y <= EXTENT[3] + 1e-9
                );
            }
        }
        assert_eq!(lots(&mut rng, 150).len(), 150);
        assert_eq!(mains(&mut rng, 200).len(), 200);
        let m = to_mercator([0.0, 0.0]);
        assert_eq!(m, [0.0, 0.0]);
    }
}
