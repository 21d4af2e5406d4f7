//! `agol-backup-cli`: the command-line twin of the agol-backup window, for scripted and
//! scheduled runs. Parses arguments and hands over to `agol_backup::cli`.

use clap::Parser;

fn main() {
    let cli = agol_backup::cli::Cli::parse();
    std::process::exit(agol_backup::cli::run(cli));
}
