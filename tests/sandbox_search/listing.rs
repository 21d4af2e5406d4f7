//! Ordering and paging: sort fields, relevance order, `start`/`num`, `filter`, `countFields`, the
//! 10,000-result window and created-range partitions that retrieve everything exactly once.

use std::collections::HashSet;

use serde_json::json;

use super::fixture::*;
use crate::support::Session;

#[tokio::test]
async fn sort_orders_are_deterministic() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    let asc = ordered_titles(&search(&s, "owner:admin", &[("sortField", "title")]).await);
    assert_eq!(asc, ["Basemap Tiles", "Data policy", "Fire Hydrants"]);
    let desc = ordered_titles(
        &search(
            &s,
            "owner:admin",
            &[("sortField", "title"), ("sortOrder", "desc")],
        )
        .await,
    );
    assert_eq!(desc, ["Fire Hydrants", "Data policy", "Basemap Tiles"]);
    // Case-insensitive title order.
    let fire = ordered_titles(&search(&s, "fire", &[("sortField", "title")]).await);
    assert_eq!(fire, ["Fire Hydrants", "fire stations"]);
    let created = ordered_titles(
        &search(
            &s,
            "tags:water",
            &[("sortField", "created"), ("sortOrder", "desc")],
        )
        .await,
    );
    assert_eq!(created, ["Field notes", "Water Viewer", "Water Mains Map"]);
    let modified = ordered_titles(&search(&s, "tags:water", &[("sortField", "modified")]).await);
    assert_eq!(modified, ["Field notes", "Water Viewer", "Water Mains Map"]);
    let by_type = ordered_titles(
        &search(
            &s,
            "owner:editor",
            &[("sortField", "type,title"), ("sortOrder", "asc")],
        )
        .await,
    );
    assert_eq!(
        by_type,
        [
            "Field notes",
            "Non-authoritative sketch",
            "Editor drafts",
            "Secret plans",
            "Water Mains Map",
            "Water Viewer"
        ]
    );
    let by_owner = search(
        &s,
        "*",
        &[("sortField", "owner,created"), ("sortOrder", "desc,asc")],
    )
    .await;
    let owners: Vec<&str> = by_owner["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners[0], "viewer");
    assert_eq!(owners[9], "admin");
    // Ties (every item has 0 ratings) are broken by id.
    let ties: Vec<String> = search(&s, "*", &[("sortField", "numRatings")]).await["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ties, (1..=10).map(id).collect::<Vec<_>>());
    // Without sortField: a stable relevance order, not the created order.
    let r1 = ordered_titles(&search(&s, "*", &[]).await);
    let r2 = ordered_titles(&search(&s, "*", &[]).await);
    assert_eq!(r1, r2);
    let by_created = ordered_titles(&search(&s, "*", &[("sortField", "created")]).await);
    assert_ne!(r1, by_created);
    let bad = search(&s, "*", &[("sortField", "colour")]).await;
    assert_eq!(bad["error"]["message"], "Unable to perform search.");
}

#[tokio::test]
async fn paging_filter_and_counts() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    let p1 = s
        .post(
            "search",
            &[("q", "*"), ("num", "4"), ("sortField", "created")],
        )
        .await;
    assert_eq!(
        (
            p1["start"].as_i64(),
            p1["num"].as_i64(),
            p1["nextStart"].as_i64()
        ),
        (Some(1), Some(4), Some(5))
    );
    assert_eq!(p1["query"], "*");
    let p3 = s
        .post(
            "search",
            &[
                ("q", "*"),
                ("num", "4"),
                ("start", "9"),
                ("sortField", "created"),
            ],
        )
        .await;
    assert_eq!(ordered_titles(&p3), ["Editor drafts", "fire stations"]);
    assert_eq!(p3["nextStart"], -1);
    let zero = s.post("search", &[("q", "*"), ("num", "0")]).await;
    assert_eq!(
        (
            zero["total"].as_i64(),
            zero["results"].as_array().unwrap().len()
        ),
        (Some(10), 0)
    );
    let default = s.post("search", &[("q", "*")]).await;
    assert_eq!(default["num"], 10);
    let capped = s.post("search", &[("q", "*"), ("num", "500")]).await;
    assert_eq!(capped["num"], 100);
    let past = s.post("search", &[("q", "*"), ("start", "50")]).await;
    assert_eq!(
        (past["total"].as_i64(), past["nextStart"].as_i64()),
        (Some(10), Some(-1))
    );
    // filter: exact values only.
    let f = search(&s, "*", &[("filter", "type:\"Web Map\"")]).await;
    assert_eq!(
        titles(&f),
        set(&["Water Mains Map", "Secret plans", "Editor drafts"])
    );
    let f = search(&s, "water", &[("filter", "tags:\"water mains\"")]).await;
    assert_eq!(titles(&f), set(&["Field notes"]));
    // countFields over all matches.
    let c = s
        .post(
            "search",
            &[
                ("q", "*"),
                ("num", "1"),
                ("countFields", "type,access"),
                ("countSize", "2"),
            ],
        )
        .await;
    let counts = c["aggregations"]["counts"].as_array().unwrap();
    assert_eq!(counts[0]["fieldName"], "type");
    assert_eq!(
        counts[0]["fieldValues"][0],
        json!({"value": "Web Map", "count": 3})
    );
    assert_eq!(counts[0]["fieldValues"].as_array().unwrap().len(), 2);
    assert_eq!(
        counts[1]["fieldValues"][0],
        json!({"value": "org", "count": 4})
    );
}

#[tokio::test]
async fn the_ten_thousand_window() {
    let sb = big_org().await;
    let s = Session::admin(&sb).await;
    let first = s.post("search", &[("q", "*"), ("num", "1")]).await;
    assert_eq!(first["total"], 12_000);
    assert_eq!(first["nextStart"], 2);
    let last = s
        .post("search", &[("q", "*"), ("start", "9901"), ("num", "100")])
        .await;
    assert_eq!(last["total"], 12_000);
    assert_eq!(last["results"].as_array().unwrap().len(), 100);
    assert_eq!(last["nextStart"], -1);
    let before = s
        .post("search", &[("q", "*"), ("start", "9801"), ("num", "100")])
        .await;
    assert_eq!(before["nextStart"], 9901);
    let straddle = s
        .post(
            "search",
            &[
                ("q", "*"),
                ("start", "9951"),
                ("num", "100"),
                ("sortField", "created"),
            ],
        )
        .await;
    assert_eq!(straddle["results"].as_array().unwrap().len(), 50);
    assert_eq!(straddle["results"][49]["title"], "Item 09999");
    assert_eq!(straddle["nextStart"], -1);
    let beyond = s
        .post("search", &[("q", "*"), ("start", "10001"), ("num", "100")])
        .await;
    assert_eq!(beyond["error"]["code"], 400);
    assert_eq!(beyond["error"]["message"], "Unable to perform search.");
    assert!(
        beyond["error"]["details"][0]
            .as_str()
            .unwrap()
            .contains("first 10,000")
    );
    // A narrower query under the window pages to its end.
    let narrow = s
        .post("search", &[("q", "owner:admin"), ("num", "1")])
        .await;
    assert_eq!(narrow["total"], 4000);
    let narrow = s
        .post(
            "search",
            &[
                ("q", "type:pdf tags:batch3"),
                ("num", "100"),
                ("start", "401"),
            ],
        )
        .await;
    assert_eq!(narrow["total"], 500);
    assert_eq!(narrow["results"].as_array().unwrap().len(), 100);
    assert_eq!(narrow["nextStart"], -1);
}

#[tokio::test]
async fn created_range_partitions_retrieve_everything_exactly_once() {
    let sb = big_org().await;
    let s = Session::admin(&sb).await;
    let mid = T0 + 6_000_000; // items 0..5999 below, 6000..11999 from here
    let (t1, a) = page_all(
        &s,
        &format!("created:[* TO {mid:019}}} accountid:{ORG}"),
        &[],
    )
    .await;
    let (t2, b) = page_all(
        &s,
        &format!("created:[{mid:019} TO *]"),
        &[("sortField", "created"), ("sortOrder", "desc")],
    )
    .await;
    assert_eq!((t1, t2), (6000, 6000));
    assert_eq!((a.len(), b.len()), (6000, 6000));
    let mut seen = HashSet::new();
    for x in a.iter().chain(&b) {
        assert!(seen.insert(x.clone()), "duplicate {x}");
    }
    let all: HashSet<String> = sb.with_state(|st| st.items.keys().cloned().collect());
    assert_eq!(seen, all);
    // The relevance order is not the created order; the sorted window is.
    let created: Vec<String> = (6000..12_000u32).rev().map(|n| id(n + 1)).collect();
    assert_eq!(b, created);
    let mut sorted_a = a.clone();
    sorted_a.sort();
    assert_ne!(a, sorted_a);
}
