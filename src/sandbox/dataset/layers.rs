//! The demo town's hosted layers with realistic attributes: the helpers every layer uses (field
//! types, addresses, dates, editor tracking, photo attachments), and the parcels, the Survey123
//! street tree layer and bike racks. The water layers are in `layers_water`. Each builder returns
//! a complete [`Layer`]; the services around them are assembled in `demo_services`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::geo::{self, r6};
use super::{guid, thumbs, ts};
use crate::sandbox::rng::Rng;
use crate::sandbox::services::{Attachment, Feature, Field, Layer};

/// Text field type.
pub const S: &str = "esriFieldTypeString";
/// Double field type.
pub const D: &str = "esriFieldTypeDouble";
/// Integer field type.
pub const I: &str = "esriFieldTypeInteger";
/// Date field type (epoch ms).
pub const T: &str = "esriFieldTypeDate";
/// GUID field type (relationship keys).
pub const G: &str = "esriFieldTypeGUID";

/// Street names of the town (for addresses).
pub const STREETS: [&str; 13] = [
    "Redwood Rd",
    "Park Ave",
    "Main St",
    "Orchard Dr",
    "Lincoln Ave",
    "Bluebell Ln",
    "Willow Way",
    "Canal St",
    "Riverside Dr",
    "Sunset Blvd",
    "Cedar St",
    "Juniper Ave",
    "Aspen Ct",
];

/// A street address.
pub fn address(rng: &mut Rng) -> String {
    format!(
        "{} {}",
        100 + rng.below(140) * 10 + rng.below(2) * 5,
        rng.pick(&STREETS)
    )
}

/// A time between `from` and `to` (epoch ms), during working hours.
pub fn when(rng: &mut Rng, from: i64, to: i64) -> i64 {
    let day = from / super::DAY_MS + rng.below(((to - from) / super::DAY_MS).max(1) as u64) as i64;
    day * super::DAY_MS + (14 + rng.below(9) as i64) * 3_600_000 + rng.below(3_600) as i64 * 1000
}

/// A layer with `OBJECTID` and `GlobalID` first, then `fields` (name, type, alias), then the
/// editor-tracking fields.
pub fn new_layer(
    id: u32,
    name: &str,
    geometry: Option<&str>,
    fields: &[(&str, &str, &str)],
    last_edit: i64,
) -> Layer {
    let mut all = vec![
        Field::new("OBJECTID", "esriFieldTypeOID"),
        Field::new("GlobalID", "esriFieldTypeGlobalID"),
    ];
    for (n, t, alias) in fields {
        let mut f = Field::new(n, t);
        f.alias = (*alias).to_string();
        all.push(f);
    }
    for (n, t) in [
        ("CreationDate", T),
        ("Creator", S),
        ("EditDate", T),
        ("Editor", S),
    ] {
        all.push(Field::new(n, t));
    }
    Layer {
        id,
        name: name.into(),
        geometry_type: geometry.map(str::to_string),
        fields: all,
        features: BTreeMap::new(),
        attachments: BTreeMap::new(),
        has_attachments: false,
        last_edit_date: last_edit,
        relationships: Vec::new(),
        view_filter: None,
    }
}

/// Adds a feature with a new object id and GlobalID, `attrs`, and editor tracking: created at
/// `created` by `user`, edited between then and the layer's last edit. Returns (oid, GlobalID).
pub fn add(
    layer: &mut Layer,
    rng: &mut Rng,
    attrs: Vec<(&str, Value)>,
    geometry: Option<Value>,
    created: i64,
    user: &str,
) -> (i64, String) {
    let oid = layer.next_oid();
    let gid = guid(rng);
    let mut m = Map::new();
    m.insert("OBJECTID".into(), json!(oid));
    m.insert("GlobalID".into(), json!(gid));
    for (k, v) in attrs {
        m.insert(k.into(), v);
    }
    let edited = if rng.below(3) == 0 {
        when(rng, created, layer.last_edit_date.max(created + 1))
    } else {
        created
    };
    m.insert("CreationDate".into(), json!(created));
    m.insert("Creator".into(), json!(user));
    m.insert("EditDate".into(), json!(edited.min(layer.last_edit_date)));
    m.insert(
        "Editor".into(),
        json!(if edited == created { user } else { "editor" }),
    );
    layer.features.insert(
        oid,
        Feature {
            attributes: m,
            geometry,
        },
    );
    (oid, gid)
}

/// Attaches a generated photo to feature `oid`.
pub fn attach_photo(layer: &mut Layer, rng: &mut Rng, oid: i64, name: String, seed: u64) {
    let id = layer.next_attachment_id();
    let data = Arc::new(thumbs::photo(seed, 96, 72));
    let att = Attachment {
        id,
        global_id: guid(rng),
        name,
        content_type: "image/png".into(),
        data,
    };
    layer.attachments.entry(oid).or_default().push(att);
}

/// Parcels: 150 lots.
pub fn parcels(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("PARCEL_ID", S, "Parcel ID"),
        ("SITE_ADDRESS", S, "Site Address"),
        ("OWNER_TYPE", S, "Owner Type"),
        ("ZONING", S, "Zoning"),
        ("LAND_USE", S, "Land Use"),
        ("AREA_SQFT", D, "Area (sq ft)"),
        ("ASSESSED_VALUE", D, "Assessed Value"),
        ("YEAR_BUILT", I, "Year Built"),
        ("LAST_SALE_DATE", T, "Last Sale Date"),
    ];
    let mut l = new_layer(
        0,
        "Parcels",
        Some("esriGeometryPolygon"),
        &fields,
        last_edit,
    );
    for (n, ring) in geo::lots(rng, 150).into_iter().enumerate() {
        let owner = *rng.pick(&[
            "Private",
            "Private",
            "Private",
            "Private",
            "Private",
            "City",
            "County",
            "School District",
            "Utility",
        ]);
        let (zoning, use_) = *rng.pick(&[
            ("R-1-8", "Single Family"),
            ("R-1-8", "Single Family"),
            ("R-2", "Duplex"),
            ("C-2", "Retail"),
            ("MU", "Mixed Use"),
            ("PF", "Public Facility"),
            ("A-1", "Agricultural"),
        ]);
        let area = (geo::ring_area_m2(&ring) * 10.7639).round();
        let attrs = vec![
            (
                "PARCEL_ID",
                json!(format!(
                    "27-{:02}-{:03}-{:03}",
                    10 + n / 60,
                    100 + (n * 7) % 400,
                    1 + n % 37
                )),
            ),
            ("SITE_ADDRESS", json!(address(rng))),
            ("OWNER_TYPE", json!(owner)),
            ("ZONING", json!(zoning)),
            ("LAND_USE", json!(use_)),
            ("AREA_SQFT", json!(area)),
            (
                "ASSESSED_VALUE",
                json!((area * rng.range(18.0, 60.0) / 100.0).round() * 100.0),
            ),
            (
                "YEAR_BUILT",
                if use_ == "Agricultural" {
                    Value::Null
                } else {
                    json!(1955 + rng.below(68))
                },
            ),
            (
                "LAST_SALE_DATE",
                json!(when(rng, ts(1998, 1, 1, 0, 0), ts(2024, 9, 1, 0, 0))),
            ),
        ];
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::ring_json(&ring)),
            ts(2019, 4, 9, 16, 0),
            "admin",
        );
    }
    l
}

/// Street trees collected with Survey123: 120 points, photos on 12.
pub fn street_trees(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("species", S, "Species"),
        ("common_name", S, "Common Name"),
        ("dbh_in", D, "Trunk Diameter (in)"),
        ("height_ft", D, "Height (ft)"),
        ("condition", S, "Condition"),
        ("address", S, "Nearest Address"),
        ("surveyed_on", T, "Surveyed On"),
        ("surveyor", S, "Surveyor"),
        ("notes", S, "Notes"),
    ];
    let mut l = new_layer(0, "survey", Some("esriGeometryPoint"), &fields, last_edit);
    l.has_attachments = true;
    let species = [
        ("Acer platanoides", "Norway maple"),
        ("Gleditsia triacanthos", "Honey locust"),
        ("Quercus macrocarpa", "Bur oak"),
        ("Tilia cordata", "Littleleaf linden"),
        ("Pyrus calleryana", "Callery pear"),
        ("Ulmus pumila", "Siberian elm"),
    ];
    for _ in 0..120 {
        let (sci, common) = *rng.pick(&species);
        let on = when(rng, ts(2023, 5, 1, 0, 0), ts(2024, 9, 30, 0, 0));
        let attrs = vec![
            ("species", json!(sci)),
            ("common_name", json!(common)),
            (
                "dbh_in",
                json!((rng.range(2.0, 34.0) * 10.0).round() / 10.0),
            ),
            ("height_ft", json!(rng.range(8.0, 70.0).round())),
            (
                "condition",
                json!(rng.pick(&["Good", "Good", "Fair", "Poor", "Dead"])),
            ),
            ("address", json!(address(rng))),
            ("surveyed_on", json!(on)),
            ("surveyor", json!(rng.pick(&["editor", "viewer"]))),
            ("notes", Value::Null),
        ];
        let p = geo::kerbside_point(rng);
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::point_json([r6(p[0] + 0.00004), p[1]])),
            on,
            "editor",
        );
    }
    for k in 0..12i64 {
        attach_photo(
            &mut l,
            rng,
            5 + k * 9,
            format!("photo-{}.png", k + 1),
            0x5452_4545 + k as u64,
        );
    }
    l
}

/// Bike racks (the layer published from the bike racks CSV): 60 points downtown.
pub fn bike_racks(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("RACK_ID", S, "Rack ID"),
        ("LOCATION_NAME", S, "Location"),
        ("RACK_TYPE", S, "Rack Type"),
        ("CAPACITY", I, "Capacity"),
        ("COVERED", S, "Covered"),
        ("INSTALLED", T, "Installed"),
        ("Latitude", D, "Latitude"),
        ("Longitude", D, "Longitude"),
    ];
    let mut l = new_layer(
        0,
        "Bike_Racks",
        Some("esriGeometryPoint"),
        &fields,
        last_edit,
    );
    let places = [
        "City Hall",
        "Public Library",
        "Riverton Rec Center",
        "Main St Plaza",
        "Canal Trailhead",
        "Orchard Park",
        "Transit Hub",
        "Senior Center",
        "Farmers Market",
        "High School",
    ];
    for n in 0..60usize {
        let p = geo::downtown_point(rng, 0.012);
        let attrs = vec![
            ("RACK_ID", json!(format!("BR-{:03}", n + 1))),
            (
                "LOCATION_NAME",
                json!(format!(
                    "{} #{}",
                    places[n % places.len()],
                    n / places.len() + 1
                )),
            ),
            (
                "RACK_TYPE",
                json!(rng.pick(&["Inverted U", "Inverted U", "Wave", "Grid", "Bike Corral"])),
            ),
            ("CAPACITY", json!(2 + 2 * rng.below(6))),
            (
                "COVERED",
                json!(if rng.below(4) == 0 { "Yes" } else { "No" }),
            ),
            (
                "INSTALLED",
                json!(when(rng, ts(2015, 4, 1, 0, 0), ts(2023, 10, 1, 0, 0))),
            ),
            ("Latitude", json!(p[1])),
            ("Longitude", json!(p[0])),
        ];
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::point_json(p)),
            ts(2021, 6, 3, 17, 20),
            "editor",
        );
    }
    l
}
