//! Core sandbox routes: discovery, tokens, errors, the blob redirect, TLS on the same port.

use crate::support::{self, Session};
use serde_json::Value;

#[tokio::test]
async fn info_and_version_root_answer_without_www_authenticate() {
    let sb = support::demo().await;
    let http = support::client();
    for path in [
        "/portal/sharing/rest/info",
        "/portal/info",
        "/portal/rest/info",
        "/portal/sharing/rest",
    ] {
        let url = format!("{}{}", sb.url().trim_end_matches("/portal"), path);
        let resp = http.get(&url).query(&[("f", "json")]).send().await.unwrap();
        assert!(resp.headers().get("www-authenticate").is_none(), "{path}");
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("json"),
            "{path}"
        );
    }
    let root = support::anon_get(&sb, "", &[]).await;
    assert_eq!(root["currentVersion"], "2024.3");
    let info = support::anon_get(&sb, "info", &[]).await;
    assert_eq!(info["authInfo"]["isTokenBasedSecurity"], true);
}

#[tokio::test]
async fn generate_token_checks_password_and_binds_referer() {
    let sb = support::demo().await;
    let bad: Value = support::client()
        .post(format!("{}/generateToken", sb.rest_url()))
        .form(&[
            ("username", "admin"),
            ("password", "nope"),
            ("client", "referer"),
            ("referer", "x"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["error"]["code"], 400);
    assert_eq!(bad["error"]["details"][0], "Invalid username or password.");

    let s = Session::admin(&sb).await;
    let me = s.get("community/self", &[]).await;
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "org_admin");
    // Same token, another referer: invalid.
    let other: Value = support::client()
        .get(format!("{}/community/self", s.rest))
        .query(&[("f", "json")])
        .header("X-Esri-Authorization", format!("Bearer {}", s.token))
        .header("Referer", "http://elsewhere")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(other["error"]["code"], 498);
}

#[tokio::test]
async fn missing_and_invalid_tokens_give_499_and_498_in_http_200() {
    let sb = support::demo().await;
    let resp = support::client()
        .get(format!("{}/community/self", sb.rest_url()))
        .query(&[("f", "json")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], 499);
    let v: Value = support::client()
        .get(format!("{}/community/self", sb.rest_url()))
        .query(&[("f", "json")])
        .header("X-Esri-Authorization", "Bearer not-a-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"]["code"], 498);
    assert_eq!(v["error"]["message"], "Invalid token.");
}

#[tokio::test]
async fn tls_and_plain_http_share_one_port() {
    let sb = support::demo().await;
    let pem = std::fs::read(sb.ca_path()).unwrap();
    let ca = reqwest::Certificate::from_pem(&pem).unwrap();
    let https = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let v: Value = https
        .get(format!("{}/sharing/rest/info", sb.https_url()))
        .query(&[("f", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["authInfo"]["isTokenBasedSecurity"], true);
    let plain = support::anon_get(&sb, "info", &[]).await;
    assert_eq!(plain, v);
    // The blob origin's certificate covers its address too.
    let host = sb.blob_url().replacen("http://", "https://", 1);
    let r = https
        .get(format!("{host}/blob/x/y/z"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn sandbox_admin_routes_need_an_admin() {
    let sb = support::demo().await;
    let anon = support::client()
        .get(format!(
            "{}/sandbox/stats",
            sb.url().trim_end_matches("/portal")
        ))
        .query(&[("f", "json")])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(anon["error"]["code"], 499);
    let base = sb.url().trim_end_matches("/portal").to_string();
    let admin = Session::admin(&sb).await;
    let stats = admin.get_url(&format!("{base}/sandbox/stats"), &[]).await;
    assert!(stats["requests"].as_u64().unwrap() >= 2, "{stats}");
    assert!(
        stats["by_route"]["POST /portal/sharing/rest/generateToken"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let snap = admin
        .get_url(&format!("{base}/sandbox/snapshot"), &[])
        .await;
    assert!(
        snap["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "viewer")
    );
}

#[tokio::test]
async fn repeated_slashes_in_a_path_count_as_one() {
    // Esri's Python API posts `create_view` to `{resturl}/content/users/{u}/createService`
    // with a `resturl` that ends in `/`.
    let sb = support::demo().await;
    let s = Session::admin(&sb).await;
    let me = s.get("/community//self", &[]).await;
    assert_eq!(me["username"], "admin", "{me}");
    let url = format!("{}//content/users/admin/createService", s.rest);
    let cp = r#"{"name":"SlashView","capabilities":"Query"}"#;
    let v: Value = s
        .auth(support::client().post(&url))
        .form(&[
            ("createParameters", cp),
            ("outputType", "featureService"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["success"], true, "{v}");
    assert_eq!(v["name"], "SlashView");
}
