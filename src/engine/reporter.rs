//! The only way a job talks to the outside: it sends [`Event`]s on a channel, coalesces progress
//! to about ten updates a second, and calls an injected repaint callback (the GUI passes
//! `ctx.request_repaint`, the CLI and tests a no-op), so the engine never depends on egui.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Event, EventKind, JobId, Level, Outcome, Progress};

/// Called after each event so a window can redraw.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Sends one job's events.
#[derive(Clone)]
pub struct Reporter {
    job: JobId,
    tx: Sender<Event>,
    repaint: Repaint,
    last_progress: Arc<Mutex<Option<Instant>>>,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporter")
            .field("job", &self.job)
            .finish_non_exhaustive()
    }
}

impl Reporter {
    /// A reporter for `job` sending on `tx`.
    pub fn new(job: JobId, tx: Sender<Event>, repaint: Repaint) -> Self {
        Reporter {
            job,
            tx,
            repaint,
            last_progress: Arc::new(Mutex::new(None)),
        }
    }

    /// A reporter whose events go nowhere but `tx`, without repaint (CLI, tests).
    pub fn headless(job: JobId, tx: Sender<Event>) -> Self {
        Self::new(job, tx, Arc::new(|| {}))
    }

    /// The job this reporter belongs to.
    pub fn job(&self) -> JobId {
        self.job
    }

    fn send(&self, kind: EventKind) {
        // A closed receiver means nobody listens any more (window closed): not an error.
        let _ = self.tx.send(Event {
            job: self.job,
            kind,
        });
        (self.repaint)();
    }

    /// Announces the start of the job.
    pub fn started(&self, what: impl Into<String>) {
        self.send(EventKind::Started { what: what.into() });
    }

    /// A log line at `level`.
    pub fn log(&self, level: Level, message: impl Into<String>) {
        self.send(EventKind::Log {
            level,
            message: message.into(),
        });
    }

    /// An info line.
    pub fn info(&self, message: impl Into<String>) {
        self.log(Level::Info, message);
    }

    /// A warning line.
    pub fn warn(&self, message: impl Into<String>) {
        self.log(Level::Warn, message);
    }

    /// Progress; dropped if the last one was sent less than 100 ms ago, except the final one.
    pub fn progress(&self, progress: Progress) {
        let is_final = progress.total.is_some_and(|t| progress.done >= t);
        {
            let mut last = self
                .last_progress
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !is_final && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        self.send(EventKind::Progress(progress));
    }

    /// A result row.
    pub fn row(&self, id: &str, title: &str, item_type: &str, status: &str) {
        self.send(EventKind::Row {
            id: id.to_string(),
            title: title.to_string(),
            item_type: item_type.to_string(),
            status: status.to_string(),
        });
    }

    /// The last event of the job.
    pub fn finished(&self, result: Result<Outcome, String>) {
        self.send(EventKind::Finished(result));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_coalesced_but_the_final_update_always_arrives() {
        let (tx, rx) = std::sync::mpsc::channel();
        let r = Reporter::headless(JobId(1), tx);
        for done in 0..1000 {
            r.progress(Progress {
                done,
                total: Some(1000),
                message: String::new(),
            });
        }
        r.progress(Progress {
            done: 1000,
            total: Some(1000),
            message: String::new(),
        });
        let events: Vec<Event> = rx.try_iter().collect();
        assert!(events.len() < 20, "{} progress events", events.len());
        assert_eq!(
            events.last().map(|e| e.kind.clone()),
            Some(EventKind::Progress(Progress {
                done: 1000,
                total: Some(1000),
                message: String::new()
            }))
        );
    }
}
