//! The engine thread: a named thread running a multi-thread tokio runtime that receives
//! [`Command`]s, starts each job with its own cancellation token, and sends [`Event`]s back.
//! The GUI drains the event receiver once per frame; `Cancel` really stops a job (the job checks
//! its token between requests and the runner aborts it if it does not stop within a grace time:
//! 2 seconds, or 20 for a backup, which deletes its temporary export items first).

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::reporter::Repaint;
use super::{Command, Event, JobId, Outcome, Reporter, backup, deps, restore, scan, verify};

/// The UI's side of the engine.
pub struct EngineHandle {
    commands: tokio::sync::mpsc::UnboundedSender<(JobId, Command)>,
    /// Events of every job, in order.
    pub events: Receiver<Event>,
    next: u64,
}

impl EngineHandle {
    /// Sends a command; returns the id of the job it starts (or the job it cancels).
    pub fn send(&mut self, command: Command) -> JobId {
        let job = match &command {
            Command::Cancel(id) => *id,
            _ => {
                self.next += 1;
                JobId(self.next)
            }
        };
        let _ = self.commands.send((job, command));
        job
    }

    /// A handle on channels the caller drives itself (UI tests play the engine with them):
    /// commands arrive on the receiver of `commands`, events are read from `events`.
    pub fn from_channels(
        commands: tokio::sync::mpsc::UnboundedSender<(JobId, Command)>,
        events: Receiver<Event>,
    ) -> Self {
        EngineHandle {
            commands,
            events,
            next: 0,
        }
    }
}

/// Starts engines.
pub struct Engine;

impl Engine {
    /// Starts the engine thread; `repaint` is called after every event.
    pub fn start(repaint: Repaint) -> std::io::Result<EngineHandle> {
        let (cmd_tx, mut cmd_rx) = tokio::sync::mpsc::unbounded_channel::<(JobId, Command)>();
        let (ev_tx, ev_rx) = channel();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("engine-worker")
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("engine".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let jobs: Arc<Mutex<HashMap<JobId, CancellationToken>>> = Arc::default();
                    while let Some((job, command)) = cmd_rx.recv().await {
                        dispatch(job, command, &jobs, &ev_tx, &repaint);
                    }
                });
            })?;
        Ok(EngineHandle {
            commands: cmd_tx,
            events: ev_rx,
            next: 0,
        })
    }
}

fn dispatch(
    job: JobId,
    command: Command,
    jobs: &Arc<Mutex<HashMap<JobId, CancellationToken>>>,
    events: &Sender<Event>,
    repaint: &Repaint,
) {
    let cancel = CancellationToken::new();
    let reporter = Reporter::new(job, events.clone(), repaint.clone());
    let (work, grace): (JobFuture, u64) = match command {
        Command::Cancel(id) => {
            let map = jobs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(token) = map.get(&id) {
                token.cancel();
            }
            return;
        }
        Command::Scan(request) => (
            Box::pin(scan::run(*request, reporter.clone(), cancel.clone())),
            2,
        ),
        // A backup deletes its temporary export items after a cancel: give it time to.
        Command::Backup(request) => (
            Box::pin(backup::run(*request, reporter.clone(), cancel.clone())),
            20,
        ),
        Command::Verify(paths) => (
            Box::pin(verify::run(paths, reporter.clone(), cancel.clone())),
            2,
        ),
        // A restore cleans up a half-created item after a cancel: give it time to.
        Command::Restore(request) => (
            Box::pin(restore::run(*request, reporter.clone(), cancel.clone())),
            20,
        ),
        Command::Inspect(paths) => (Box::pin(inspect(paths)), 2),
        Command::Dependencies(request) => (
            Box::pin(deps::run(*request, reporter.clone(), cancel.clone())),
            2,
        ),
    };
    jobs.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(job, cancel.clone());
    let jobs = jobs.clone();
    tokio::spawn(async move {
        let result = tokio::select! {
            r = work => r,
            () = async {
                cancel.cancelled().await;
                tokio::time::sleep(std::time::Duration::from_secs(grace)).await;
            } => Err("cancelled".to_string()),
        };
        reporter.finished(result);
        jobs.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&job);
    });
}

/// Lists backup files on a blocking thread (reading a large package takes a while).
async fn inspect(paths: Vec<std::path::PathBuf>) -> Result<Outcome, String> {
    tokio::task::spawn_blocking(move || restore::source::list_inputs(&paths))
        .await
        .map_err(|e| format!("inspect stopped: {e}"))?
        .map(Outcome::Inspect)
}

/// A job's work, boxed so every kind of job runs the same way.
type JobFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<super::Outcome, String>> + Send>>;
