//! The use cases (scan, backup, verify, restore, inspect, dependencies), run as async jobs
//! on a background tokio runtime. Jobs talk to the outside only through a [`Reporter`], so the
//! engine depends on neither egui nor the terminal: the window and the CLI are two consumers of
//! the same [`Event`] stream. Depends on `portal` and `formats`, never on `ui` or `cli`.

pub mod backup;
pub mod deps;
pub mod reporter;
pub mod restore;
pub mod runner;
pub mod scan;
pub mod verify;

pub use reporter::Reporter;
pub use runner::{Engine, EngineHandle};

use crate::portal::{ClientOptions, Credentials};

/// Identifies one job (one scan, one backup run ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

/// Where and as whom to connect: validated by the GUI form or the CLI before it reaches the engine.
#[derive(Debug, Clone)]
pub struct PortalConnection {
    /// URL, TLS and retry settings.
    pub options: ClientOptions,
    /// How to sign in.
    pub credentials: Credentials,
}

/// What the UI or CLI asks the engine to do.
#[derive(Debug)]
pub enum Command {
    /// Scan a portal into the inventory CSV.
    Scan(Box<scan::ScanRequest>),
    /// Back up items into archives.
    Backup(Box<backup::BackupRequest>),
    /// Re-read archives and check every checksum and count.
    Verify(Vec<std::path::PathBuf>),
    /// Plan (and unless a dry run, carry out) a restore.
    Restore(Box<restore::RestoreRequest>),
    /// List what backup files hold, without a portal and without extracting.
    Inspect(Vec<std::path::PathBuf>),
    /// What the selected items need and what needs them (the Backup tab's dependency view).
    Dependencies(Box<deps::DependencyRequest>),
    /// Stop a running job as soon as possible (its `Finished` event still follows).
    Cancel(JobId),
}

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Details most users can ignore.
    Debug,
    /// Normal progress information.
    Info,
    /// Something the user should look at, the job goes on.
    Warn,
    /// Something failed.
    Error,
}

/// A progress report; `total` is `None` while unknown (the bar is then indeterminate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Units done (items, pages ...).
    pub done: u64,
    /// Units in all, once known.
    pub total: Option<u64>,
    /// What is happening now, e.g. "search page 3".
    pub message: String,
}

/// What a finished job produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A scan's counts.
    Scan(scan::ScanSummary),
    /// A backup's per-item results.
    Backup(backup::BackupSummary),
    /// What verification found, one report per archive.
    Verify(Vec<verify::ArchiveCheck>),
    /// A restore's plan and per-item results.
    Restore(Box<restore::RestoreSummary>),
    /// What each inspected file holds.
    Inspect(Vec<restore::source::InputListing>),
    /// Per selected item: what it needs and what needs it.
    Dependencies(Box<deps::DependencyReport>),
}

/// What happened in a job.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// The job started; `what` describes it.
    Started {
        /// e.g. "scan of https://org.maps.arcgis.com (authoritative)".
        what: String,
    },
    /// A user-visible log line (never contains a token or password).
    Log {
        /// Severity.
        level: Level,
        /// The text.
        message: String,
    },
    /// Progress, coalesced to about ten per second.
    Progress(Progress),
    /// A row of the result is ready (a scanned item, a backed-up item).
    Row {
        /// Item id.
        id: String,
        /// Item title.
        title: String,
        /// Item type.
        item_type: String,
        /// Status word shown in the table (e.g. "new", "changed", "OK", "PARTIAL").
        status: String,
    },
    /// Always the last event of a job: its outcome, or why it failed or stopped.
    Finished(Result<Outcome, String>),
}

/// An event of one job.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Which job.
    pub job: JobId,
    /// What happened.
    pub kind: EventKind,
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
