//! `--profile NAME`: a saved connection (see [`crate::settings`]) turned into a
//! [`PortalConnection`]. Secrets never come from the profile: a password from `AGOL_PASSWORD` or
//! a prompt, a token from `AGOL_TOKEN`, an OAuth refresh token from the OS keychain (key
//! `<profile>:refresh_token`), obtained with the browser sign-in when missing and stdin is a
//! terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::engine::PortalConnection;
use crate::portal::wire::Secret;
use crate::portal::{ClientOptions, Credentials, PortalUrl, sign_in_in_browser};
use crate::secrets::{REFRESH_TOKEN, SecretStore, key};
use crate::settings::{AuthMethod, Profile, load_profiles};

/// The browser step of an OAuth sign-in: receives the authorize URL (opens or prints it).
pub type Browser = Box<dyn FnOnce(&str) -> Result<(), String> + Send>;

/// The profile called `name` in the settings file at `path`.
///
/// # Errors
/// The file cannot be read, or has no such profile (the message lists the known names).
pub fn find(path: &Path, name: &str) -> Result<Profile, String> {
    let profiles = load_profiles(path)?;
    if let Some(p) = profiles.iter().find(|p| p.name == name) {
        return Ok(p.clone());
    }
    let known: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    Err(if known.is_empty() {
        format!(
            "unknown profile '{name}': no profiles are saved in {} (save one in the window, \
             or set AGOL_BACKUP_CONFIG_DIR)",
            path.display()
        )
    } else {
        format!(
            "unknown profile '{name}'; known profiles: {}",
            known.join(", ")
        )
    })
}

/// The portal options of `profile` (URL, CA file, certificate checks).
///
/// # Errors
/// The URL is invalid.
pub fn options(profile: &Profile) -> Result<ClientOptions, String> {
    let url = PortalUrl::parse(profile.portal_url.trim()).map_err(|e| e.to_string())?;
    let mut options = ClientOptions::new(url);
    let ca = profile.ca_file.trim();
    if !ca.is_empty() {
        options.ca_file = Some(PathBuf::from(ca));
    }
    options.danger_accept_invalid_certs = profile.accept_invalid_certs;
    Ok(options)
}

/// The password of `user`: `AGOL_PASSWORD`, or a prompt with echo off on a terminal.
///
/// # Errors
/// Neither is available, or the prompt failed.
pub fn password_for(user: &str) -> Result<Credentials, String> {
    if let Ok(pw) = std::env::var("AGOL_PASSWORD") {
        return Ok(Credentials::password(user, &pw));
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "no password: set AGOL_PASSWORD (stdin is not a terminal, so the \
                    password cannot be asked for)"
                .into(),
        );
    }
    let pw = rpassword::prompt_password(format!("password for {user}: "))
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(Credentials::password(user, &pw))
}

/// A token from `AGOL_TOKEN`, if set.
pub fn env_token() -> Option<Credentials> {
    std::env::var("AGOL_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| Credentials::Token(Secret::new(t.trim())))
}

/// The connection of `profile`. `browser` is the OAuth browser step when no refresh token is
/// stored (`None` when nobody can sign in, e.g. stdin is not a terminal); it receives the
/// authorize URL.
///
/// # Errors
/// A secret is missing, the keychain failed, or the browser sign-in failed.
pub async fn connection(
    profile: &Profile,
    store: &dyn SecretStore,
    browser: Option<Browser>,
) -> Result<PortalConnection, String> {
    let options = options(profile)?;
    let name = &profile.name;
    let credentials = match profile.method {
        AuthMethod::Password => {
            let user = profile.username.trim();
            if user.is_empty() {
                return Err(format!("profile '{name}' has no username"));
            }
            password_for(user)?
        }
        AuthMethod::Token => env_token()
            .ok_or_else(|| format!("profile '{name}' signs in with a token: set AGOL_TOKEN"))?,
        AuthMethod::OAuth => {
            let k = key(name, REFRESH_TOKEN);
            let refresh = match store.get(&k).map_err(|e| e.to_string())? {
                Some(r) => r,
                None => {
                    let Some(open) = browser else {
                        return Err(format!(
                            "no refresh token is stored for profile '{name}': run this \
                             command in a terminal once to sign in with the browser"
                        ));
                    };
                    let tokens = sign_in_in_browser(&options, profile.client_id(), open)
                        .await
                        .map_err(|e| e.to_string())?;
                    let refresh = tokens.refresh_token.expose().to_string();
                    store.set(&k, &refresh).map_err(|e| e.to_string())?;
                    refresh
                }
            };
            Credentials::OAuth {
                client_id: profile.client_id().to_string(),
                refresh_token: Secret::new(refresh),
            }
        }
    };
    Ok(PortalConnection {
        options,
        credentials,
    })
}

/// The browser step of the CLI: prints the URL (and tries to open the browser) when stdin is a
/// terminal; `None` otherwise.
pub fn terminal_browser() -> Option<Browser> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    Some(Box::new(|url: &str| {
        eprintln!("Sign in in your browser (it should open; otherwise open this URL):\n{url}");
        if let Err(e) = webbrowser::open(url) {
            eprintln!("(could not open the browser: {e})");
        }
        Ok(())
    }))
}
