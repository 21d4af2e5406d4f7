//! `agol-backup-cli scan`: the original utility's scan with its option names and defaults,
//! turned into a [`ScanRequest`] and run by the engine. The password comes from `AGOL_PASSWORD`
//! or a prompt with echo off, a token from `AGOL_TOKEN`, never from a flag; `--profile` reads a
//! saved connection ([`profile`]). Progress goes to
//! stderr (a bar on a terminal, a line per 10% otherwise), the summary line to stdout.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

use super::{EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, profile};
use crate::engine::scan::{self, ScanPreset, ScanRequest};
use crate::engine::{Event, EventKind, JobId, Level, Outcome, PortalConnection, Reporter};
use crate::formats::index::DEFAULT_INDEX_NAME;
use crate::formats::inventory::DEFAULT_INVENTORY_NAME;
use crate::portal::{ClientOptions, Credentials, PortalUrl};
use crate::secrets::default_store;
use crate::settings::{AuthMethod, settings_path};

/// Options of a scan.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Portal URL, e.g. https://myorg.maps.arcgis.com or https://gis.example.com/portal.
    #[arg(long, required_unless_present = "profile", conflicts_with = "profile")]
    pub portal: Option<String>,
    /// Sign in as this user; the password comes from AGOL_PASSWORD or a prompt.
    #[arg(long, conflicts_with = "profile")]
    pub username: Option<String>,
    /// Use a saved connection profile (portal, sign-in method, CA file) from settings.json in
    /// the config folder, or in $AGOL_BACKUP_CONFIG_DIR when set. Password profiles read
    /// AGOL_PASSWORD or prompt, token profiles read AGOL_TOKEN, OAuth profiles use the refresh
    /// token in the OS keychain or sign in with the browser (on a terminal) and store it.
    #[arg(long, conflicts_with_all = ["ca_file", "danger_accept_invalid_certs"])]
    pub profile: Option<String>,
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
    /// Extra trusted CA certificate (PEM), for portals with a private certificate authority.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate (dangerous: anyone on the path can read the token).
    #[arg(long)]
    pub danger_accept_invalid_certs: bool,
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

fn credentials(args: &ScanArgs) -> Result<Credentials, String> {
    if let Some(user) = &args.username {
        return profile::password_for(user);
    }
    profile::env_token().ok_or_else(|| {
        "say who signs in: --username NAME (password from AGOL_PASSWORD or a prompt), \
         --profile NAME, or set AGOL_TOKEN"
            .to_string()
    })
}

/// The connection: from `--profile` (see [`profile`]) or from `--portal` and the other flags.
async fn connection(args: &ScanArgs) -> Result<PortalConnection, String> {
    if let Some(name) = &args.profile {
        let path = settings_path()
            .ok_or("this system has no config folder: set AGOL_BACKUP_CONFIG_DIR")?;
        let p = profile::find(&path, name)?;
        let (store, warning) = default_store();
        if let Some(w) = warning
            && p.method == AuthMethod::OAuth
        {
            eprintln!("warning: {w}");
        }
        return profile::connection(&p, store.as_ref(), profile::terminal_browser()).await;
    }
    let portal = args.portal.as_deref().ok_or("give --portal or --profile")?;
    let url = PortalUrl::parse(portal).map_err(|e| e.to_string())?;
    let mut options = ClientOptions::new(url);
    options.ca_file.clone_from(&args.ca_file);
    options.danger_accept_invalid_certs = args.danger_accept_invalid_certs;
    Ok(PortalConnection {
        options,
        credentials: credentials(args)?,
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
    let connection = connection(args).await?;
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

/// Prints the events of the job until its channel closes.
fn print_events(rx: &Receiver<Event>) {
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
            _ => {}
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
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
    let (tx, rx) = std::sync::mpsc::channel();
    let printer = std::thread::spawn(move || print_events(&rx));
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let result = scan::run(req, Reporter::headless(JobId(1), tx), cancel).await;
    let _ = printer.join();
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
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}
