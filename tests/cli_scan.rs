//! `agol-backup-cli scan` as a user runs it, against an in-process sandbox: the summary line
//! and exit codes, the password from `AGOL_PASSWORD`, refusals that leave files untouched.

use std::path::Path;
use std::process::Output;

use agol_backup::sandbox::SandboxHandle;

use crate::support;

async fn cli(sb: &SandboxHandle, dir: &Path, password: Option<&str>, extra: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_agol-backup-cli"));
    cmd.arg("scan")
        .args(["--portal", &sb.url(), "--out"])
        .arg(dir.join("AuthInventory.csv"))
        .args(extra)
        .env_remove("AGOL_PASSWORD")
        .env_remove("AGOL_TOKEN")
        .stdin(std::process::Stdio::null());
    if let Some(pw) = password {
        cmd.env("AGOL_PASSWORD", pw);
    }
    cmd.output().await.unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn scan_writes_the_inventory_and_prints_the_summary() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let out = cli(
        &sb,
        dir.path(),
        Some("sandbox-admin"),
        &["--username", "admin"],
    )
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("scan: "), "{stdout}");
    assert!(
        stdout.contains(" new, 0 changed, 0 unchanged, 0 removed, "),
        "{stdout}"
    );
    assert!(stdout.contains("loose hits dropped -> "), "{stdout}");
    assert!(stderr.contains("100%"), "{stderr}");
    assert!(dir.path().join("scan_index.csv").exists());

    let again = cli(
        &sb,
        dir.path(),
        Some("sandbox-admin"),
        &["--username", "admin", "--preset", "type:Web Map"],
    )
    .await;
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        !stdout.contains(" 0 removed"),
        "items of other types go: {stdout}"
    );
}

#[tokio::test]
async fn bad_input_exits_2_and_leaves_the_inventory_alone() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("AuthInventory.csv");
    std::fs::write(&inv, "name,email\r\n").unwrap();
    let foreign = cli(
        &sb,
        dir.path(),
        Some("sandbox-admin"),
        &["--username", "admin"],
    )
    .await;
    assert_eq!(foreign.status.code(), Some(2));
    assert!(text(&foreign.stderr).contains("choose another output file"));

    std::fs::remove_file(&inv).unwrap();
    let ours =
        "\u{feff}Title,Id,Type,Owner,Created,Modified,RestUrl,ItemPageUrl,Tags,ContentStatus\r\n";
    std::fs::write(&inv, ours).unwrap();
    let wrong = cli(&sb, dir.path(), Some("nope"), &["--username", "admin"]).await;
    assert_eq!(wrong.status.code(), Some(2));
    let err = text(&wrong.stderr);
    assert!(err.contains("password"), "{err}");
    assert_eq!(std::fs::read_to_string(&inv).unwrap(), ours);

    let no_pw = cli(&sb, dir.path(), None, &["--username", "admin"]).await;
    assert_eq!(no_pw.status.code(), Some(2));
    assert!(text(&no_pw.stderr).contains("AGOL_PASSWORD"));

    let profile = cli(&sb, dir.path(), None, &["--profile", "work"]).await;
    assert_eq!(profile.status.code(), Some(2));
    // A profile names its own portal: --portal with --profile is refused (profiles are tested
    // in oauth_profiles).
    assert!(text(&profile.stderr).contains("cannot be used with"));

    let preset = cli(
        &sb,
        dir.path(),
        Some("x"),
        &["--username", "a", "--preset", "bogus"],
    )
    .await;
    assert_eq!(preset.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&inv).unwrap(), ours);
}
