//! What `agol-backup-cli restore` prints on stdout: the plan as a table (order, action, type,
//! title, old id, folder, rewrites, warnings), the live lines of a running restore (its plan
//! rows as they are decided, then each item's status), and the totals with the report and a
//! link per restored item. Formatting only: no engine calls, no files.

use crate::engine::backup::RunItemStatus;
use crate::engine::restore::{PlannedItem, RestorePlan, RestoreSummary};

use super::events::RowPrinter;

/// Column widths of the plan table: order, action, type, title, old id, folder.
const WIDTHS: [usize; 6] = [5, 7, 22, 34, 32, 18];

/// `text` cut to `width` characters (with `…`) and padded to it.
fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        let cut = format!("{}…", cut.trim_end());
        format!("{cut:<width$}")
    }
}

/// One line of fixed-width cells separated by two spaces, the last cell free.
fn line(cells: &[&str], last: &str) -> String {
    let mut out: Vec<String> = cells.iter().zip(WIDTHS).map(|(c, w)| fit(c, w)).collect();
    out.push(last.to_string());
    out.join("  ").trim_end().to_string()
}

/// The header of the plan table.
pub fn plan_header() -> String {
    line(
        &["order", "action", "type", "title", "old id", "folder"],
        "rewrites / warnings",
    )
}

/// One planned item as a table row; `order` counts from 1.
pub fn plan_row(order: usize, item: &PlannedItem) -> String {
    let folder = item.folder.as_deref().unwrap_or("(root)");
    let mut notes = Vec::new();
    if !item.rewrites.is_empty() {
        notes.push(format!("rewrites {}", item.rewrites.join(", ")));
    }
    if let crate::engine::restore::PlannedAction::Skip { reason } = &item.action {
        notes.push(reason.clone());
    }
    notes.extend(item.warnings.iter().map(|w| format!("warning: {w}")));
    line(
        &[
            &order.to_string(),
            item.action.word(),
            &item.item_type,
            &item.title,
            &item.old_id,
            folder,
        ],
        &notes.join("; "),
    )
}

/// Prints the whole plan: its table, its warnings, and the counts by action.
pub fn print_plan(plan: &RestorePlan) {
    println!(
        "plan for {} ({} item(s)):",
        plan.target_portal,
        plan.items.len()
    );
    println!("{}", plan_header());
    for (i, item) in plan.items.iter().enumerate() {
        println!("{}", plan_row(i + 1, item));
    }
    for w in &plan.warnings {
        println!("warning: {w}");
    }
    println!("{}", action_counts(plan));
}

/// "plan: 3 create, 1 update, 0 copy, 2 skip".
pub fn action_counts(plan: &RestorePlan) -> String {
    let counts: Vec<String> = ["create", "update", "copy", "skip"]
        .into_iter()
        .map(|word| {
            let n = plan
                .items
                .iter()
                .filter(|i| i.action.word() == word)
                .count();
            format!("{n} {word}")
        })
        .collect();
    format!("plan: {}", counts.join(", "))
}

/// The live printer of a running restore: rows whose status is an action word are plan rows
/// (numbered in arrival order, which is the plan order), the others are item results.
pub fn row_printer() -> RowPrinter {
    let mut planned = 0usize;
    let mut results = 0usize;
    Box::new(move |id, title, item_type, status| {
        let is_action = matches!(status, "create" | "update" | "copy" | "skip");
        let mut out = String::new();
        if is_action {
            if planned == 0 {
                out.push_str(&line(&["order", "action", "type", "title", "old id"], ""));
                out.push('\n');
            }
            planned += 1;
            out.push_str(&line(
                &[&planned.to_string(), status, item_type, title, id],
                "",
            ));
        } else {
            if results == 0 {
                out.push_str("restoring:\n");
            }
            results += 1;
            out.push_str(&format!("{status:<8} {item_type} \"{title}\" ({id})"));
        }
        Some(out)
    })
}

/// Prints the end of a restore: every item not OK with its reason, the totals,
/// the report and a link per restored item.
pub fn print_results(summary: &RestoreSummary) {
    // OK items' notes ("a copy beside ...") are in the report; the terminal lists what to look at.
    for item in &summary.items {
        if item.status != RunItemStatus::Ok && !item.reason.is_empty() {
            println!(
                "{} {} \"{}\" ({}): {}",
                item.status.as_str(),
                item.item_type,
                item.title,
                item.old_id,
                item.reason
            );
        }
    }
    for w in &summary.plan.warnings {
        println!("warning: {w}");
    }
    println!("{}", totals(summary));
    if let Some(report) = &summary.report {
        println!("report: {}", report.display());
    }
    for item in &summary.items {
        if let Some(page) = &item.item_page {
            let new_id = item.new_id.as_deref().unwrap_or("?");
            println!("  {} {} -> {new_id}  {page}", item.action, item.old_id);
        }
    }
}

/// "restore: 5 OK, 1 partial, 0 failed, 2 skipped (cancelled)".
pub fn totals(summary: &RestoreSummary) -> String {
    format!(
        "restore: {} OK, {} partial, {} failed, {} skipped{}",
        summary.count(RunItemStatus::Ok),
        summary.count(RunItemStatus::Partial),
        summary.count(RunItemStatus::Failed),
        summary.count(RunItemStatus::Skipped),
        if summary.cancelled {
            " (cancelled)"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::engine::restore::PlannedAction;

    fn item(action: PlannedAction) -> PlannedItem {
        PlannedItem {
            old_id: "0123456789abcdef0123456789abcdef".into(),
            title: "A rather long web map title that will not fit".into(),
            item_type: "Web Map".into(),
            source: PathBuf::from("a.zip"),
            action,
            folder: None,
            owner: "admin".into(),
            level: 1,
            rewrites: vec!["layer1".into()],
            warnings: vec!["group Planning missing".into()],
        }
    }

    #[test]
    fn plan_rows_are_aligned_and_say_everything() {
        let row = plan_row(12, &item(PlannedAction::Create));
        assert!(row.starts_with("12     create   Web Map"), "{row}");
        assert!(row.contains("A rather long web map title that…  "), "{row}");
        assert!(row.contains("(root)"), "{row}");
        assert!(row.ends_with("rewrites layer1; warning: group Planning missing"));
        let column = |line: &str, text: &str| {
            line.find(text)
                .map(|at| line[..at].chars().count())
                .unwrap_or_default()
        };
        assert_eq!(
            column(&plan_header(), "old id"),
            column(&row, "0123456789abcdef")
        );
        let skip = plan_row(
            1,
            &item(PlannedAction::Skip {
                reason: "exists (policy skip)".into(),
            }),
        );
        assert!(skip.contains("skip") && skip.contains("exists (policy skip)"));
        let plan = RestorePlan {
            target_portal: "https://x".into(),
            items: vec![item(PlannedAction::Create), item(PlannedAction::Create)],
            warnings: Vec::new(),
        };
        assert_eq!(
            action_counts(&plan),
            "plan: 2 create, 0 update, 0 copy, 0 skip"
        );
    }

    #[test]
    fn the_live_printer_numbers_plan_rows_then_prints_statuses() {
        let mut p = row_printer();
        let first = p("id1", "Roads", "Feature Service", "create").unwrap_or_default();
        assert!(first.starts_with("order"), "{first}");
        assert!(first.lines().nth(1).is_some_and(|l| l.starts_with("1 ")));
        let second = p("id2", "Map", "Web Map", "skip").unwrap_or_default();
        assert!(second.starts_with("2 "), "{second}");
        let done = p("id1", "Roads", "Feature Service", "OK").unwrap_or_default();
        assert_eq!(done, "restoring:\nOK       Feature Service \"Roads\" (id1)");
    }
}
