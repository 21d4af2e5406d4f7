//! Fault injection: every kind happens, the sequence follows the seed, `/sandbox/*` is exempt.

use agol_backup::sandbox::SandboxConfig;
use agol_backup::sandbox::model::Token;

use crate::support;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Outcome {
    Ok,
    Status(u16),
    TooMany { retry_after: String },
    Truncated,
    Reset,
    TokenExpired,
}

async fn observe(url: &str, token: &str) -> Outcome {
    let resp = support::client()
        .get(url)
        .query(&[("f", "json")])
        .header("X-Esri-Authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("headers arrive");
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(_) => return Outcome::Reset,
    };
    if status == 429 {
        return Outcome::TooMany {
            retry_after: retry.unwrap_or_default(),
        };
    }
    if status != 200 {
        return Outcome::Status(status);
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Err(_) => Outcome::Truncated,
        Ok(v) if v["error"]["code"] == 498 => Outcome::TokenExpired,
        Ok(_) => Outcome::Ok,
    }
}

async fn run(seed: u64, n: usize) -> Vec<Outcome> {
    let sb = support::with(SandboxConfig {
        fault_rate: 0.6,
        fault_seed: seed,
        ..SandboxConfig::for_tests()
    })
    .await;
    let mut out = Vec::new();
    for i in 0..n {
        // A fresh token per request, so an injected expiry does not spill into the next one.
        let token = format!("test-token-{i}");
        sb.with_state(|st| {
            st.tokens.insert(
                token.clone(),
                Token {
                    username: "admin".into(),
                    expires: i64::MAX,
                    referer: None,
                },
            );
        });
        out.push(observe(&format!("{}/portals/self", sb.rest_url()), &token).await);
    }
    out
}

#[tokio::test]
async fn every_fault_kind_occurs_and_follows_the_seed() {
    let a = run(7, 80).await;
    let kinds: std::collections::HashSet<_> = a.iter().cloned().collect();
    assert!(kinds.contains(&Outcome::Ok), "{kinds:?}");
    assert!(kinds.contains(&Outcome::Status(500)), "{kinds:?}");
    assert!(kinds.contains(&Outcome::Status(503)), "{kinds:?}");
    assert!(
        kinds.contains(&Outcome::TooMany {
            retry_after: "1".into()
        }),
        "{kinds:?}"
    );
    assert!(kinds.contains(&Outcome::Truncated), "{kinds:?}");
    assert!(kinds.contains(&Outcome::Reset), "{kinds:?}");
    assert!(kinds.contains(&Outcome::TokenExpired), "{kinds:?}");
    let b = run(7, 80).await;
    assert_eq!(a, b, "same seed, same sequence");
    let c = run(8, 80).await;
    assert_ne!(a, c, "another seed, another sequence");
}

#[tokio::test]
async fn an_injected_expiry_really_expires_the_token() {
    let sb = support::with(SandboxConfig {
        fault_rate: 1.0,
        fault_seed: 3,
        ..SandboxConfig::for_tests()
    })
    .await;
    sb.with_state(|st| {
        st.tokens.insert(
            "t".into(),
            Token {
                username: "admin".into(),
                expires: i64::MAX,
                referer: None,
            },
        );
    });
    let url = format!("{}/portals/self", sb.rest_url());
    for _ in 0..60 {
        if observe(&url, "t").await == Outcome::TokenExpired {
            let expires = sb.with_state(|st| st.tokens["t"].expires);
            assert_eq!(expires, 0);
            return;
        }
    }
    panic!("no token expiry injected in 60 requests at rate 1.0");
}

#[tokio::test]
async fn latency_is_added_and_sandbox_routes_are_exempt() {
    let sb = support::with(SandboxConfig {
        latency_ms: 150,
        fault_rate: 1.0,
        ..SandboxConfig::for_tests()
    })
    .await;
    let base = sb.url().trim_end_matches("/portal").to_string();
    let t = std::time::Instant::now();
    let _ = support::client()
        .get(format!("{}/info", sb.rest_url()))
        .send()
        .await;
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
    // /sandbox/* is never faulted: 20 anonymous calls all answer the 499 envelope.
    for _ in 0..20 {
        let v: serde_json::Value = support::client()
            .get(format!("{base}/sandbox/stats"))
            .query(&[("f", "json")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["error"]["code"], 499);
    }
    let stats = sb.stats();
    assert!(stats.faults.values().sum::<u64>() >= 1);
    assert!(
        stats
            .by_route
            .get("GET /sandbox/stats")
            .copied()
            .unwrap_or(0)
            >= 20
    );
}
