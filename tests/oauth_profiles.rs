//! OAuth in the browser (loopback redirect) against the in-process sandbox, profiles resolved
//! with secrets from a store, and `agol-backup-cli scan --profile` with a temporary config dir.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use agol_backup::cli::profile;
use agol_backup::portal::oauth_loopback::sign_in_with_timeout;
use agol_backup::portal::{
    ClientOptions, Credentials, PortalClient, PortalUrl, sign_in_in_browser,
};
use agol_backup::sandbox::SandboxHandle;
use agol_backup::secrets::{MemoryStore, REFRESH_TOKEN, SecretStore, key};
use agol_backup::settings::{AuthMethod, Profile, save_profiles};
use serde_json::Value;

use crate::support;

fn options(sb: &SandboxHandle) -> ClientOptions {
    ClientOptions::new(PortalUrl::parse(&sb.url()).unwrap())
}

/// Plays the system browser: opens the authorize page, posts the sign-in form as admin, and
/// follows the redirect to our loopback callback (with `state` replaced when `forge` is set).
/// Sends the callback page's text to `seen`.
fn browser(url: &str, forge: bool, seen: std::sync::mpsc::Sender<String>) -> Result<(), String> {
    let url = url.to_string();
    tokio::spawn(async move {
        let http = support::client();
        let page = http.get(&url).send().await.unwrap().text().await.unwrap();
        let line = page.lines().find(|l| l.contains("var oAuthInfo")).unwrap();
        let info: Value =
            serde_json::from_str(&line[line.find('{').unwrap()..=line.rfind('}').unwrap()])
                .unwrap();
        let signin = reqwest::Url::parse(&url)
            .unwrap()
            .join("/portal/sharing/oauth2/signin")
            .unwrap();
        let resp = http
            .post(signin)
            .form(&[
                ("oauth_state", info["oauth_state"].as_str().unwrap()),
                ("username", "admin"),
                ("password", "sandbox-admin"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 302);
        let mut location =
            reqwest::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(location.host_str(), Some("127.0.0.1"));
        assert_eq!(location.path(), "/callback");
        if forge {
            let code: Vec<(String, String)> = location
                .query_pairs()
                .into_owned()
                .filter(|(k, _)| k == "code")
                .collect();
            location
                .query_pairs_mut()
                .clear()
                .extend_pairs(code)
                .append_pair("state", "forged");
        }
        // A stray request first (browsers ask for a favicon): it must not end the wait.
        let stray = location.join("/favicon.ico").unwrap();
        assert_eq!(http.get(stray).send().await.unwrap().status(), 404);
        let done = http
            .get(location)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let _ = seen.send(done);
    });
    Ok(())
}

#[tokio::test]
async fn browser_sign_in_returns_usable_tokens() {
    let sb = support::demo().await;
    let (tx, rx) = std::sync::mpsc::channel();
    let tokens = sign_in_in_browser(&options(&sb), "agol-backup", |u| browser(u, false, tx))
        .await
        .unwrap();
    assert!(
        rx.recv()
            .unwrap()
            .contains("Signed in - you can close this tab")
    );
    assert_eq!(tokens.username.as_deref(), Some("admin"));
    assert!(tokens.expires_ms > agol_backup::sandbox::now_ms());
    // The access token works as given, the refresh token signs in again.
    let direct = PortalClient::connect(&options(&sb), Credentials::Token(tokens.access_token))
        .await
        .unwrap();
    assert_eq!(direct.community_self().await.unwrap().username, "admin");
    let creds = Credentials::OAuth {
        client_id: "agol-backup".into(),
        refresh_token: tokens.refresh_token,
    };
    let client = PortalClient::connect(&options(&sb), creds).await.unwrap();
    assert_eq!(client.community_self().await.unwrap().username, "admin");
}

#[tokio::test]
async fn browser_sign_in_refuses_a_wrong_state_and_times_out() {
    let sb = support::demo().await;
    let (tx, _rx) = std::sync::mpsc::channel();
    let err = sign_in_in_browser(&options(&sb), "agol-backup", |u| browser(u, true, tx))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("wrong state"), "{err}");

    let err = sign_in_with_timeout(
        &options(&sb),
        "agol-backup",
        |_| Ok(()),
        Duration::from_millis(200),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("nobody signed in within"), "{err}");

    let err = sign_in_in_browser(&options(&sb), "agol-backup", |_| Err("no browser".into()))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no browser"), "{err}");
}

fn oauth_profile(sb: &SandboxHandle) -> Profile {
    Profile {
        name: "sandbox-oauth".into(),
        portal_url: sb.url(),
        method: AuthMethod::OAuth,
        ..Profile::default()
    }
}

#[tokio::test]
async fn oauth_profile_signs_in_once_then_uses_the_stored_refresh_token() {
    let sb = support::demo().await;
    let p = oauth_profile(&sb);
    let store = MemoryStore::new();
    let err = profile::connection(&p, &store, None).await.unwrap_err();
    assert!(err.contains("no refresh token is stored"), "{err}");

    let (tx, _rx) = std::sync::mpsc::channel();
    let open: profile::Browser = Box::new(move |u| browser(u, false, tx));
    let conn = profile::connection(&p, &store, Some(open)).await.unwrap();
    let stored = store.get(&key("sandbox-oauth", REFRESH_TOKEN)).unwrap();
    let Credentials::OAuth {
        client_id,
        refresh_token,
    } = &conn.credentials
    else {
        panic!("{:?}", conn.credentials)
    };
    assert_eq!(client_id, "agol-backup");
    assert_eq!(Some(refresh_token.expose()), stored.as_deref());

    // Next time: no browser, the stored token signs in.
    let again = profile::connection(&p, &store, None).await.unwrap();
    let client = PortalClient::connect(&again.options, again.credentials)
        .await
        .unwrap();
    assert_eq!(client.community_self().await.unwrap().username, "admin");
    assert!(matches!(
        profile::connection(
            &Profile {
                method: AuthMethod::Password,
                ..p.clone()
            },
            &store,
            None
        )
        .await,
        Err(e) if e.contains("no username")
    ));
}

async fn cli(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"));
    cmd.arg("scan")
        .args(args)
        .env("AGOL_BACKUP_CONFIG_DIR", dir.join("config"))
        .env_remove("AGOL_PASSWORD")
        .env_remove("AGOL_TOKEN")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().await.unwrap()
}

#[tokio::test]
async fn cli_scan_with_a_profile() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("config").join("settings.json");
    let out = dir.path().join("Inv.csv");
    let out_arg = out.to_str().unwrap();

    let none = cli(dir.path(), &[], &["--profile", "lab", "--out", out_arg]).await;
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no profiles are saved"));

    let password = Profile {
        name: "lab".into(),
        portal_url: sb.url(),
        username: "admin".into(),
        ..Profile::default()
    };
    save_profiles(&settings, &[password, oauth_profile(&sb)]).unwrap();
    let unknown = cli(dir.path(), &[], &["--profile", "prod", "--out", out_arg]).await;
    let err = String::from_utf8_lossy(&unknown.stderr).into_owned();
    assert_eq!(unknown.status.code(), Some(2), "{err}");
    assert!(err.contains("known profiles: lab, sandbox-oauth"), "{err}");

    let env = [("AGOL_PASSWORD", "sandbox-admin")];
    let ok = cli(dir.path(), &env, &["--profile", "lab", "--out", out_arg]).await;
    let stdout = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout.starts_with("scan: "), "{stdout}");
    assert!(out.is_file());

    let oauth = cli(
        dir.path(),
        &[],
        &["--profile", "sandbox-oauth", "--out", out_arg],
    )
    .await;
    let err = String::from_utf8_lossy(&oauth.stderr).into_owned();
    assert_eq!(oauth.status.code(), Some(2), "{err}");
    assert!(err.contains("no refresh token is stored"), "{err}");

    let help = std::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"))
        .args(["scan", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("AGOL_BACKUP_CONFIG_DIR"));
}

#[tokio::test]
async fn the_window_finishes_a_browser_sign_in_into_an_oauth_connection() {
    use agol_backup::ui::connection::ConnectionBar;
    use agol_backup::ui::log_panel::LogPanel;

    let sb = support::demo().await;
    let mut bar = ConnectionBar {
        form: Profile {
            name: String::new(),
            ..oauth_profile(&sb)
        },
        ..ConnectionBar::default()
    };
    let err = bar.build().unwrap_err();
    assert!(err.contains("sign in with the browser first"), "{err}");

    let (tx, _rx) = std::sync::mpsc::channel();
    let tokens = sign_in_in_browser(&options(&sb), "agol-backup", |u| browser(u, false, tx))
        .await
        .unwrap();
    let mut log = LogPanel::default();
    let (done, pending) = std::sync::mpsc::channel();
    bar.pending = Some(pending);
    bar.poll(&mut log);
    assert!(bar.signing_in() && bar.connection.is_none());
    done.send(Ok(tokens)).unwrap();
    bar.poll(&mut log);
    assert!(!bar.signing_in());
    assert_eq!(bar.form.username, "admin");
    let conn = bar.connection.clone().expect("connection set");
    assert!(matches!(conn.credentials, Credentials::OAuth { .. }));
    let client = PortalClient::connect(&conn.options, conn.credentials)
        .await
        .unwrap();
    assert_eq!(client.community_self().await.unwrap().username, "admin");

    let (done, pending) = std::sync::mpsc::channel();
    bar.connection = None;
    bar.refresh_token = None;
    bar.pending = Some(pending);
    done.send(Err("access_denied".into())).unwrap();
    bar.poll(&mut log);
    assert!(bar.connection.is_none());
    assert!(log.lines().iter().any(|l| {
        l.to_text()
            .contains("browser sign-in failed: access_denied")
    }));
}
