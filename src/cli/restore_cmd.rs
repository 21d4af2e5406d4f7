//! `agol-backup-cli restore`: the original utility's restore flags (`--backup`, `--connection`,
//! `--overwrite`, `--keep-metadata`) plus ours (several inputs or folders, `--items`/`--csv`,
//! `--on-conflict`, `--folder`, `--no-sharing`, `--dry-run`, `--workers`, `--report`), turned
//! into a [`RestoreRequest`]. Prints the plan, the live per-item status, then the totals, the
//! report and a link per restored item (`restore_print`). Exit codes: 0 every item OK or
//! skipped by the plan (and every dry run that made a plan), 1 some PARTIAL or FAILED or
//! cancelled, 2 the restore could not run (bad arguments, missing file, sign-in ...).

use std::path::PathBuf;

use clap::{ArgAction, Args};

use super::connect::ConnectArgs;
use super::restore_print::{print_plan, print_results, row_printer};
use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, events};
use crate::engine::Outcome;
use crate::engine::backup::read_selection;
use crate::engine::restore::{self, ConflictPolicy, RestoreOptions, RestoreRequest};

/// Options of a restore.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Portal and sign-in (`--connection NAME` is the original utility's name for `--profile`).
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Backup files (.zip, .contentexport) or folders holding them.
    #[arg(long = "backup", value_name = "PATH", num_args = 1..)]
    pub backup: Vec<PathBuf>,
    /// More backup files or folders (same as --backup).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Restore only these backed-up item ids (comma separated) [default: everything].
    #[arg(long, value_delimiter = ',', conflicts_with = "csv")]
    pub items: Vec<String>,
    /// Restore only the ids of this CSV (an inventory, or any CSV with an id column).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// What to do with items that exist on the target: skip (touch nothing), update (in place,
    /// ids survive) or copy (a new item beside it).
    #[arg(long, value_name = "POLICY")]
    pub on_conflict: Option<String>,
    /// The original utility's flag: the same as --on-conflict update.
    #[arg(long)]
    pub overwrite: bool,
    /// Keep the backed-up properties (description, tags, extent ...); false takes the target's
    /// defaults.
    #[arg(long, value_name = "BOOL", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", action = ArgAction::Set)]
    pub keep_metadata: bool,
    /// Restore into this folder of the signed-in user (created if missing) [default: the folder
    /// each item was backed up from].
    #[arg(long, value_name = "NAME")]
    pub folder: Option<String>,
    /// Do not restore sharing (items stay private).
    #[arg(long)]
    pub no_sharing: bool,
    /// Make and print the plan only: nothing is written to the portal.
    #[arg(long)]
    pub dry_run: bool,
    /// Items restored at the same time (within one dependency level).
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Where to write the JSON run report (a CSV twin goes beside it) [default:
    /// restore-report-<time>.json beside the first input].
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

impl RestoreArgs {
    /// The inputs of `--backup` and the positional paths, checked to exist.
    fn inputs(&self) -> Result<Vec<PathBuf>, String> {
        let inputs: Vec<PathBuf> = self.backup.iter().chain(&self.paths).cloned().collect();
        if inputs.is_empty() {
            return Err(
                "say what to restore: --backup FILE_OR_FOLDER (or paths after the options)".into(),
            );
        }
        for path in &inputs {
            if !path.exists() {
                return Err(format!("{}: no such file or folder", path.display()));
            }
        }
        Ok(inputs)
    }

    /// The conflict policy of `--on-conflict` and `--overwrite`.
    fn policy(&self) -> Result<ConflictPolicy, String> {
        let named = match &self.on_conflict {
            Some(name) => Some(ConflictPolicy::from_name(name).ok_or_else(|| {
                format!("unknown --on-conflict '{name}': use skip, update or copy")
            })?),
            None => None,
        };
        match (named, self.overwrite) {
            (Some(p), true) if p != ConflictPolicy::Update => Err(format!(
                "--overwrite means --on-conflict update, not {}",
                p.name()
            )),
            (_, true) => Ok(ConflictPolicy::Update),
            (named, false) => Ok(named.unwrap_or_default()),
        }
    }

    /// The item ids of `--items` or `--csv` (`None`: everything).
    fn selection(&self) -> Result<Option<Vec<String>>, String> {
        if let Some(csv) = &self.csv {
            let selection = read_selection(csv)?;
            for w in &selection.warnings {
                eprintln!("warning: {w}");
            }
            return Ok(Some(selection.items.into_iter().map(|e| e.id).collect()));
        }
        let ids: Vec<String> = self
            .items
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        Ok((!ids.is_empty()).then_some(ids))
    }

    /// The options (without the connection).
    fn options(&self) -> Result<RestoreOptions, String> {
        if !(1..=32).contains(&self.workers) {
            return Err("--workers must be between 1 and 32".into());
        }
        let folder = self.folder.as_deref().map(str::trim);
        if folder.is_some_and(str::is_empty) {
            return Err("--folder needs a folder name".into());
        }
        Ok(RestoreOptions {
            policy: self.policy()?,
            keep_metadata: self.keep_metadata,
            target_folder: folder.map(str::to_string),
            sharing: !self.no_sharing,
            dry_run: self.dry_run,
            workers: self.workers,
            report: self.report.clone(),
        })
    }
}

/// The validated request (the connection last: it may prompt for a password).
///
/// # Errors
/// A message for the user when an option is invalid, an input missing, the CSV unreadable, or
/// sign-in impossible.
pub async fn request(args: &RestoreArgs) -> Result<RestoreRequest, String> {
    let inputs = args.inputs()?;
    let options = args.options()?;
    let items = args.selection()?;
    if items.as_ref().is_some_and(Vec::is_empty) {
        return Err("the CSV names no item id".into());
    }
    Ok(RestoreRequest {
        connection: args.connect.connection().await?,
        inputs,
        items,
        options,
    })
}

/// Runs the restore and returns the exit code.
pub async fn run(args: RestoreArgs) -> i32 {
    let req = match request(&args).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let dry_run = req.options.dry_run;
    let rows = (!dry_run).then(row_printer);
    let result =
        events::run_job_with_rows(|reporter, cancel| restore::run(req, reporter, cancel), rows)
            .await;
    match result {
        Ok(Outcome::Restore(summary)) if dry_run => {
            print_plan(&summary.plan);
            println!(
                "dry run: nothing was written to {}",
                summary.plan.target_portal
            );
            EXIT_OK
        }
        Ok(Outcome::Restore(summary)) => {
            print_results(&summary);
            if summary.all_ok() {
                EXIT_OK
            } else {
                EXIT_PARTIAL
            }
        }
        Ok(_) => EXIT_FAILED,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    /// `restore --portal https://x.example.com EXTRA...`, or without the portal when `extra`
    /// names a connection.
    fn args(extra: &[&str]) -> RestoreArgs {
        let portal: &[&str] = if extra.contains(&"--connection") {
            &[]
        } else {
            &["--portal", "https://x.example.com"]
        };
        let base = ["agol-backup-cli", "restore"];
        let cli = Cli::try_parse_from(base.iter().chain(portal).chain(extra)).expect("parses");
        match cli.command {
            Command::Restore(a) => a,
            other => panic!("not a restore: {other:?}"),
        }
    }

    #[test]
    fn the_original_flags_and_ours_become_options() {
        let a = args(&[
            "--backup",
            "a.zip",
            "b",
            "--overwrite",
            "--keep-metadata",
            "--items",
            "x, y,",
        ]);
        assert_eq!(a.backup.len(), 2, "--backup takes several paths");
        let o = a.options().expect("valid");
        assert_eq!(o.policy, ConflictPolicy::Update);
        assert!(o.keep_metadata && o.sharing && !o.dry_run);
        assert_eq!(
            a.selection().expect("ids"),
            Some(vec!["x".into(), "y".into()])
        );

        let a = args(&[
            "--keep-metadata",
            "false",
            "--no-sharing",
            "--folder",
            " Restored ",
            "--dry-run",
            "c",
        ]);
        let o = a.options().expect("valid");
        assert_eq!(o.policy, ConflictPolicy::Skip);
        assert!(!o.keep_metadata && !o.sharing && o.dry_run);
        assert_eq!(o.target_folder.as_deref(), Some("Restored"));
        assert_eq!(a.selection().expect("none"), None);

        let a = args(&["--connection", "prod", "--on-conflict", "copy", "d"]);
        assert_eq!(a.connect.profile.as_deref(), Some("prod"));
        assert_eq!(a.options().expect("valid").policy, ConflictPolicy::Copy);
        assert!(args(&["--folder", " ", "e"]).options().is_err());
    }
}
