//! Running one engine job from the terminal: its events printed to stderr (a progress bar on a
//! terminal, a line per 10% otherwise; log lines with their level), Ctrl-C turned into a
//! cancel, and the job's outcome handed back for the summary and the exit code. A job whose
//! rows the user follows (a restore) passes a [`RowPrinter`] that turns each row into a line
//! on stdout.

use std::future::Future;
use std::io::IsTerminal;
use std::sync::mpsc::Receiver;

use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::engine::{Event, EventKind, JobId, Level, Outcome, Reporter};

/// Turns a row event (id, title, type, status word) into a line for stdout (`None`: nothing).
pub type RowPrinter = Box<dyn FnMut(&str, &str, &str, &str) -> Option<String> + Send>;

/// Runs the job `start` builds, printing its events; Ctrl-C cancels it.
pub async fn run_job<F, Fut>(start: F) -> Result<Outcome, String>
where
    F: FnOnce(Reporter, CancellationToken) -> Fut,
    Fut: Future<Output = Result<Outcome, String>>,
{
    run_job_with_rows(start, None).await
}

/// As [`run_job`], also printing the job's rows with `rows`.
pub async fn run_job_with_rows<F, Fut>(
    start: F,
    rows: Option<RowPrinter>,
) -> Result<Outcome, String>
where
    F: FnOnce(Reporter, CancellationToken) -> Fut,
    Fut: Future<Output = Result<Outcome, String>>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let printer = std::thread::spawn(move || print_events(&rx, rows));
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping: finishing the current step and cleaning up ...");
            on_ctrl_c.cancel();
        }
    });
    let result = start(Reporter::headless(JobId(1), tx), cancel).await;
    watcher.abort();
    let _ = printer.join();
    result
}

/// Prints the events of the job until its channel closes.
fn print_events(rx: &Receiver<Event>, mut rows: Option<RowPrinter>) {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut last_tenth = None;
    for event in rx {
        match event.kind {
            EventKind::Log { level, message } => {
                let prefix = match level {
                    Level::Warn => "warning: ",
                    Level::Error => "error: ",
                    _ => "",
                };
                match &bar {
                    Some(b) => b.println(format!("{prefix}{message}")),
                    None => eprintln!("{prefix}{message}"),
                }
            }
            EventKind::Progress(p) => {
                let total = p.total.unwrap_or(0);
                if let Some(b) = &bar {
                    b.set_length(total);
                    b.set_position(p.done);
                    b.set_message(p.message);
                } else if let Some(tenth) = (p.done * 10).checked_div(total)
                    && last_tenth != Some(tenth)
                {
                    last_tenth = Some(tenth);
                    eprintln!("{}% ({} of {total}) {}", tenth * 10, p.done, p.message);
                }
            }
            EventKind::Row {
                id,
                title,
                item_type,
                status,
            } => {
                if let Some(line) = rows
                    .as_mut()
                    .and_then(|f| f(&id, &title, &item_type, &status))
                {
                    match &bar {
                        Some(b) => b.suspend(|| println!("{line}")),
                        None => println!("{line}"),
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}
