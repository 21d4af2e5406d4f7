//! The report of one backup run: what was tried, per item, and how it went. Written as pretty
//! JSON (for tools) and as a CSV twin with the same stem (UTF-8 with BOM and CRLF, for Excel),
//! both atomically ([`write_json_with_csv_twin`], which the restore report uses too). This
//! module only writes the files; the engine decides their content.

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::write_atomic;
use super::{FormatError, UTF8_BOM};

/// The CSV columns, in order.
pub const RUN_REPORT_CSV_COLUMNS: [&str; 8] = [
    "id", "title", "type", "status", "reason", "archive", "bytes", "seconds",
];

/// How one item of a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RunItemStatus {
    /// Backed up completely.
    Ok,
    /// Backed up, but something is missing (the reason says what).
    Partial,
    /// Not backed up.
    Failed,
    /// Not attempted (unchanged since the last backup, unsupported type, cancelled, ...).
    Skipped,
}

impl RunItemStatus {
    /// Every status, in the order reports count them.
    pub const ALL: [Self; 4] = [Self::Ok, Self::Partial, Self::Failed, Self::Skipped];

    /// The text used in the JSON and the CSV: `OK`, `PARTIAL`, `FAILED` or `SKIPPED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Partial => "PARTIAL",
            Self::Failed => "FAILED",
            Self::Skipped => "SKIPPED",
        }
    }
}

/// How many of `statuses` ended each way: "3 OK, 1 PARTIAL, 0 FAILED, 2 SKIPPED".
pub fn tally(statuses: impl IntoIterator<Item = RunItemStatus>) -> String {
    let mut n = [0usize; 4];
    for s in statuses {
        if let Some(i) = RunItemStatus::ALL.iter().position(|a| *a == s) {
            n[i] += 1;
        }
    }
    RunItemStatus::ALL
        .iter()
        .zip(n)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One item of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReportItem {
    /// The item id.
    pub id: String,
    /// The item title.
    pub title: String,
    /// The item type.
    pub item_type: String,
    /// How it ended.
    pub status: RunItemStatus,
    /// Why it is partial, failed or skipped (empty when OK).
    pub reason: String,
    /// The archive's file name in the destination, when one was written.
    pub archive: Option<String>,
    /// Bytes written for the item.
    pub bytes: u64,
    /// Seconds spent on the item.
    pub seconds: f64,
}

/// A whole backup run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The tool that ran, e.g. `agol-backup 0.1.0 (abc1234567)`.
    pub tool: String,
    /// The portal backed up (its base URL).
    pub source_portal: String,
    /// When the run started, `YYYY-MM-DD HH:MM:SS` UTC.
    pub started_utc: String,
    /// When it ended, `YYYY-MM-DD HH:MM:SS` UTC.
    pub finished_utc: String,
    /// The destination folder.
    pub destination: String,
    /// The backup mode, e.g. `zip`, `contentexport`, `incremental`.
    pub mode: String,
    /// True when the user cancelled the run.
    pub cancelled: bool,
    /// Every item, in the order handled.
    pub items: Vec<RunReportItem>,
}

impl RunReport {
    /// How many items ended (ok, partial, failed, skipped).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |s: RunItemStatus| self.items.iter().filter(|i| i.status == s).count();
        (
            count(RunItemStatus::Ok),
            count(RunItemStatus::Partial),
            count(RunItemStatus::Failed),
            count(RunItemStatus::Skipped),
        )
    }
}

/// Writes `report` as pretty JSON at `json_path` and as CSV next to it (same stem, `.csv`,
/// columns [`RUN_REPORT_CSV_COLUMNS`]), each atomically. Returns (JSON path, CSV path).
///
/// # Errors
/// As [`write_json_with_csv_twin`].
pub fn write_run_report(
    report: &RunReport,
    json_path: &Path,
) -> Result<(PathBuf, PathBuf), FormatError> {
    let rows = report.items.iter().map(|item| {
        vec![
            item.id.clone(),
            item.title.clone(),
            item.item_type.clone(),
            item.status.as_str().to_string(),
            item.reason.clone(),
            item.archive.clone().unwrap_or_default(),
            item.bytes.to_string(),
            format!("{:.1}", item.seconds),
        ]
    });
    write_json_with_csv_twin(report, json_path, &RUN_REPORT_CSV_COLUMNS, rows)
}

/// Writes `json` as pretty JSON at `json_path` and a CSV twin next to it (same stem, `.csv`:
/// UTF-8 BOM for Excel, `header`, one CRLF-terminated row per entry of `rows`), each
/// atomically. Returns (JSON path, CSV path).
///
/// # Errors
/// [`FormatError::Write`] naming the file that failed (also when `json_path` itself ends in
/// `.csv`, which would make both files one); a file that failed keeps its previous content.
pub fn write_json_with_csv_twin(
    json: &impl Serialize,
    json_path: &Path,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(PathBuf, PathBuf), FormatError> {
    let csv_path = json_path.with_extension("csv");
    let is_csv = json_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return Err(FormatError::Write {
            path: json_path.to_path_buf(),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "the report's JSON name must not end in .csv (the CSV twin takes that name)",
            ),
        });
    }
    write_atomic(json_path, |out| {
        serde_json::to_writer_pretty(&mut *out, json)?;
        out.write_all(b"\n")
    })?;
    let rows: Vec<Vec<String>> = rows.collect();
    write_atomic(&csv_path, |out| {
        out.write_all(UTF8_BOM)?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(header)?;
        for row in &rows {
            writer.write_record(row)?;
        }
        writer.flush()
    })?;
    Ok((json_path.to_path_buf(), csv_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, status: RunItemStatus) -> RunReportItem {
        RunReportItem {
            id: id.into(),
            title: format!("Title {id}"),
            item_type: "Feature Service".into(),
            status,
            reason: String::new(),
            archive: None,
            bytes: 0,
            seconds: 0.0,
        }
    }

    fn report() -> RunReport {
        let mut awkward = item("a1", RunItemStatus::Partial);
        awkward.title = "Pipes, \"main\"\nZürich 水質".into();
        awkward.reason = "layer 2: 9 of 10 features".into();
        awkward.archive = Some("Pipes_a1_20250129T120000Z.zip".into());
        awkward.bytes = 123_456;
        awkward.seconds = 2.345;
        RunReport {
            tool: "agol-backup 0.1.0 (test)".into(),
            source_portal: "https://example.maps.arcgis.com".into(),
            started_utc: "2025-01-29 12:00:00".into(),
            finished_utc: "2025-01-29 12:05:00".into(),
            destination: "/backups".into(),
            mode: "zip".into(),
            cancelled: false,
            items: vec![
                item("o1", RunItemStatus::Ok),
                awkward,
                item("f1", RunItemStatus::Failed),
                item("s1", RunItemStatus::Skipped),
                item("o2", RunItemStatus::Ok),
            ],
        }
    }

    #[test]
    fn counts_each_status() {
        assert_eq!(report().counts(), (2, 1, 1, 1));
        assert_eq!(
            tally(report().items.iter().map(|i| i.status)),
            "2 OK, 1 PARTIAL, 1 FAILED, 1 SKIPPED"
        );
    }

    #[test]
    fn writes_json_and_a_csv_twin() {
        let dir = tempfile::tempdir().unwrap();
        let report = report();
        let (json, csv) = write_run_report(&report, &dir.path().join("run.json")).unwrap();
        assert_eq!(csv, dir.path().join("run.csv"));
        let text = std::fs::read_to_string(&json).unwrap();
        assert!(text.contains("\"status\": \"PARTIAL\""), "{text}");
        let back: RunReport = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);

        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("id,title,type,status,reason,archive,bytes,seconds")
        );
        assert_eq!(lines.next(), Some("o1,Title o1,Feature Service,OK,,,0,0.0"));
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5);
        assert_eq!(&rows[1][1], "Pipes, \"main\"\nZürich 水質");
        assert_eq!(&rows[1][3], "PARTIAL");
        assert_eq!(&rows[1][5], "Pipes_a1_20250129T120000Z.zip");
        assert_eq!(&rows[1][6], "123456");
        assert_eq!(&rows[1][7], "2.3");
    }

    #[test]
    fn a_csv_json_name_and_a_missing_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["run.csv", "run.CSV"] {
            let err = write_run_report(&report(), &dir.path().join(name)).unwrap_err();
            assert!(err.to_string().contains("must not end in .csv"), "{err}");
        }
        let err = write_run_report(&report(), &dir.path().join("no/run.json")).unwrap_err();
        assert!(err.to_string().contains("folder does not exist"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
