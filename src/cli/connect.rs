//! The sign-in options every portal command shares (`--portal`/`--username` or `--profile`,
//! CA file, certificate checks) and how they become a [`PortalConnection`]. The password comes
//! from `AGOL_PASSWORD` or a prompt with echo off, a token from `AGOL_TOKEN`, never from a flag
//! (flags show in the process list); `--profile` reads a saved connection ([`profile`]).

use std::path::PathBuf;

use clap::Args;

use super::profile;
use crate::engine::PortalConnection;
use crate::portal::{ClientOptions, Credentials, PortalUrl};
use crate::secrets::default_store;
use crate::settings::{AuthMethod, settings_path};

/// Portal and sign-in options.
#[derive(Debug, Args)]
pub struct ConnectArgs {
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
    /// `--connection NAME` (the original utility's flag) is the same.
    #[arg(long, alias = "connection", conflicts_with_all = ["ca_file", "danger_accept_invalid_certs"])]
    pub profile: Option<String>,
    /// Extra trusted CA certificate (PEM), for portals with a private certificate authority.
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Accept any TLS certificate (dangerous: anyone on the path can read the token).
    #[arg(long)]
    pub danger_accept_invalid_certs: bool,
}

impl ConnectArgs {
    fn credentials(&self) -> Result<Credentials, String> {
        if let Some(user) = &self.username {
            return profile::password_for(user);
        }
        profile::env_token().ok_or_else(|| {
            "say who signs in: --username NAME (password from AGOL_PASSWORD or a prompt), \
             --profile NAME, or set AGOL_TOKEN"
                .to_string()
        })
    }

    /// The connection: from `--profile` (see [`profile`]) or from `--portal` and the other flags.
    ///
    /// # Errors
    /// A message for the user when the profile or URL is invalid or credentials are missing.
    pub async fn connection(&self) -> Result<PortalConnection, String> {
        if let Some(name) = &self.profile {
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
        let portal = self.portal.as_deref().ok_or("give --portal or --profile")?;
        let url = PortalUrl::parse(portal).map_err(|e| e.to_string())?;
        let mut options = ClientOptions::new(url);
        options.ca_file.clone_from(&self.ca_file);
        options.danger_accept_invalid_certs = self.danger_accept_invalid_certs;
        Ok(PortalConnection {
            options,
            credentials: self.credentials()?,
        })
    }
}
