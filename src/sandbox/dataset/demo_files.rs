//! The demo's PDF items with real bytes, including the awkward titles (Windows-reserved names and characters, a 250-character title, a
//! duplicate "Fire Hydrants", non-ASCII and right-to-left titles) and the loose "authoritative"
//! mentions without a content status. Tables and office files are in `demo_tables`, images,
//! shapefiles and other data in `demo_data`.

use serde_json::Value;

use super::demo::{AMBER, Access, BLUE, CREDITS, Demo, Grp, RED, SLATE, Spec};
use super::files;
use super::thumbs::Glyph;
use super::ts;
use crate::sandbox::model::{Content, ItemData};

/// A file item's data.
pub fn file(name: &str, bytes: Vec<u8>) -> ItemData {
    ItemData::File {
        name: name.into(),
        content: Content::bytes(bytes),
    }
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
    restricted_pdfs(d);
    awkward_pdfs(d);
    super::demo_tables::add(d);
    super::demo_data::add(d);
}

const PDF_KW: [&str; 3] = ["Data", "Document", "PDF"];

fn hydrant_report_lines(d: &Demo) -> Vec<String> {
    let mut lines = vec![
        "Summary of the 2023 inspection round.".to_string(),
        String::new(),
    ];
    if let Some(layer) = d.st.services.get("Fire_Hydrants").and_then(|s| s.layer(0)) {
        let mut by_status: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in layer.features.values() {
            *by_status
                .entry(
                    f.attributes
                        .get("STATUS")
                        .and_then(Value::as_str)
                        .unwrap_or("?"),
                )
                .or_default() += 1;
        }
        lines.push(format!("Hydrants in the system: {}", layer.features.len()));
        for (s, n) in by_status {
            lines.push(format!("  {s}: {n}"));
        }
        lines.push(format!(
            "Inspection photos on file: {}",
            layer.attachments.values().map(Vec::len).sum::<usize>()
        ));
    }
    lines.extend([
        "".into(),
        "Flow tests follow NFPA 291. Hydrants below 1000 gpm are scheduled for flushing.".into(),
    ]);
    lines
}

fn pdfs(d: &mut Demo) {
    let report = files::pdf(
        "Fire Hydrants - Annual Report 2023",
        &hydrant_report_lines(d),
        ts(2024, 1, 15, 9, 0),
    );
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
    d.add(
        &spec,
        file("Fire_Hydrants_Annual_Report_2023.pdf", report),
        None,
    );

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
    d.add(
        &spec,
        file(
            "authoritative_data_policy.pdf",
            files::pdf("Authoritative data policy", &policy, spec.created),
        ),
        None,
    );

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
    d.add(
        &spec,
        file(
            "CCR_2023.pdf",
            files::pdf("Annual Water Quality Report 2023", &ccr, spec.created),
        ),
        None,
    );
}

fn restricted_pdfs(d: &mut Demo) {
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
        owner: "admin",
        kind: "PDF",
        keywords: &PDF_KW,
        credits: CREDITS,
        metadata: true,
        ..Spec::default()
    };
    d.add(
        &spec,
        file(
            "Emergency_Response_Plan.pdf",
            files::pdf("Emergency Response Plan", &plan, spec.created),
        ),
        None,
    );

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
    d.add(
        &spec,
        file(
            "minutes_2022-05.pdf",
            files::pdf("Board meeting minutes 2022-05", &minutes, spec.created),
        ),
        None,
    );
}

fn awkward_pdfs(d: &mut Demo) {
    let title = "Zürich Wasserqualität — 水質報告";
    let lines =
        vec!["Vergleich der Wasserqualität Riverton / Zürich (Partnerschaft 2023).".to_string()];
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
    d.add(
        &spec,
        file(
            "Zürich_Wasserqualität_水質報告.pdf",
            files::pdf(title, &lines, spec.created),
        ),
        None,
    );

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
    d.add(
        &spec,
        file(
            "CON.pdf",
            files::pdf(
                "CON - construction contracts",
                &["Contract 22-014: Canal St main".into()],
                spec.created,
            ),
        ),
        None,
    );

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
    d.add(
        &spec,
        file(
            "system_assessment.pdf",
            files::pdf(
                "System assessment",
                &["Executive summary".into()],
                spec.created,
            ),
        ),
        None,
    );
}
