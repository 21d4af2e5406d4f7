//! `agol-backup-cli sandbox`: start the sandbox portal and serve until Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_FAILED, EXIT_OK};
use crate::sandbox::{self, Dataset, SandboxConfig};

/// Options of the sandbox portal.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (plain HTTP and TLS on the same port).
    #[arg(long, default_value = "127.0.0.1:8400")]
    pub addr: SocketAddr,
    /// `demo`, `generated:N[:SEED]` for N generated items, or `demo+generated:N[:SEED]` for both.
    #[arg(long, default_value = "demo")]
    pub dataset: Dataset,
    /// Folder for the CA certificate `ca.pem` (a temporary folder if not given).
    #[arg(long)]
    pub tls_dir: Option<PathBuf>,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of requests (0 to 1) that fail with an injected fault.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Seed that makes the fault sequence repeatable.
    #[arg(long, default_value_t = 1)]
    pub fault_seed: u64,
    /// Longest lifetime of an issued token, in seconds.
    #[arg(long, default_value_t = 7200)]
    pub token_ttl_secs: u64,
    /// How long exports, replicas and publish jobs take, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    pub export_delay_ms: u64,
}

impl SandboxArgs {
    /// The validated configuration.
    pub fn config(&self) -> Result<SandboxConfig, String> {
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(format!(
                "--fault-rate must be between 0 and 1, not {}",
                self.fault_rate
            ));
        }
        if self.token_ttl_secs == 0 {
            return Err("--token-ttl-secs must be at least 1".into());
        }
        Ok(SandboxConfig {
            addr: self.addr,
            dataset: self.dataset.clone(),
            tls_dir: self.tls_dir.clone(),
            latency_ms: self.latency_ms,
            fault_rate: self.fault_rate,
            fault_seed: self.fault_seed,
            token_ttl_secs: self.token_ttl_secs,
            export_delay_ms: self.export_delay_ms,
        })
    }
}

/// Starts the sandbox, prints the ready line and the CA path, serves until Ctrl-C.
pub async fn run(args: SandboxArgs) -> i32 {
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let handle = match sandbox::start(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    println!("sandbox portal listening on {}", handle.url());
    println!("TLS CA certificate: {}", handle.ca_path().display());
    println!(
        "demo accounts: admin / sandbox-admin, editor / sandbox-editor, viewer / sandbox-viewer"
    );
    println!("press Ctrl-C to stop");
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown();
    EXIT_OK
}
