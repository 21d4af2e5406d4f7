//! Request-level behaviour of the choke point against wiremock: `Retry-After`, which failures
//! are retried (and which are not), decode errors naming the JSON path, redirects dropping the
//! token across origins, and the concurrency bound.

use std::time::{Duration, Instant};

use agol_backup::portal::wire::{Item, SearchPage, Secret};
use agol_backup::portal::{ApiRequest, Credentials, PortalClient, PortalError};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::options;

const REST: &str = "/portal/sharing/rest";

fn client(server: &MockServer) -> PortalClient {
    PortalClient::anonymous(&options(&format!("{}/portal", server.uri()))).unwrap()
}

async fn token_client(server: &MockServer) -> PortalClient {
    let opts = options(&format!("{}/portal", server.uri()));
    PortalClient::connect(&opts, Credentials::Token(Secret::new("secret-token-123")))
        .await
        .unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn json_body(v: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(v)
}

#[tokio::test]
async fn http_429_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{REST}/search")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_string("slow down"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("{REST}/search")))
        .respond_with(json_body(
            &json!({"total": 0, "start": 1, "num": 0, "nextStart": -1, "results": []}),
        ))
        .mount(&server)
        .await;
    let started = Instant::now();
    let page: SearchPage<Item> = client(&server)
        .get_json("search", &[("q", "owner:me")])
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(page.next(), None);
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    let q: Vec<(String, String)> = reqs[1].url.query_pairs().into_owned().collect();
    assert!(q.contains(&("f".into(), "json".into())));
    assert!(q.contains(&("q".into(), "owner:me".into())));
    assert_eq!(reqs[1].headers["referer"], "agol-backup");
}

#[tokio::test]
async fn transient_failures_are_retried_up_to_the_limit_and_writes_never() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{REST}/down")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.get_json::<Value>("down", &[]).await.unwrap_err();
    assert!(
        matches!(err, PortalError::Http { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 6, "max attempts");

    server.reset().await;
    Mock::given(path(format!("{REST}/down")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = c
        .post_json::<Value>("down", &[("x", "1")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, PortalError::Http { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 1, "a write is not retried");

    server.reset().await;
    Mock::given(path(format!("{REST}/down")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let _ = c
        .post_read::<Value>("down", &[("q", "x")])
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 6, "a read POST is retried");
}

#[tokio::test]
async fn envelope_500_in_http_200_and_cut_bodies_are_retried() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{REST}/flaky")))
        .respond_with(json_body(
            &json!({"error": {"code": 500, "message": "Internal error", "details": []}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("{REST}/flaky")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"total": 3, "resu"#, "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(format!("{REST}/flaky")))
        .respond_with(json_body(&json!({"ok": true})))
        .mount(&server)
        .await;
    let v: Value = client(&server).get_json("flaky", &[]).await.unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn decode_errors_name_the_json_path_and_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{REST}/search")))
        .respond_with(json_body(
            &json!({"total": 2, "results": [{"id": "a"}, {"id": 5}]}),
        ))
        .mount(&server)
        .await;
    let err = token_client(&server)
        .await
        .get_json::<SearchPage<Item>>("search", &[("token", "leak-me")])
        .await
        .unwrap_err();
    let PortalError::Decode { path, url, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "results[1].id");
    assert!(
        !url.contains("secret-token-123") && !url.contains("leak-me"),
        "{url}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn the_token_travels_in_the_header_only_and_never_across_origins() {
    let blob = MockServer::start().await;
    Mock::given(path("/blob/file.bin"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![7u8; 2048], "application/octet-stream"),
        )
        .mount(&blob)
        .await;
    let portal = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{REST}/content/items/x/data")))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/blob/file.bin", blob.uri())),
        )
        .mount(&portal)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REST}/moved")))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", format!("{REST}/here")))
        .mount(&portal)
        .await;
    Mock::given(path(format!("{REST}/here")))
        .and(header("X-Esri-Authorization", "Bearer secret-token-123"))
        .respond_with(json_body(&json!({"here": true})))
        .mount(&portal)
        .await;
    let c = token_client(&portal).await;
    let bytes = c
        .download("content/items/x/data")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), 2048);
    let blob_reqs = requests(&blob).await;
    assert_eq!(blob_reqs.len(), 1);
    assert!(!blob_reqs[0].headers.contains_key("x-esri-authorization"));
    assert!(!blob_reqs[0].headers.contains_key("authorization"));
    // A same-origin redirect keeps the token.
    let v: Value = c.get_json("moved", &[]).await.unwrap();
    assert_eq!(v["here"], true);
    for r in requests(&portal).await {
        assert!(!r.url.as_str().contains("secret-token-123"), "{}", r.url);
    }
}

#[tokio::test]
async fn requests_in_flight_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{REST}/slow")))
        .respond_with(json_body(&json!({})).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    let mut opts = options(&format!("{}/portal", server.uri()));
    opts.max_concurrency = 2;
    let c = PortalClient::anonymous(&opts).unwrap();
    let started = Instant::now();
    let calls = (0..6).map(|_| {
        let c = c.clone();
        async move { c.call_value(&ApiRequest::get("slow")).await }
    });
    for r in futures_util::future::join_all(calls).await {
        r.unwrap();
    }
    // 6 requests, 2 at a time, 200 ms each: at least 3 rounds.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}
