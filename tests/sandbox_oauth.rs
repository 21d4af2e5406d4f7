//! OAuth 2.0 against the sandbox: authorization code with PKCE (our app), the implicit flow and
//! the out-of-band code page (what Esri's Python client uses), refresh tokens.

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support;

fn oauth_state(page: &str) -> String {
    let line = page
        .lines()
        .find(|l| l.contains("var oAuthInfo"))
        .expect("oAuthInfo line");
    let json = &line[line.find('{').unwrap()..=line.rfind('}').unwrap()];
    let v: Value = serde_json::from_str(json).unwrap();
    v["oauth_state"].as_str().unwrap().to_string()
}

async fn authorize(rest: &str, query: &[(&str, &str)]) -> (u16, String) {
    let r = support::client()
        .get(format!("{rest}/oauth2/authorize"))
        .query(query)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn signin(base: &str, form: &[(&str, &str)]) -> reqwest::Response {
    support::client()
        .post(format!("{base}/portal/sharing/oauth2/signin"))
        .form(form)
        .send()
        .await
        .unwrap()
}

fn query_param(url: &str, key: &str) -> Option<String> {
    let q = url.split_once(['?', '#'])?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

#[tokio::test]
async fn authorization_code_with_pkce_then_refresh() {
    let sb = support::demo().await;
    let rest = sb.rest_url();
    let base = sb.url().trim_end_matches("/portal").to_string();
    let verifier = "a-long-random-verifier-string-of-at-least-43-characters-0123456789";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let redirect = "http://127.0.0.1:53682/callback";
    let (status, page) = authorize(
        &rest,
        &[
            ("client_id", "agol-backup"),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("state", "xyz"),
            ("expiration", "120"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let st = oauth_state(&page);
    let wrong = signin(
        &base,
        &[
            ("oauth_state", &st),
            ("username", "editor"),
            ("password", "nope"),
        ],
    )
    .await;
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Invalid username or password.")
    );
    let ok = signin(
        &base,
        &[
            ("oauth_state", &st),
            ("username", "editor"),
            ("password", "sandbox-editor"),
        ],
    )
    .await;
    assert_eq!(ok.status(), 302);
    let loc = ok.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with(redirect), "{loc}");
    assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz"));
    let code = query_param(&loc, "code").unwrap();

    let token_url = format!("{rest}/oauth2/token");
    let bad: Value = support::client()
        .post(&token_url)
        .form(&[
            ("client_id", "agol-backup"),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", "wrong-verifier"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["error"]["code"], 400, "{bad}");
    // A code is single-use even after a failed exchange attempt, as on the real portal.
    let (_, page) = authorize(
        &rest,
        &[
            ("client_id", "agol-backup"),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    let ok = signin(
        &base,
        &[
            ("oauth_state", &oauth_state(&page)),
            ("username", "editor"),
            ("password", "sandbox-editor"),
        ],
    )
    .await;
    let code = query_param(ok.headers()["location"].to_str().unwrap(), "code").unwrap();
    let tok: Value = support::client()
        .post(&token_url)
        .form(&[
            ("client_id", "agol-backup"),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tok["access_token"].as_str().unwrap();
    assert_eq!(tok["username"], "editor");
    assert!(tok["expires_in"].as_i64().unwrap() > 0);
    let me: Value = support::client()
        .get(format!("{rest}/community/self"))
        .query(&[("f", "json")])
        .header("X-Esri-Authorization", format!("Bearer {access}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "editor");

    let refreshed: Value = support::client()
        .post(&token_url)
        .form(&[
            ("client_id", "agol-backup"),
            ("grant_type", "refresh_token"),
            ("refresh_token", tok["refresh_token"].as_str().unwrap()),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(refreshed["access_token"].as_str().is_some(), "{refreshed}");
    let revoked: Value = support::client()
        .post(&token_url)
        .form(&[
            ("client_id", "agol-backup"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "unknown"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["error"]["code"], 498);
}

#[tokio::test]
async fn implicit_flow_as_esri_python_client_does_it() {
    let sb = support::demo().await;
    let base = sb.url().trim_end_matches("/portal").to_string();
    let redirect = "https://127.0.0.1:9999";
    let (status, page) = authorize(
        &sb.rest_url(),
        &[
            ("response_type", "token"),
            ("client_id", "pythonapi"),
            ("redirect_uri", redirect),
            ("state", "S2"),
            ("expiration", "600"),
            ("allow_verification", "false"),
            ("style", "dark"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(!page.contains("Invalid redirect_uri"));
    // The client takes the first {...} on one line: it must be the oAuthInfo object.
    let first = page.lines().find(|l| l.contains('{')).unwrap();
    assert!(first.contains("var oAuthInfo"), "{first}");
    let resp = signin(
        &base,
        &[
            ("expiration", "600"),
            ("oauth_state", &oauth_state(&page)),
            ("username", "admin"),
            ("password", "sandbox-admin"),
        ],
    )
    .await;
    assert_eq!(resp.status(), 302);
    let loc = resp.headers()["location"].to_str().unwrap();
    assert!(
        loc.starts_with("https://127.0.0.1:9999#access_token="),
        "{loc}"
    );
    assert_eq!(query_param(loc, "state").as_deref(), Some("S2"));
    assert_eq!(query_param(loc, "username").as_deref(), Some("admin"));
    assert!(resp.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn out_of_band_code_page_and_bad_clients() {
    let sb = support::demo().await;
    let base = sb.url().trim_end_matches("/portal").to_string();
    let (_, page) = authorize(
        &sb.rest_url(),
        &[
            ("response_type", "code"),
            ("client_id", "pythonapi"),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
        ],
    )
    .await;
    let resp = signin(
        &base,
        &[
            ("oauth_state", &oauth_state(&page)),
            ("authorize", "True"),
            ("username", "admin"),
            ("password", "sandbox-admin"),
        ],
    )
    .await;
    let html = resp.text().await.unwrap();
    assert!(html.contains("<title>SUCCESS code="), "{html}");
    assert!(html.contains("<script>"));
    let (status, body) = authorize(
        &sb.rest_url(),
        &[
            ("response_type", "code"),
            ("client_id", "nobody"),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Error: Invalid client_id"));
    let (status, body) = authorize(
        &sb.rest_url(),
        &[
            ("response_type", "code"),
            ("client_id", "agol-backup"),
            ("redirect_uri", "https://evil.example/cb"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Invalid redirect_uri"));
}
