//! Real PNG images for the datasets, drawn on a tiny RGB canvas and encoded with the `png` crate:
//! item thumbnails (200x133, one simple design per kind of item), "photos" of assets for feature
//! attachments and story resources, and the logo and diagram image items.

use crate::sandbox::rng::Rng;

/// The design of a thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    /// A map: streets and dots.
    Map,
    /// A hosted layer: scattered points.
    Layer,
    /// An app: a window with a header bar.
    App,
    /// A document: a page with text lines.
    Document,
    /// Tabular data: a grid.
    Table,
    /// An image: hills and a sun.
    Picture,
    /// A story: a cover with a title band.
    Story,
}

/// An RGB canvas.
pub struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `bg`.
    pub fn new(w: usize, h: usize, bg: [u8; 3]) -> Self {
        let mut px = Vec::with_capacity(w * h * 3);
        for _ in 0..w * h {
            px.extend_from_slice(&bg);
        }
        Canvas { w, h, px }
    }

    fn set(&mut self, x: i64, y: i64, c: [u8; 3]) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 {
            return;
        }
        let i = (y as usize * self.w + x as usize) * 3;
        self.px[i..i + 3].copy_from_slice(&c);
    }

    /// A vertical gradient from `top` to `bottom` over rows `y0..y1`.
    pub fn gradient(&mut self, y0: usize, y1: usize, top: [u8; 3], bottom: [u8; 3]) {
        let span = (y1.saturating_sub(y0)).max(1) as f64;
        for y in y0..y1.min(self.h) {
            let t = (y - y0) as f64 / span;
            let c = mix(top, bottom, t);
            for x in 0..self.w {
                self.set(x as i64, y as i64, c);
            }
        }
    }

    /// A filled rectangle.
    pub fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: [u8; 3]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }

    /// A filled circle.
    pub fn circle(&mut self, cx: i64, cy: i64, r: i64, c: [u8; 3]) {
        for yy in cy - r..=cy + r {
            for xx in cx - r..=cx + r {
                if (xx - cx).pow(2) + (yy - cy).pow(2) <= r * r {
                    self.set(xx, yy, c);
                }
            }
        }
    }

    /// A line `width` pixels thick.
    pub fn line(&mut self, a: (i64, i64), b: (i64, i64), width: i64, c: [u8; 3]) {
        let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
        for s in 0..=steps {
            let x = a.0 + (b.0 - a.0) * s / steps;
            let y = a.1 + (b.1 - a.1) * s / steps;
            self.rect(x - width / 2, y - width / 2, width, width, c);
        }
    }

    /// The PNG file of the canvas.
    pub fn png(&self) -> Vec<u8> {
        encode_rgb(self.w as u32, self.h as u32, &self.px)
    }
}

fn mix(a: [u8; 3], b: [u8; 3], t: f64) -> [u8; 3] {
    let f = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2])]
}

/// Encodes 8-bit RGB pixels as a PNG file.
pub fn encode_rgb(w: u32, h: u32, px: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let written = enc
        .write_header()
        .and_then(|mut wr| wr.write_image_data(px).and_then(|()| wr.finish()));
    if written.is_err() {
        // Only reachable with inconsistent sizes, which the callers never pass.
        return Vec::new();
    }
    out
}

const WHITE: [u8; 3] = [255, 255, 255];

/// A 200x133 thumbnail with `glyph` on a background of `color`.
pub fn thumbnail(glyph: Glyph, color: [u8; 3]) -> Vec<u8> {
    let (w, h) = (200i64, 133i64);
    let dark = mix(color, [0, 0, 0], 0.35);
    let light = mix(color, WHITE, 0.55);
    let mut c = Canvas::new(w as usize, h as usize, color);
    c.gradient(0, h as usize, light, color);
    match glyph {
        Glyph::Map => {
            for (a, b) in [
                ((0, 40), (200, 55)),
                ((0, 95), (200, 80)),
                ((60, 0), (75, 133)),
                ((140, 0), (130, 133)),
            ] {
                c.line(a, b, 5, WHITE);
            }
            for (x, y) in [(40, 25), (100, 68), (165, 110), (110, 20)] {
                c.circle(x, y, 7, dark);
            }
        }
        Glyph::Layer => {
            let mut rng = Rng::new(
                u64::from(color[0]) << 16 | u64::from(color[1]) << 8 | u64::from(color[2]),
            );
            for _ in 0..40 {
                let (x, y) = (rng.below(190) as i64 + 5, rng.below(123) as i64 + 5);
                c.circle(x, y, 4, dark);
                c.circle(x, y, 2, WHITE);
            }
        }
        Glyph::App => {
            c.rect(20, 15, 160, 103, WHITE);
            c.rect(20, 15, 160, 18, dark);
            c.rect(28, 42, 90, 68, light);
            c.rect(126, 42, 46, 30, color);
            c.rect(126, 80, 46, 30, color);
        }
        Glyph::Document => {
            c.rect(60, 10, 80, 113, WHITE);
            for k in 0..8 {
                c.rect(70, 22 + k * 12, if k % 3 == 2 { 40 } else { 60 }, 4, dark);
            }
        }
        Glyph::Table => {
            c.rect(25, 20, 150, 93, WHITE);
            c.rect(25, 20, 150, 16, dark);
            for k in 1..6 {
                c.rect(25, 20 + k * 16, 150, 1, color);
            }
            for k in 1..4 {
                c.rect(25 + k * 37, 20, 1, 93, color);
            }
        }
        Glyph::Picture => {
            c.circle(150, 35, 16, [255, 220, 90]);
            for x in 0..w {
                let hill = 90 - ((x as f64 / 30.0).sin() * 18.0) as i64;
                c.rect(x, hill, 1, h - hill, dark);
            }
        }
        Glyph::Story => {
            c.rect(0, 85, w, 48, dark);
            c.rect(15, 97, 120, 8, WHITE);
            c.rect(15, 112, 80, 5, light);
            c.circle(160, 40, 22, WHITE);
        }
    }
    c.png()
}

/// A small "photo" of a field asset (sky, ground, a coloured object), different for each seed.
pub fn photo(seed: u64, w: usize, h: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let sky_top = [
        90 + rng.below(40) as u8,
        140 + rng.below(40) as u8,
        200 + rng.below(50) as u8,
    ];
    let ground = [
        70 + rng.below(40) as u8,
        120 + rng.below(50) as u8,
        50 + rng.below(30) as u8,
    ];
    let mut c = Canvas::new(w, h, ground);
    let horizon = h * 3 / 5;
    c.gradient(0, horizon, sky_top, [225, 235, 245]);
    c.gradient(horizon, h, ground, mix(ground, [0, 0, 0], 0.4));
    let (wi, hi) = (w as i64, h as i64);
    let body = *rng.pick(&[[200, 30, 30], [230, 190, 20], [40, 90, 170], [30, 130, 60]]);
    let cx = wi / 3 + rng.below((wi / 3) as u64) as i64;
    c.rect(cx - wi / 14, hi / 3, wi / 7, hi / 2, body);
    c.circle(cx, hi / 3, wi / 14, body);
    c.rect(
        cx - wi / 8,
        hi / 2,
        wi / 4,
        hi / 14,
        mix(body, [0, 0, 0], 0.3),
    );
    // Sensor noise keeps every photo distinct and realistic in size.
    for _ in 0..(w * h / 12) {
        let (x, y) = (rng.below(w as u64) as i64, rng.below(h as u64) as i64);
        let v = 100 + rng.below(120) as u8;
        c.set(x, y, [v, v, v]);
    }
    c.png()
}

/// The utility's logo (512x512): a water drop on a blue disc.
pub fn logo() -> Vec<u8> {
    let mut c = Canvas::new(512, 512, WHITE);
    c.circle(256, 256, 240, [0, 86, 140]);
    c.circle(256, 300, 120, [120, 200, 240]);
    for y in 90..300 {
        let half = (y - 90) * 110 / 210;
        c.rect(256 - half, y, 2 * half, 1, [120, 200, 240]);
    }
    c.rect(120, 430, 272, 16, WHITE);
    c.png()
}

/// A pressure zone diagram (800x500): coloured zones with pipes between them.
pub fn zone_diagram() -> Vec<u8> {
    let mut c = Canvas::new(800, 500, [245, 245, 240]);
    let colors = [
        [110, 170, 220],
        [150, 210, 150],
        [240, 200, 120],
        [220, 150, 150],
        [180, 160, 220],
    ];
    for (k, col) in colors.iter().enumerate() {
        let x = 30 + k as i64 * 150;
        c.rect(x, 60 + (k as i64 % 2) * 80, 140, 300, *col);
    }
    for k in 0..4 {
        let x = 170 + k * 150;
        c.line((x - 40, 250), (x + 40, 250), 8, [60, 60, 60]);
        c.circle(x, 250, 12, [20, 20, 20]);
    }
    c.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_png_of_the_right_size() {
        for g in [
            Glyph::Map,
            Glyph::Layer,
            Glyph::App,
            Glyph::Document,
            Glyph::Table,
            Glyph::Picture,
            Glyph::Story,
        ] {
            let png = thumbnail(g, [30, 110, 160]);
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let dec = png::Decoder::new(std::io::Cursor::new(png));
            let reader = dec.read_info().expect("decodes");
            assert_eq!((reader.info().width, reader.info().height), (200, 133));
        }
    }

    #[test]
    fn photos_differ_by_seed() {
        let a = photo(1, 96, 72);
        assert_eq!(&a[1..4], b"PNG");
        assert_ne!(a, photo(2, 96, 72));
        assert_eq!(a, photo(1, 96, 72));
    }
}
