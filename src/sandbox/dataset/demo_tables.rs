//! The demo's table and office items with real bytes: CSV extracts of the hosted layers (one with
//! every Windows-forbidden character in its title, one with a Hebrew title), XLSX workbooks and a
//! DOCX procedure.

use serde_json::Value;

use super::demo::{AMBER, Access, BLUE, CREDITS, Demo, GREEN, Grp, RED, SLATE, Spec};
use super::demo_files::file;
use super::files::{self, Cell, text};
use super::thumbs::Glyph;
use super::ts;

/// Adds the CSV, XLSX and DOCX items.
pub fn add(d: &mut Demo) {
    tables(d);
    archive_tables(d);
    spreadsheets(d);
    documents(d);
}

fn layer_rows(d: &Demo, service: &str, layer: u32, cols: &[&str]) -> Vec<Vec<String>> {
    let Some(l) = d.st.services.get(service).and_then(|s| s.layer(layer)) else {
        return Vec::new();
    };
    l.features
        .values()
        .map(|f| {
            cols.iter()
                .map(|c| match f.attributes.get(*c) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(v) => v.to_string(),
                })
                .collect()
        })
        .collect()
}

fn tables(d: &mut Demo) {
    let cols = [
        "ASSETID",
        "DIAMETER_IN",
        "MATERIAL",
        "INSTALL_YEAR",
        "LENGTH_FT",
    ];
    let csv = files::csv(&cols, &layer_rows(d, "Water_Network", 0, &cols));
    let spec = Spec {
        key: "pipes-csv",
        owner: "editor",
        title: "Pipes: \"Main\" <2024>/Q1?*|",
        kind: "CSV",
        keywords: &["CSV"],
        tags: &["pipes", "mains", "2024"],
        created: ts(2024, 4, 2, 10, 0),
        modified: ts(2024, 4, 2, 10, 0),
        snippet: "Main inventory extract, first quarter 2024.",
        description: "<p>Every character Windows forbids in file names is in this title.</p>",
        credits: CREDITS,
        access: Access::Private,
        groups: &[Grp::Planning],
        thumb: Some((Glyph::Table, BLUE)),
        ..Spec::default()
    };
    d.add(&spec, file("pipes_main_2024_q1.csv", csv), None);

    let he = files::csv(
        &["אתר", "כלור (מ\"ג/ל)", "תאריך"],
        &[
            vec!["באר 4".into(), "0.62".into(), "2024-03-01".into()],
            vec!["מאגר 2".into(), "0.71".into(), "2024-03-02".into()],
        ],
    );
    let spec = Spec {
        key: "hebrew-csv",
        folder: Some("Drafts"),
        title: "דוח איכות מים שנתי",
        tags: &["איכות מים", "water quality"],
        created: ts(2024, 3, 5, 7, 30),
        modified: ts(2024, 3, 5, 7, 30),
        snippet: "דוח איכות מים (טיוטה)",
        description: "<p dir=\"rtl\">נתוני כלור לפי אתר.</p>",
        groups: &[],
        ..spec.clone()
    };
    d.add(&spec, file("water_quality_he.csv", he), None);

    let cols = [
        "VALVEID",
        "VALVE_TYPE",
        "SIZE_IN",
        "TURNS_TO_CLOSE",
        "CRITICAL",
    ];
    let csv = files::csv(&cols, &layer_rows(d, "Water_Network", 1, &cols));
    let spec = Spec {
        key: "valve-schedule-csv",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Valve exercise schedule",
        tags: &["valves", "maintenance", "authoritative-source"],
        created: ts(2023, 1, 9, 8, 0),
        modified: ts(2024, 1, 8, 8, 0),
        snippet: "Which valves to exercise each month.",
        description: "<p>Derived from the valve layer (the authoritative source); this extract is a working copy.</p>",
        groups: &[Grp::Ops],
        thumb: Some((Glyph::Table, BLUE)),
        ..spec.clone()
    };
    d.add(&spec, file("valve_exercise_schedule.csv", csv), None);

    let cols = ["FACILITYID", "ADDRESS", "FLOW_GPM", "STATUS"];
    let csv = files::csv(&cols, &layer_rows(d, "Fire_Hydrants", 0, &cols));
    let spec = Spec {
        key: "flushing-log-csv",
        owner: "editor",
        folder: Some("Field Apps"),
        title: "Hydrant flushing log 2024",
        tags: &["hydrants", "flushing", "2024"],
        created: ts(2024, 8, 19, 16, 0),
        modified: ts(2024, 10, 30, 16, 0),
        snippet: "Flushing crew log.",
        description: "",
        thumb: Some((Glyph::Table, RED)),
        ..spec.clone()
    };
    d.add(&spec, file("flushing_log_2024.csv", csv), None);
}

fn archive_tables(d: &mut Demo) {
    let readings: Vec<Vec<String>> = (0..120)
        .map(|i| {
            vec![
                format!("M-{:05}", 40_000 + i * 13),
                format!("2019-{:02}-28", 1 + i % 12),
                format!("{}", 1200 + (i * 37) % 900),
            ]
        })
        .collect();
    let spec = Spec {
        key: "meter-readings-2019",
        owner: "admin",
        folder: Some("Archive"),
        title: "Meter readings 2019",
        tags: &["meters", "billing", "archive"],
        created: ts(2020, 1, 6, 9, 0),
        modified: ts(2021, 1, 4, 9, 0),
        snippet: "Monthly meter reads, 2019 (replaced by AMI data).",
        description: "<p>Deprecated: AMI data replaces manual reads.</p>",
        access: Access::Org,
        groups: &[],
        status: Some("deprecated"),
        thumb: Some((Glyph::Table, SLATE)),
        kind: "CSV",
        keywords: &["CSV"],
        credits: CREDITS,
        ..Spec::default()
    };
    d.add(
        &spec,
        file(
            "meter_readings_2019.csv",
            files::csv(&["METER", "READ_DATE", "GALLONS_K"], &readings),
        ),
        None,
    );
}

fn spreadsheets(d: &mut Demo) {
    let mut rows = vec![vec![
        text("Project"),
        text("Zone"),
        text("Year"),
        text("Cost (USD)"),
    ]];
    for (i, p) in [
        "Canal St main replacement",
        "Reservoir 2 roof",
        "Well 7 rehabilitation",
        "Orchard Dr PRV station",
        "AMI meters phase 2",
        "Sunset Blvd looping",
    ]
    .iter()
    .enumerate()
    {
        rows.push(vec![
            text(*p),
            text(format!("Zone {}", 1 + i * 3)),
            Cell::Number(2025.0 + i as f64),
            Cell::Number(250_000.0 + i as f64 * 137_500.0),
        ]);
    }
    let spec = Spec {
        key: "capital-plan-xlsx",
        owner: "admin",
        folder: Some("Planning"),
        title: "Capital Improvement Plan 2025-2030",
        kind: "Microsoft Excel",
        keywords: &["Data", "Document", "Microsoft Excel"],
        tags: &["capital plan", "budget"],
        created: ts(2024, 5, 6, 10, 0),
        modified: ts(2024, 11, 12, 15, 0),
        snippet: "Adopted six-year capital plan.",
        description: "<p>Adopted by the board on 2024-11-12.</p>",
        credits: CREDITS,
        access: Access::Org,
        groups: &[Grp::Planning],
        status: Some("org_authoritative"),
        thumb: Some((Glyph::Table, AMBER)),
        metadata: true,
        ..Spec::default()
    };
    d.add(
        &spec,
        file(
            "Capital_Improvement_Plan_2025-2030.xlsx",
            files::xlsx(&[("Projects", rows)]),
        ),
        None,
    );

    let spec = Spec {
        key: "trailing-dots-xlsx",
        owner: "editor",
        folder: None,
        title: "Trailing dots...  ",
        tags: &["scratch"],
        created: ts(2023, 8, 30, 17, 0),
        modified: ts(2023, 8, 30, 17, 0),
        snippet: "",
        description: "",
        access: Access::Private,
        groups: &[],
        status: None,
        thumb: None,
        metadata: false,
        ..spec.clone()
    };
    d.add(
        &spec,
        file(
            "trailing_dots.xlsx",
            files::xlsx(&[("Sheet1", vec![vec![text("a"), Cell::Number(1.0)]])]),
        ),
        None,
    );

    let mut tests = vec![vec![
        text("Hydrant"),
        text("Static psi"),
        text("Residual psi"),
        text("Flow gpm"),
    ]];
    for i in 0..40 {
        let s = 60.0 + f64::from(i % 13) * 3.5;
        tests.push(vec![
            text(format!("HYD-{:05}", 1001 + i * 7)),
            Cell::Number(s),
            Cell::Number(s - 12.0),
            Cell::Number(900.0 + f64::from(i) * 31.0),
        ]);
    }
    let spec = Spec {
        key: "flow-tests-xlsx",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Hydrant flow tests 2024",
        tags: &["hydrants", "flow test", "NFPA 291"],
        created: ts(2024, 9, 9, 14, 0),
        modified: ts(2024, 9, 9, 14, 0),
        snippet: "Results of the 2024 flow tests.",
        description: "<p>One row per test.</p>",
        access: Access::Private,
        groups: &[Grp::Ops],
        thumb: Some((Glyph::Table, RED)),
        ..spec
    };
    d.add(
        &spec,
        file(
            "hydrant_flow_tests_2024.xlsx",
            files::xlsx(&[("Tests", tests)]),
        ),
        None,
    );
}

fn documents(d: &mut Demo) {
    let sop = files::docx(
        "Hydrant Maintenance SOP",
        &[
            "1. Notify the fire department before any hydrant is taken out of service.",
            "2. Exercise the operating nut fully; record turns.",
            "3. Flush until water runs clear; record flow.",
        ],
    );
    let spec = Spec {
        key: "sop-docx",
        title: "Hydrant Maintenance SOP",
        kind: "Microsoft Word",
        keywords: &["Data", "Document", "Microsoft Word"],
        tags: &["hydrants", "procedure", "SOP"],
        created: ts(2021, 4, 14, 9, 0),
        modified: ts(2023, 3, 3, 9, 0),
        snippet: "Standard operating procedure for hydrant maintenance.",
        description: "<p>Crew procedure.</p>",
        thumb: Some((Glyph::Document, GREEN)),
        ..Spec::default()
    };
    let spec = Spec {
        owner: "admin",
        access: Access::Org,
        groups: &[Grp::Ops],
        credits: CREDITS,
        ..spec
    };
    d.add(&spec, file("Hydrant_Maintenance_SOP.docx", sop), None);
}
