//! The demo town's water layers: hydrants (with photo attachments) and the water network (mains,
//! valves, pressure zones and the "Valve Inspections" table related to the valves).

use serde_json::{Value, json};

use super::layers::{D, G, I, S, T, add, address, attach_photo, new_layer, when};
use super::{geo, ts};
use crate::sandbox::rng::Rng;
use crate::sandbox::services::Layer;

/// Fire hydrants: 300 points, photos on 40 of them.
pub fn hydrants(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("FACILITYID", S, "Facility ID"),
        ("ADDRESS", S, "Address"),
        ("MANUFACTURER", S, "Manufacturer"),
        ("MODEL", S, "Model"),
        ("NOZZLES", I, "Nozzles"),
        ("FLOW_GPM", D, "Flow (gpm)"),
        ("STATIC_PSI", D, "Static Pressure (psi)"),
        ("INSTALL_DATE", T, "Install Date"),
        ("LAST_INSPECTED", T, "Last Inspected"),
        ("STATUS", S, "Status"),
        ("PRESSURE_ZONE", S, "Pressure Zone"),
        ("COMMENTS", S, "Comments"),
    ];
    let mut l = new_layer(0, "Hydrants", Some("esriGeometryPoint"), &fields, last_edit);
    l.has_attachments = true;
    let makes = [
        ("Mueller", "Super Centurion 250"),
        ("Clow", "Medallion"),
        ("American Darling", "B-84-B"),
        ("Kennedy", "Guardian K81D"),
    ];
    for n in 0..300 {
        let (make, model) = *rng.pick(&makes);
        let status = *rng.pick(&[
            "In Service",
            "In Service",
            "In Service",
            "In Service",
            "Needs Repair",
            "Out of Service",
        ]);
        let comment = match status {
            "Needs Repair" => "Cap chained loose; paint faded",
            "Out of Service" => "Bagged - awaiting replacement barrel",
            _ => "",
        };
        let attrs = vec![
            ("FACILITYID", json!(format!("HYD-{:05}", 1001 + n))),
            ("ADDRESS", json!(address(rng))),
            ("MANUFACTURER", json!(make)),
            ("MODEL", json!(model)),
            ("NOZZLES", json!(2 + rng.below(2))),
            (
                "FLOW_GPM",
                json!((rng.range(850.0, 2400.0) * 10.0).round() / 10.0),
            ),
            (
                "STATIC_PSI",
                json!((rng.range(48.0, 110.0) * 10.0).round() / 10.0),
            ),
            (
                "INSTALL_DATE",
                json!(when(rng, ts(1978, 1, 1, 0, 0), ts(2018, 12, 31, 0, 0))),
            ),
            (
                "LAST_INSPECTED",
                json!(when(rng, ts(2022, 1, 1, 0, 0), ts(2024, 10, 31, 0, 0))),
            ),
            ("STATUS", json!(status)),
            (
                "PRESSURE_ZONE",
                json!(format!("Zone {}", 1 + rng.below(20))),
            ),
            (
                "COMMENTS",
                if comment.is_empty() {
                    Value::Null
                } else {
                    json!(comment)
                },
            ),
        ];
        let p = geo::kerbside_point(rng);
        let created = when(rng, ts(2019, 3, 1, 0, 0), ts(2020, 2, 28, 0, 0));
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::point_json(p)),
            created,
            "admin",
        );
    }
    for k in 0..40i64 {
        let oid = 3 + k * 7;
        let photos = 1 + rng.below(2);
        for p in 0..photos {
            let name = format!(
                "IMG_2023{:02}{:02}_{:06}.png",
                4 + k % 6,
                1 + k % 28,
                93_000 + k * 37 + p as i64
            );
            attach_photo(&mut l, rng, oid, name, 0x4859_4400 + (k as u64) * 4 + p);
        }
    }
    l
}

/// The water network: mains, valves, pressure zones and the related valve inspections table.
pub fn water_network(rng: &mut Rng, last_edit: i64) -> Vec<Layer> {
    let mut valves = valves_layer(rng, last_edit);
    let mut inspections = new_layer(
        3,
        "Valve Inspections",
        None,
        &[
            ("VALVE_GUID", G, "Valve"),
            ("INSPECTED_ON", T, "Inspected On"),
            ("INSPECTOR", S, "Inspector"),
            ("CONDITION", S, "Condition"),
            ("TURNS_COUNTED", I, "Turns Counted"),
            ("NOTES", S, "Notes"),
        ],
        last_edit,
    );
    let valve_ids: Vec<String> = valves
        .features
        .values()
        .filter_map(|f| {
            f.attributes
                .get("GlobalID")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    for _ in 0..300 {
        let v = rng.pick(&valve_ids).clone();
        let cond = *rng.pick(&["Good", "Good", "Good", "Fair", "Poor", "Inoperable"]);
        let on = when(rng, ts(2019, 5, 1, 0, 0), ts(2024, 10, 31, 0, 0));
        let attrs = vec![
            ("VALVE_GUID", json!(v)),
            ("INSPECTED_ON", json!(on)),
            (
                "INSPECTOR",
                json!(rng.pick(&["J. Ortega", "K. Nguyen", "S. Becker", "L. Haddad"])),
            ),
            ("CONDITION", json!(cond)),
            ("TURNS_COUNTED", json!(10 + rng.below(40))),
            (
                "NOTES",
                json!(if cond == "Good" {
                    "Exercised full cycle"
                } else {
                    "Box full of debris; schedule vac truck"
                }),
            ),
        ];
        add(&mut inspections, rng, attrs, None, on, "editor");
    }
    valves.relationships = vec![
        json!({"id": 0, "name": "Valve Inspections", "relatedTableId": 3, "cardinality": "esriRelCardinalityOneToMany", "role": "esriRelRoleOrigin", "keyField": "GlobalID", "composite": true}),
    ];
    inspections.relationships = vec![
        json!({"id": 0, "name": "Valves", "relatedTableId": 1, "cardinality": "esriRelCardinalityOneToMany", "role": "esriRelRoleDestination", "keyField": "VALVE_GUID", "composite": true}),
    ];
    vec![
        mains_layer(rng, last_edit),
        valves,
        zones_layer(rng, last_edit),
        inspections,
    ]
}

fn mains_layer(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("ASSETID", S, "Asset ID"),
        ("DIAMETER_IN", D, "Diameter (in)"),
        ("MATERIAL", S, "Material"),
        ("INSTALL_YEAR", I, "Install Year"),
        ("LENGTH_FT", D, "Length (ft)"),
        ("PRESSURE_ZONE", S, "Pressure Zone"),
        ("LIFECYCLE", S, "Lifecycle Status"),
    ];
    let mut l = new_layer(
        0,
        "Water Mains",
        Some("esriGeometryPolyline"),
        &fields,
        last_edit,
    );
    for (n, path) in geo::mains(rng, 200).into_iter().enumerate() {
        let attrs = vec![
            ("ASSETID", json!(format!("WM-{:05}", 20_001 + n))),
            (
                "DIAMETER_IN",
                json!(*rng.pick(&[6.0, 8.0, 8.0, 10.0, 12.0, 16.0, 24.0])),
            ),
            (
                "MATERIAL",
                json!(rng.pick(&["DIP", "DIP", "PVC", "PVC", "CI", "HDPE", "AC"])),
            ),
            ("INSTALL_YEAR", json!(1962 + rng.below(62))),
            (
                "LENGTH_FT",
                json!((geo::path_length_m(&path) * 3.28084 * 10.0).round() / 10.0),
            ),
            (
                "PRESSURE_ZONE",
                json!(format!("Zone {}", 1 + rng.below(20))),
            ),
            (
                "LIFECYCLE",
                json!(rng.pick(&[
                    "Active",
                    "Active",
                    "Active",
                    "Active",
                    "Abandoned",
                    "Proposed"
                ])),
            ),
        ];
        let created = when(rng, ts(2019, 3, 1, 0, 0), ts(2019, 12, 20, 0, 0));
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::path_json(&path)),
            created,
            "admin",
        );
    }
    l
}

fn valves_layer(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("VALVEID", S, "Valve ID"),
        ("VALVE_TYPE", S, "Valve Type"),
        ("SIZE_IN", D, "Size (in)"),
        ("TURNS_TO_CLOSE", I, "Turns to Close"),
        ("NORMAL_POS", S, "Normal Position"),
        ("LAST_EXERCISED", T, "Last Exercised"),
        ("CRITICAL", S, "Critical Valve"),
    ];
    let mut l = new_layer(1, "Valves", Some("esriGeometryPoint"), &fields, last_edit);
    for n in 0..150usize {
        let (i, j) = (n % (geo::COLS + 1), (n / (geo::COLS + 1)) % (geo::ROWS + 1));
        let p = geo::near_corner(rng, i, j);
        let attrs = vec![
            ("VALVEID", json!(format!("V-{:04}", 3001 + n))),
            (
                "VALVE_TYPE",
                json!(rng.pick(&["Gate", "Gate", "Gate", "Butterfly", "Check", "Air Release"])),
            ),
            ("SIZE_IN", json!(*rng.pick(&[6.0, 8.0, 12.0, 16.0]))),
            ("TURNS_TO_CLOSE", json!(18 + rng.below(30))),
            (
                "NORMAL_POS",
                json!(if rng.below(12) == 0 { "Closed" } else { "Open" }),
            ),
            (
                "LAST_EXERCISED",
                json!(when(rng, ts(2021, 1, 1, 0, 0), ts(2024, 10, 1, 0, 0))),
            ),
            (
                "CRITICAL",
                json!(if rng.below(5) == 0 { "Yes" } else { "No" }),
            ),
        ];
        let created = when(rng, ts(2019, 3, 1, 0, 0), ts(2019, 12, 20, 0, 0));
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::point_json(p)),
            created,
            "admin",
        );
    }
    l
}

fn zones_layer(rng: &mut Rng, last_edit: i64) -> Layer {
    let fields = [
        ("ZONE_NAME", S, "Zone Name"),
        ("HGL_FT", D, "Hydraulic Grade (ft)"),
        ("SOURCE", S, "Supply Source"),
        ("AREA_ACRES", D, "Area (acres)"),
    ];
    let mut l = new_layer(
        2,
        "Pressure Zones",
        Some("esriGeometryPolygon"),
        &fields,
        last_edit,
    );
    let names = [
        "Foothill",
        "Bluff",
        "Canal",
        "Orchard",
        "Riverside",
        "Downtown",
        "Sunset",
        "Willow",
        "Cedar Hills",
        "Lincoln",
    ];
    for (n, ring) in geo::zones(rng, 5, 4).into_iter().enumerate() {
        let attrs = vec![
            (
                "ZONE_NAME",
                json!(format!("Zone {} - {}", n + 1, names[n % names.len()])),
            ),
            (
                "HGL_FT",
                json!(4700.0 + (n as f64) * 15.0 + rng.range(0.0, 10.0).round()),
            ),
            (
                "SOURCE",
                json!(rng.pick(&["Jordan Aqueduct", "Well 4", "Well 7", "Reservoir 2"])),
            ),
            (
                "AREA_ACRES",
                json!((geo::ring_area_m2(&ring) / 4046.86 * 10.0).round() / 10.0),
            ),
        ];
        add(
            &mut l,
            rng,
            attrs,
            Some(geo::ring_json(&ring)),
            ts(2019, 3, 2, 15, 0),
            "admin",
        );
    }
    l
}
