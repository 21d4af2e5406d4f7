//! The demo's document items with real bytes: PDF reports, CSV and XLSX tables, a DOCX procedure,
//! including the awkward titles (Windows-reserved names and characters, a 250-character title, a
//! duplicate "Fire Hydrants", non-ASCII and right-to-left titles) and the loose "authoritative"
//! mentions without a content status. Images, shapefiles and other data are in `demo_data`.

use serde_json::Value;

use super::demo::{AMBER, Access, BLUE, CREDITS, Demo, GREEN, Grp, RED, SLATE, Spec};
use super::files::{self, Cell, text};
use super::thumbs::Glyph;
use super::ts;
use crate::sandbox::model::{Content, ItemData};

/// A file item's data.
pub fn file(name: &str, bytes: Vec<u8>) -> ItemData {
    ItemData::File { name: name.into(), content: Content::bytes(bytes) }
}

/// The 250-character title.
pub fn long_title() -> String {
    let base = "Comprehensive assessment of the Riverton water distribution system including hydrant flow testing, valve exercising, pressure zone hydraulic modelling, main replacement prioritisation and capital funding scenarios for fiscal years 2025 through 2030 - volume ";
    let mut t = base.to_string();
    let mut n = 1;
    while t.chars().count() < 250 {
        t.push_str(&format!("{n} "));
        n += 1;
    }
    t.chars().take(250).collect()
}

/// Adds the documents, then the data files (`demo_data`).
pub fn add(d: &mut Demo) {
    pdfs(d);
    awkward_pdfs(d);
    tables(d);
    spreadsheets(d);
    super::demo_data::add(d);
}

const PDF_KW: [&str; 3] = ["Data", "Document", "PDF"];

fn hydrant_report_lines(d: &Demo) -> Vec<String> {
    let mut lines = vec!["Summary of the 2023 inspection round.".to_string(), String::new()];
    if let Some(layer) = d.st.services.get("Fire_Hydrants").and_then(|s| s.layer(0)) {
        let mut by_status: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in layer.features.values() {
            *by_status.entry(f.attributes.get("STATUS").and_then(Value::as_str).unwrap_or("?")).or_default() += 1;
        }
        lines.push(format!("Hydrants in the system: {}", layer.features.len()));
        for (s, n) in by_status {
            lines.push(format!("  {s}: {n}"));
        }
        lines.push(format!("Inspection photos on file: {}", layer.attachments.values().map(Vec::len).sum::<usize>()));
    }
    lines.extend(["".into(), "Flow tests follow NFPA 291. Hydrants below 1000 gpm are scheduled for flushing.".into()]);
    lines
}

fn pdfs(d: &mut Demo) {
    let report = files::pdf("Fire Hydrants - Annual Report 2023", &hydrant_report_lines(d), ts(2024, 1, 15, 9, 0));
    let spec = Spec {
        key: "hydrant-report-pdf",
        owner: "admin",
        folder: Some("Water Network"),
        title: "Fire Hydrants",
        kind: "PDF",
        keywords: &PDF_KW,
        tags: &["hydrants", "report", "2023"],
        created: ts(2024, 1, 15, 9, 30),
        modified: ts(2024, 1, 15, 9, 30),
        snippet: "Annual hydrant inspection report (2023).",
        description: "<p>Same title as the hydrant layer on purpose: titles are not unique.</p>",
        credits: CREDITS,
        access: Access::Private,
        groups: &[Grp::Ops],
        thumb: Some((Glyph::Document, RED)),
        ..Spec::default()
    };
    d.add(&spec, file("Fire_Hydrants_Annual_Report_2023.pdf", report), None);

    let policy: Vec<String> = [
        "1. Each dataset has one authoritative source, marked in ArcGIS with the authoritative status.",
        "2. Copies and extracts must never be marked authoritative.",
        "3. Deprecated items stay online for one year before deletion.",
        "4. The GIS coordinator reviews the list of authoritative items every quarter.",
    ]
    .map(str::to_string)
    .to_vec();
    let spec = Spec {
        key: "data-policy-pdf",
        title: "Authoritative data policy",
        folder: None,
        tags: &["policy", "data governance", "authoritative"],
        created: ts(2021, 2, 1, 11, 0),
        modified: ts(2023, 5, 9, 14, 0),
        snippet: "Which items are authoritative and who decides.",
        description: "<p>The org's policy on authoritative and deprecated content. This document itself has no content status.</p>",
        access: Access::Org,
        groups: &[],
        thumb: Some((Glyph::Document, SLATE)),
        metadata: true,
        ..spec.clone()
    };
    d.add(&spec, file("authoritative_data_policy.pdf", files::pdf("Authoritative data policy", &policy, spec.created)), None);

    let ccr: Vec<String> = (0..70).map(|i| format!("Sample point {:02}: lead < 1 ppb, nitrate {:.1} mg/L, chlorine residual {:.2} mg/L", i + 1, 0.4 + f64::from(i % 9) * 0.3, 0.6 + f64::from(i % 5) * 0.12)).collect();
    let spec = Spec {
        key: "water-quality-2023",
        title: "Annual Water Quality Report 2023",
        tags: &["water quality", "CCR", "public"],
        created: ts(2024, 6, 28, 8, 0),
        modified: ts(2024, 6, 28, 8, 0),
        snippet: "Consumer confidence report for 2023.",
        description: "<p>Required yearly report on drinking water quality.</p>",
        access: Access::Public,
        groups: &[Grp::Showcase],
        status: Some("public_authoritative"),
        thumb: Some((Glyph::Document, BLUE)),
        metadata: true,
        ..spec.clone()
    };
    d.add(&spec, file("CCR_2023.pdf", files::pdf("Annual Water Quality Report 2023", &ccr, spec.created)), None);

    let plan = vec!["Contacts, call trees and shut-off procedures (confidential).".to_string()];
    let spec = Spec {
        key: "emergency-plan-pdf",
        title: "Emergency Response Plan",
        tags: &["emergency", "confidential"],
        created: ts(2022, 9, 12, 10, 0),
        modified: ts(2024, 9, 2, 10, 0),
        snippet: "Utility emergency response plan (restricted).",
        description: "<p>Restricted to utility managers.</p>",
        access: Access::Private,
        groups: &[],
        status: None,
        thumb: Some((Glyph::Document, RED)),
        ..spec.clone()
    };
    d.add(&spec, file("Emergency_Response_Plan.pdf", files::pdf("Emergency Response Plan", &plan, spec.created)), None);

    let minutes = vec!["Item 4: approval of the 2022 hydrant replacement budget.".to_string()];
    let spec = Spec {
        key: "board-minutes-pdf",
        folder: Some("Archive"),
        title: "Board meeting minutes 2022-05",
        tags: &["minutes", "board"],
        created: ts(2022, 5, 20, 17, 0),
        modified: ts(2022, 5, 20, 17, 0),
        snippet: "Minutes of the May 2022 board meeting.",
        description: "<p>Superseded by the official record.</p>",
        access: Access::Org,
        status: Some("deprecated"),
        thumb: Some((Glyph::Document, SLATE)),
        metadata: false,
        ..spec
    };
    d.add(&spec, file("minutes_2022-05.pdf", files::pdf("Board meeting minutes 2022-05", &minutes, spec.created)), None);
}

fn awkward_pdfs(d: &mut Demo) {
    let title = "Zürich Wasserqualität — 水質報告";
    let lines = vec!["Vergleich der Wasserqualität Riverton / Zürich (Partnerschaft 2023).".to_string()];
    let spec = Spec {
        key: "zurich-pdf",
        owner: "editor",
        title,
        kind: "PDF",
        keywords: &PDF_KW,
        tags: &["Wasserqualität", "水質", "partnership"],
        created: ts(2023, 11, 7, 13, 0),
        modified: ts(2023, 11, 7, 13, 0),
        snippet: "Vergleichsbericht Wasserqualität.",
        description: "<p>Bericht der Städtepartnerschaft (deutsch/日本語).</p>",
        credits: "Wasserversorgung Zürich; Riverton Water",
        access: Access::Org,
        thumb: Some((Glyph::Document, BLUE)),
        ..Spec::default()
    };
    d.add(&spec, file("Zürich_Wasserqualität_水質報告.pdf", files::pdf(title, &lines, spec.created)), None);

    let spec = Spec {
        key: "con-pdf",
        title: "CON",
        tags: &["construction", "contracts"],
        created: ts(2022, 7, 19, 9, 0),
        modified: ts(2022, 7, 19, 9, 0),
        snippet: "Construction contract list.",
        description: "",
        access: Access::Private,
        groups: &[Grp::Planning],
        thumb: None,
        ..spec.clone()
    };
    d.add(&spec, file("CON.pdf", files::pdf("CON - construction contracts", &["Contract 22-014: Canal St main".into()], spec.created)), None);

    let long = long_title();
    let spec = Spec {
        key: "long-title-pdf",
        owner: "admin",
        title: &long,
        tags: &["assessment", "capital plan"],
        created: ts(2024, 2, 29, 12, 0),
        modified: ts(2024, 3, 1, 8, 0),
        snippet: "The full system assessment (very long title).",
        description: "<p>Title is exactly 250 characters.</p>",
        access: Access::Org,
        groups: &[],
        thumb: Some((Glyph::Document, AMBER)),
        ..spec
    };
    d.add(&spec, file("system_assessment.pdf", files::pdf("System assessment", &["Executive summary".into()], spec.created)), None);
}

fn layer_rows(d: &Demo, service: &str, layer: u32, cols: &[&str]) -> Vec<Vec<String>> {
    let Some(l) = d.st.services.get(service).and_then(|s| s.layer(layer)) else { return Vec::new() };
    l.features
        .values()
        .map(|f| cols.iter().map(|c| match f.attributes.get(*c) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }).collect())
        .collect()
}

fn tables(d: &mut Demo) {
    let cols = ["ASSETID", "DIAMETER_IN", "MATERIAL", "INSTALL_YEAR", "LENGTH_FT"];
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

    let he = files::csv(&["אתר", "כלור (מ\"ג/ל)", "תאריך"], &[vec!["באר 4".into(), "0.62".into(), "2024-03-01".into()], vec!["מאגר 2".into(), "0.71".into(), "2024-03-02".into()]]);
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

    let cols = ["VALVEID", "VALVE_TYPE", "SIZE_IN", "TURNS_TO_CLOSE", "CRITICAL"];
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

    let readings: Vec<Vec<String>> = (0..120).map(|i| vec![format!("M-{:05}", 40_000 + i * 13), format!("2019-{:02}-28", 1 + i % 12), format!("{}", 1200 + (i * 37) % 900)]).collect();
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
        ..spec
    };
    d.add(&spec, file("meter_readings_2019.csv", files::csv(&["METER", "READ_DATE", "GALLONS_K"], &readings)), None);
}

fn spreadsheets(d: &mut Demo) {
    let mut rows = vec![vec![text("Project"), text("Zone"), text("Year"), text("Cost (USD)")]];
    for (i, p) in ["Canal St main replacement", "Reservoir 2 roof", "Well 7 rehabilitation", "Orchard Dr PRV station", "AMI meters phase 2", "Sunset Blvd looping"].iter().enumerate() {
        rows.push(vec![text(*p), text(format!("Zone {}", 1 + i * 3)), Cell::Number(2025.0 + i as f64), Cell::Number(250_000.0 + i as f64 * 137_500.0)]);
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
    d.add(&spec, file("Capital_Improvement_Plan_2025-2030.xlsx", files::xlsx(&[("Projects", rows)])), None);

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
    d.add(&spec, file("trailing_dots.xlsx", files::xlsx(&[("Sheet1", vec![vec![text("a"), Cell::Number(1.0)]])])), None);

    let mut tests = vec![vec![text("Hydrant"), text("Static psi"), text("Residual psi"), text("Flow gpm")]];
    for i in 0..40 {
        let s = 60.0 + f64::from(i % 13) * 3.5;
        tests.push(vec![text(format!("HYD-{:05}", 1001 + i * 7)), Cell::Number(s), Cell::Number(s - 12.0), Cell::Number(900.0 + f64::from(i) * 31.0)]);
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
    d.add(&spec, file("hydrant_flow_tests_2024.xlsx", files::xlsx(&[("Tests", tests)])), None);

    let sop = files::docx("Hydrant Maintenance SOP", &["1. Notify the fire department before any hydrant is taken out of service.", "2. Exercise the operating nut fully; record turns.", "3. Flush until water runs clear; record flow."]);
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
    let spec = Spec { owner: "admin", access: Access::Org, groups: &[Grp::Ops], credits: CREDITS, ..spec };
    d.add(&spec, file("Hydrant_Maintenance_SOP.docx", sop), None);
}
