//! `agol-backup-cli scan`: the original utility's scan with its option names and defaults,
//! turned into a [`ScanRequest`] and run by the engine (sign-in options: [`ConnectArgs`]).
//! Progress goes to stderr, the summary line to stdout.

use std::path::PathBuf;

use clap::Args;

use super::connect::ConnectArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, events};
use crate::engine::Outcome;
use crate::engine::scan::{self, ScanPreset, ScanRequest};
use crate::formats::index::DEFAULT_INDEX_NAME;
use crate::formats::inventory::DEFAULT_INVENTORY_NAME;

/// Options of a scan.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Portal and sign-in.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The inventory CSV to create or update.
    #[arg(long, default_value = DEFAULT_INVENTORY_NAME)]
    pub out: PathBuf,
    /// The delta index [default: scan_index.csv next to --out].
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Stop after N items. The original stopped at 10000; by default every item is scanned,
    /// past the search's 10,000-result window.
    #[arg(long)]
    pub max: Option<usize>,
    /// authoritative | all | owner:NAME | folder:OWNER/FOLDER | group:ID | tag:T | type:T
    #[arg(long, default_value = "authoritative", conflicts_with = "query")]
    pub preset: String,
    /// A custom search query instead of a preset.
    #[arg(long)]
    pub query: Option<String>,
}

/// Parses `--preset`.
pub fn parse_preset(text: &str) -> Result<ScanPreset, String> {
    let (kind, value) = match text.split_once(':') {
        Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim().to_string())),
        None => (text.trim().to_ascii_lowercase(), None),
    };
    let need = |v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .ok_or_else(|| format!("--preset {kind} needs a value, e.g. {kind}:VALUE"))
    };
    Ok(match kind.as_str() {
        "authoritative" => ScanPreset::Authoritative,
        "all" => ScanPreset::AllOrg,
        "owner" => ScanPreset::Owner(need(value)?),
        "group" => ScanPreset::Group(need(value)?),
        "tag" => ScanPreset::Tag(need(value)?),
        "type" => ScanPreset::Type(need(value)?),
        "folder" => {
            let v = need(value)?;
            let (owner, folder) = v
                .split_once('/')
                .ok_or("--preset folder needs OWNER/FOLDER, e.g. folder:jdoe/Water")?;
            ScanPreset::Folder {
                owner: owner.to_string(),
                folder: folder.to_string(),
            }
        }
        _ => {
            return Err(format!(
                "unknown --preset '{text}': use authoritative, all, owner:NAME, \
                 folder:OWNER/FOLDER, group:ID, tag:T or type:T"
            ));
        }
    })
}

/// The validated request.
///
/// # Errors
/// A message for the user when an option is invalid or the credentials cannot be had.
pub async fn request(args: &ScanArgs) -> Result<ScanRequest, String> {
    let preset = match &args.query {
        Some(q) if !q.trim().is_empty() => ScanPreset::Query(q.clone()),
        Some(_) => return Err("--query is empty".into()),
        None => parse_preset(&args.preset)?,
    };
    let connection = args.connect.connection().await?;
    let index = args
        .index
        .clone()
        .unwrap_or_else(|| args.out.with_file_name(DEFAULT_INDEX_NAME));
    Ok(ScanRequest {
        connection,
        preset,
        inventory: args.out.clone(),
        index,
        max_items: args.max,
    })
}

/// Runs the scan and returns the exit code.
pub async fn run(args: ScanArgs) -> i32 {
    let req = match request(&args).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let result = events::run_job(|reporter, cancel| scan::run(req, reporter, cancel)).await;
    match result {
        Ok(Outcome::Scan(s)) => {
            println!(
                "scan: {} found, {} new, {} changed, {} unchanged, {} removed, {} loose hits \
                 dropped -> {}",
                s.found,
                s.new,
                s.changed,
                s.unchanged,
                s.removed,
                s.dropped_loose,
                s.inventory.display()
            );
            if s.warnings > 0 {
                eprintln!("{} part(s) failed; see the warnings above", s.warnings);
                EXIT_PARTIAL
            } else {
                EXIT_OK
            }
        }
        Ok(_) => EXIT_FAILED,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}
