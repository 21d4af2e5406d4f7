//! The sandbox's organisations: the hand-made **demo** organisation (a water and planning utility
//! with about sixty items of every kind, hosted feature services full of features, real file
//! bytes, thumbnails, metadata and resources) and **generated:N** (N items of mixed types for scale
//! tests). Everything is deterministic: fixed timestamps, ids from stable keys, data from a seeded
//! [`Rng`]. This module owns only the initial [`State`]; routes never call it after start-up.
//!
//! Submodules: `people` (org, users, groups, folders), `files` and `shapefile` (real file formats),
//! `thumbs` (PNG images), `geo`, `layers` and `layers_water` (the town's features), `demo*` (the
//! demo items), `generated*` (generated:N).

mod demo;
mod demo_apps;
mod demo_data;
mod demo_files;
mod demo_maps;
mod demo_services;
mod demo_survey;
mod demo_tables;
mod files;
mod generated;
mod generated_files;
mod generated_kinds;
mod geo;
mod layers;
mod layers_water;
mod people;
mod shapefile;
mod thumbs;

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Dataset;
use super::model::{Item, ItemData, State};
use super::rng::{Rng, hex_id};

/// Builds the state for `dataset`; `base` is `http://host:port` for service URLs.
pub fn build(dataset: &Dataset, base: &str) -> State {
    match dataset {
        Dataset::Demo => demo::build(base),
        Dataset::Generated { count, seed } => generated::build(*count, *seed, base),
        Dataset::DemoPlusGenerated { count, seed } => {
            merged(demo::build(base), generated::build(*count, *seed, base))
        }
    }
}

/// `st` with the items, services, relationships, folders and members of `extra` added (the
/// standard users and groups both share are kept once, with the members of both).
fn merged(mut st: State, extra: State) -> State {
    for (name, user) in extra.users {
        st.users.entry(name).or_insert(user);
    }
    for (id, group) in extra.groups {
        match st.groups.get_mut(&id) {
            Some(have) => have.members.extend(group.members),
            None => {
                st.groups.insert(id, group);
            }
        }
    }
    for (id, folder) in extra.folders {
        st.folders.entry(id).or_insert(folder);
    }
    for (id, item) in extra.items {
        if !st.items.contains_key(&id) {
            st.items.insert(id, item);
        }
    }
    st.relationships.extend(extra.relationships);
    for (name, service) in extra.services {
        st.services.entry(name).or_insert(service);
    }
    st.serial = st.serial.max(extra.serial);
    st
}

/// Epoch milliseconds of a UTC date and time (proleptic Gregorian calendar).
pub(crate) fn ts(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> i64 {
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + hour) * 60 + minute) * 60_000
}

/// The UTC calendar date `(year, month, day)` of epoch milliseconds.
pub(crate) fn ymd(ms: i64) -> (i64, i64, i64) {
    // Civil from days (Howard Hinnant's algorithm).
    let z = ms.div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// One day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// FNV-1a of a string: stable seeds from readable keys.
pub(crate) fn fnv(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The item (or group, folder) id of a demo object named by a stable key, e.g.
/// `key_id("item:fire-hydrants")`: unchanged when other objects are added or reordered.
pub(crate) fn key_id(key: &str) -> String {
    hex_id(fnv(key))
}

/// A `{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}` GlobalID as hosted layers show them.
pub(crate) fn guid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{{{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}}}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// The URL of hosted service `name` on the sandbox at `base`.
pub(crate) fn service_url(base: &str, name: &str) -> String {
    format!("{base}/server/rest/services/Hosted/{name}/FeatureServer")
}

/// Owned strings from string slices (type keywords, tags).
pub(crate) fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

/// `/data` of a JSON item: the compact serialisation of `v`.
pub(crate) fn json_data(v: &Value) -> ItemData {
    ItemData::Json(Arc::new(serde_json::to_vec(v).unwrap_or_default()))
}

/// Sets the descriptive `extra` fields every real item has.
pub(crate) struct Describe<'a> {
    /// Summary (`snippet`).
    pub snippet: &'a str,
    /// Description (HTML allowed).
    pub description: &'a str,
    /// `accessInformation` (credits).
    pub credits: &'a str,
    /// `extent` `[[xmin,ymin],[xmax,ymax]]`, or `None` for `[]`.
    pub extent: Option<[f64; 4]>,
}

impl Describe<'_> {
    /// Writes the fields into `item.extra`, with view counts and ratings from `rng`.
    pub fn apply(&self, item: &mut Item, rng: &mut Rng) {
        let e: &mut Map<String, Value> = &mut item.extra;
        e.insert("snippet".into(), Value::from(self.snippet));
        e.insert("description".into(), Value::from(self.description));
        e.insert("accessInformation".into(), Value::from(self.credits));
        e.insert(
            "licenseInfo".into(),
            Value::from("<p>For internal use by Riverton Water &amp; Planning staff and contractors. Public items are licensed under <a href=\"https://creativecommons.org/licenses/by/4.0/\" target=\"_blank\">CC BY 4.0</a>.</p>"),
        );
        e.insert("culture".into(), Value::from("en-us"));
        match self.extent {
            Some([x0, y0, x1, y1]) => {
                e.insert("extent".into(), serde_json::json!([[x0, y0], [x1, y1]]));
                e.insert("spatialReference".into(), Value::from("102100"));
            }
            None => {
                e.insert("extent".into(), serde_json::json!([]));
            }
        }
        e.insert("numViews".into(), Value::from(rng.below(4_000)));
        let rating = (rng.below(11) as f64) / 2.0;
        e.insert("avgRating".into(), Value::from(rating));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(ts(1970, 1, 1, 0, 0), 0);
        assert_eq!(ts(2024, 3, 1, 0, 0), 1_709_251_200_000);
        assert_eq!(ymd(ts(2024, 2, 29, 23, 59)), (2024, 2, 29));
        assert_eq!(ymd(ts(2019, 12, 31, 0, 0)), (2019, 12, 31));
    }

    #[test]
    fn demo_plus_generated_holds_both() {
        let base = "http://127.0.0.1:1";
        let demo = build(&Dataset::Demo, base);
        let generated = build(&Dataset::Generated { count: 30, seed: 4 }, base);
        let both: Dataset = "demo+generated:30:4".parse().unwrap();
        assert_eq!(both, Dataset::DemoPlusGenerated { count: 30, seed: 4 });
        let st = build(&both, base);
        assert_eq!(st.items.len(), demo.items.len() + 30);
        assert_eq!(
            st.services.len(),
            demo.services.len() + generated.services.len()
        );
        assert!(
            st.users.contains_key("viewer")
                && generated.users.keys().all(|u| st.users.contains_key(u))
        );
        assert!("demo+nope".parse::<Dataset>().is_err());
    }

    #[test]
    fn demo_is_deterministic_and_sized() {
        let a = build(&Dataset::Demo, "http://127.0.0.1:1");
        let b = build(&Dataset::Demo, "http://127.0.0.1:1");
        assert!((40..=80).contains(&a.items.len()), "{}", a.items.len());
        assert_eq!(
            a.items.keys().collect::<Vec<_>>(),
            b.items.keys().collect::<Vec<_>>()
        );
        let (lo, hi) = (ts(2019, 1, 1, 0, 0), ts(2026, 1, 1, 0, 0));
        for it in a.items.values() {
            assert!(
                it.created >= lo && it.modified < hi && it.modified >= it.created,
                "{}",
                it.title
            );
            if it.content_status.as_deref() == Some("public_authoritative") {
                assert!(it.sharing.everyone, "{}", it.title);
            }
        }
        for r in &a.relationships {
            assert!(
                a.items.contains_key(&r.origin) && a.items.contains_key(&r.dest),
                "{r:?}"
            );
        }
        for s in a.services.values() {
            assert_eq!(a.items[&s.item_id].item_type, "Feature Service");
        }
    }

    #[test]
    fn generated_has_exactly_n_items_and_is_fast() {
        let t = std::time::Instant::now();
        let st = build(
            &Dataset::Generated {
                count: 25_000,
                seed: 7,
            },
            "http://127.0.0.1:1",
        );
        let took = t.elapsed();
        assert_eq!(st.items.len(), 25_000);
        eprintln!("generated:25000 built in {took:?}");
        // Many items share a day (the scan partitions by created-date ranges).
        let days: std::collections::BTreeSet<i64> =
            st.items.values().map(|i| i.created / DAY_MS).collect();
        assert!(
            days.len() > 2000 && days.len() < 2600,
            "{} days",
            days.len()
        );
        let auth = st
            .items
            .values()
            .filter(|i| i.content_status.as_deref() == Some("org_authoritative"))
            .count();
        assert!((1000..1500).contains(&auth), "{auth} org_authoritative");
        for it in st
            .items
            .values()
            .filter(|i| i.content_status.as_deref() == Some("public_authoritative"))
        {
            assert!(it.sharing.everyone && it.protected);
        }
        for r in &st.relationships {
            assert!(st.items.contains_key(&r.origin) && st.items.contains_key(&r.dest));
        }
        let again = build(
            &Dataset::Generated {
                count: 25_000,
                seed: 7,
            },
            "http://127.0.0.1:1",
        );
        assert!(st.items.keys().eq(again.items.keys()));
        let other = build(
            &Dataset::Generated { count: 10, seed: 8 },
            "http://127.0.0.1:1",
        );
        assert_eq!(other.items.len(), 10);
    }
}
