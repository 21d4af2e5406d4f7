//! The client against the in-process sandbox: password sign-in over loopback HTTP and over TLS
//! with the sandbox's CA, wrong passwords, transparent re-authentication, retries under
//! injected faults, OAuth, and the blob redirect that must not receive the token.

use agol_backup::portal::wire::Secret;
use agol_backup::portal::{Credentials, PortalClient, PortalError, PortalUrl, oauth};
use agol_backup::sandbox::SandboxConfig;
use agol_backup::sandbox::model::{Content, Item, ItemData};
use serde_json::Value;

use super::{options, sandbox};

fn admin() -> Credentials {
    Credentials::password("admin", "sandbox-admin")
}

fn generate_token_calls(sb: &agol_backup::sandbox::SandboxHandle) -> u64 {
    sb.stats()
        .by_route
        .iter()
        .filter(|(k, _)| k.ends_with("/generateToken"))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test]
async fn password_sign_in_over_loopback_http_and_discovery() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let client = PortalClient::connect(&options(&sb.url()), admin())
        .await
        .unwrap();
    assert_eq!(client.url().rest(), sb.rest_url());
    assert_eq!(client.username().await.as_deref(), Some("admin"));
    let me = client.community_self().await.unwrap();
    assert_eq!(me.username, "admin");
    assert_eq!(me.role.as_deref(), Some("org_admin"));
    assert!(me.has_privilege("portal:admin:viewItems"));
    let ps = client.portal_self().await.unwrap();
    let org_id = sb.snapshot()["org"]["id"].as_str().unwrap().to_string();
    assert_eq!(ps.id.as_deref(), Some(org_id.as_str()));
    assert_eq!(ps.user.map(|u| u.username).as_deref(), Some("admin"));
    // The token was bound to our constant referer, so later calls must have sent it.
    let token = sb.with_state(|st| st.tokens.values().next().map(|t| t.referer.clone()));
    assert_eq!(token.flatten().as_deref(), Some("agol-backup"));
    assert_eq!(generate_token_calls(&sb), 1);
}

#[tokio::test]
async fn password_sign_in_over_tls_with_the_sandbox_ca() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let mut opts = options(&sb.https_url());
    assert!(opts.url.is_https());
    // Without the CA the OS store does not trust the sandbox: a TLS error, not retried.
    let err = PortalClient::connect(&opts, admin()).await.unwrap_err();
    assert!(matches!(err, PortalError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("CA certificate"), "{err}");

    opts.ca_file = Some(sb.ca_path().to_path_buf());
    let client = PortalClient::connect(&opts, admin()).await.unwrap();
    assert_eq!(client.community_self().await.unwrap().username, "admin");

    let mut loose = options(&sb.https_url());
    loose.danger_accept_invalid_certs = true;
    let client = PortalClient::connect(&loose, admin()).await.unwrap();
    assert_eq!(client.community_self().await.unwrap().username, "admin");

    let mut missing = options(&sb.https_url());
    missing.ca_file = Some("/nonexistent/ca.pem".into());
    let err = PortalClient::connect(&missing, admin()).await.unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
}

#[tokio::test]
async fn wrong_password_is_an_api_error_naming_the_password() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let err = PortalClient::connect(
        &options(&sb.url()),
        Credentials::password("admin", "not-the-password"),
    )
    .await
    .unwrap_err();
    let PortalError::Api { code, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*code, 400);
    let text = err.to_string();
    assert!(text.contains("password"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
    assert!(!format!("{err:?}").contains("not-the-password"));
    // A write-like failure is not retried: one attempt.
    assert_eq!(generate_token_calls(&sb), 1);
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_transparently() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let client = PortalClient::connect(&options(&sb.url()), admin())
        .await
        .unwrap();
    assert_eq!(generate_token_calls(&sb), 1);
    sb.with_state(|st| st.tokens.clear());
    let me = client.community_self().await.unwrap();
    assert_eq!(me.username, "admin");
    assert_eq!(generate_token_calls(&sb), 2);
    assert_eq!(sb.with_state(|st| st.tokens.len()), 1);
    // Clones share the new token: no further sign-in.
    let clone = client.clone();
    clone.portal_self().await.unwrap();
    assert_eq!(generate_token_calls(&sb), 2);

    // A token given as is cannot be renewed: the error says to sign in again.
    let token = sb
        .with_state(|st| st.tokens.keys().next().cloned())
        .unwrap();
    let fixed = PortalClient::connect(&options(&sb.url()), Credentials::Token(Secret::new(&token)))
        .await
        .unwrap();
    assert_eq!(fixed.community_self().await.unwrap().username, "admin");
    sb.with_state(|st| st.tokens.clear());
    let err = fixed.community_self().await.unwrap_err();
    assert!(err.is_invalid_token(), "{err:?}");
    assert!(err.to_string().contains("sign in again"), "{err}");
    assert!(!err.to_string().contains(&token));
}

#[tokio::test]
async fn anonymous_calls_that_need_a_user_say_so() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let client = PortalClient::anonymous(&options(&sb.url())).unwrap();
    let err = client.community_self().await.unwrap_err();
    assert!(err.is_token_required(), "{err:?}");
    assert!(err.to_string().contains("sign in"), "{err}");
    let ps = client.portal_self().await.unwrap();
    assert!(ps.user.is_none());
}

#[tokio::test]
async fn injected_faults_are_retried_until_every_read_succeeds() {
    let sb = sandbox(SandboxConfig {
        fault_rate: 0.3,
        fault_seed: 7,
        ..SandboxConfig::for_tests()
    })
    .await;
    let client = PortalClient::connect(&options(&sb.url()), admin())
        .await
        .unwrap();
    let org_id = sb.snapshot()["org"]["id"].clone();
    for i in 0..40 {
        let me = client
            .community_self()
            .await
            .unwrap_or_else(|e| panic!("request {i}: {e}"));
        assert_eq!(me.username, "admin");
        let v: Value = client.get_json("portals/self", &[]).await.unwrap();
        assert_eq!(v["id"], org_id);
    }
    let faults = sb.stats().faults;
    let injected: u64 = faults.values().sum();
    assert!(injected >= 10, "{faults:?}");
    assert!(faults.len() >= 4, "several kinds of fault: {faults:?}");
}

#[tokio::test]
async fn file_download_follows_the_blob_redirect_without_the_token() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let small: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    sb.with_state(|st| {
        let mut pdf = Item::new(&"a".repeat(32), "admin", "Report", "PDF", 1);
        pdf.data = ItemData::File {
            name: "report one.pdf".into(),
            content: Content::bytes(small.clone()),
        };
        let mut big = Item::new(&"b".repeat(32), "admin", "Big", "Image", 1);
        big.data = ItemData::File {
            name: "big.tif".into(),
            content: Content::Generated {
                len: 3_000_000,
                seed: 9,
            },
        };
        let mut map = Item::new(&"c".repeat(32), "admin", "Map", "Web Map", 1);
        map.data = ItemData::Json(std::sync::Arc::new(br#"{"operationalLayers":[]}"#.to_vec()));
        for i in [pdf, big, map] {
            st.items.insert(i.id.clone(), i);
        }
    });
    let client = PortalClient::connect(&options(&sb.url()), admin())
        .await
        .unwrap();

    let d = client
        .download(&format!("content/items/{}/data", "a".repeat(32)))
        .await
        .unwrap();
    assert!(d.url().starts_with(&sb.blob_url()), "{}", d.url());
    assert_eq!(d.file_name().as_deref(), Some("report one.pdf"));
    assert_eq!(d.content_length(), Some(10_000));
    assert_eq!(d.bytes().await.unwrap().as_ref(), small.as_slice());

    let mut big = client
        .download(&format!("content/items/{}/data", "b".repeat(32)))
        .await
        .unwrap();
    let (mut total, mut chunks) = (0usize, 0usize);
    while let Some(c) = big.chunk().await.unwrap() {
        total += c.len();
        chunks += 1;
    }
    assert_eq!(total, 3_000_000);
    assert!(chunks > 1, "streamed in chunks");

    let json = client
        .download(&format!("content/items/{}/data", "c".repeat(32)))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(json.as_ref(), br#"{"operationalLayers":[]}"#);

    // An item the caller cannot see: the envelope in the download is an error, not file bytes.
    let err = client
        .download(&format!("content/items/{}/data", "d".repeat(32)))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn credentials_for_plain_http_remote_hosts_are_refused_offline() {
    for creds in [
        admin(),
        Credentials::Token(Secret::new("t")),
        Credentials::ApiKey(Secret::new("k")),
        Credentials::OAuth {
            client_id: "agol-backup".into(),
            refresh_token: Secret::new("r"),
        },
    ] {
        let opts = options("http://example.com/portal");
        let err = PortalClient::connect(&opts, creds).await.unwrap_err();
        let PortalError::InsecureCredentials { url } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(url, "http://example.com/portal/sharing/rest");
        assert!(err.to_string().contains("use https://"));
    }
}

#[tokio::test]
async fn oauth_code_exchange_with_pkce_then_refresh_credentials() {
    let sb = sandbox(SandboxConfig::for_tests()).await;
    let url = PortalUrl::parse(&sb.url()).unwrap();
    let pkce = oauth::Pkce::generate().unwrap();
    let state = oauth::random_token(16).unwrap();
    let redirect = "http://127.0.0.1:53682/callback";
    let authorize = oauth::authorize_url(
        &url,
        &oauth::AuthorizeRequest {
            client_id: "agol-backup",
            redirect_uri: redirect,
            code_challenge: &pkce.challenge,
            state: &state,
            expiration_minutes: Some(120),
        },
    )
    .unwrap();
    let code = browser_sign_in(&sb, &authorize, &state).await;

    let client = PortalClient::anonymous(&options(&sb.url())).unwrap();
    let wrong = client
        .exchange_code("agol-backup", &code, redirect, &"x".repeat(43))
        .await
        .unwrap_err();
    assert_eq!(wrong.api_code(), Some(400), "{wrong:?}");

    let code = browser_sign_in(&sb, &authorize, &state).await;
    let tokens = client
        .exchange_code("agol-backup", &code, redirect, pkce.verifier.expose())
        .await
        .unwrap();
    assert_eq!(tokens.username.as_deref(), Some("editor"));
    let refresh = tokens.refresh_token.expect("a refresh token");

    let creds = Credentials::OAuth {
        client_id: "agol-backup".into(),
        refresh_token: refresh,
    };
    let signed_in = PortalClient::connect(&options(&sb.url()), creds)
        .await
        .unwrap();
    assert_eq!(signed_in.username().await.as_deref(), Some("editor"));
    sb.with_state(|st| st.tokens.clear());
    assert_eq!(signed_in.community_self().await.unwrap().username, "editor");

    let revoked = Credentials::OAuth {
        client_id: "agol-backup".into(),
        refresh_token: Secret::new("revoked"),
    };
    let err = PortalClient::connect(&options(&sb.url()), revoked)
        .await
        .unwrap_err();
    assert!(err.is_invalid_token(), "{err:?}");
}

/// What the system browser does: open the authorize page, post the sign-in form, and return the
/// `code` the redirect carries (after checking `state`).
async fn browser_sign_in(
    sb: &agol_backup::sandbox::SandboxHandle,
    authorize: &str,
    state: &str,
) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = page.lines().find(|l| l.contains("var oAuthInfo")).unwrap();
    let info: Value =
        serde_json::from_str(&line[line.find('{').unwrap()..=line.rfind('}').unwrap()]).unwrap();
    let base = sb.url();
    let resp = browser
        .post(format!("{base}/sharing/oauth2/signin"))
        .form(&[
            ("oauth_state", info["oauth_state"].as_str().unwrap()),
            ("username", "editor"),
            ("password", "sandbox-editor"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = reqwest::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q["state"], state);
    q["code"].clone()
}
