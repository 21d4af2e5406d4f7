//! The query language over HTTP: field kinds, loose `type:` and `contentstatus:`, boolean logic
//! and precedence, phrases, wildcards, date ranges and malformed queries.

use serde_json::{Value, json};

use super::fixture::*;
use crate::support::Session;

#[tokio::test]
async fn every_field_kind_matches() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    expect(&s, "owner:viewer", &["fire stations"]).await;
    expect(
        &s,
        "Owner:ADMIN",
        &["Fire Hydrants", "Basemap Tiles", "Data policy"],
    )
    .await;
    expect(&s, &format!("id:{}", id(3)), &["Fire Hydrants"]).await;
    expect(&s, "tags:hydrants", &["Fire Hydrants"]).await;
    expect(&s, "tags:\"water mains\"", &["Field notes"]).await;
    expect(&s, "typekeywords:\"hosted service\"", &["Fire Hydrants"]).await;
    expect(&s, "title:policy", &["Data policy"]).await;
    expect(
        &s,
        "access:private",
        &["Non-authoritative sketch", "Editor drafts"],
    )
    .await;
    expect(&s, "access:shared", &["Field notes", "Secret plans"]).await;
    expect(&s, "access:public", &["Water Viewer", "Fire Hydrants"]).await;
    expect(&s, &format!("group:{}", group_id(1)), &["Field notes"]).await;
    expect(&s, "name:sketch_v2", &["Non-authoritative sketch"]).await;
    expect(&s, "snippet:crew", &["Field notes"]).await;
    expect(&s, "description:\"about basemap\"", &["Basemap Tiles"]).await;
    expect(
        &s,
        "contentstatus:public_authoritative",
        &["Fire Hydrants", "Non-authoritative sketch", "Data policy"],
    )
    .await;
    // orgid and accountid both restrict to the org; another org id finds nothing.
    let all = search(&s, "*", &[]).await;
    assert_eq!(all["total"], 10);
    assert_eq!(search(&s, &format!("orgid:{ORG}"), &[]).await["total"], 10);
    assert_eq!(
        search(&s, &format!("accountid:{}", ORG.to_lowercase()), &[]).await["total"],
        10
    );
    assert_eq!(search(&s, "accountid:otherorg", &[]).await["total"], 0);
    assert_eq!(search(&s, "", &[]).await["total"], 10);
    // Unknown fields match nothing.
    assert_eq!(search(&s, "colour:blue", &[]).await["total"], 0);
}

#[tokio::test]
async fn type_is_loose_and_clients_exclude_with_not() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    expect(
        &s,
        "type:\"Web Map\"",
        &[
            "Water Mains Map",
            "Secret plans",
            "Editor drafts",
            "Water Viewer",
        ],
    )
    .await;
    expect(
        &s,
        "type:map",
        &[
            "Water Mains Map",
            "Secret plans",
            "Editor drafts",
            "Water Viewer",
            "Basemap Tiles",
        ],
    )
    .await;
    expect(
        &s,
        "(type:\"web map\" NOT type:\"web mapping application\")",
        &["Water Mains Map", "Secret plans", "Editor drafts"],
    )
    .await;
    expect(&s, "type:\"feature service\"", &["Fire Hydrants"]).await;
    expect(&s, "type:feature", &["Fire Hydrants", "fire stations"]).await;
    // Esri's client appends the org restriction with a space: an implicit AND.
    expect(
        &s,
        &format!("type:\"Web Map\" owner:editor access:private accountid:{ORG}"),
        &["Editor drafts"],
    )
    .await;
}

#[tokio::test]
async fn boolean_logic_precedence_and_grouping() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    // AND binds tighter than OR.
    expect(
        &s,
        "owner:viewer OR tags:water AND type:application",
        &["fire stations", "Water Viewer"],
    )
    .await;
    expect(
        &s,
        "(owner:viewer OR tags:water) AND type:application",
        &["Water Viewer"],
    )
    .await;
    // NOT binds tighter than AND.
    expect(
        &s,
        "tags:water AND NOT type:application OR owner:viewer",
        &["Water Mains Map", "Field notes", "fire stations"],
    )
    .await;
    expect(
        &s,
        "tags:water NOT (type:application OR type:map)",
        &["Field notes"],
    )
    .await;
    expect(&s, "tags:water -type:map", &["Field notes"]).await;
    expect(
        &s,
        "tags:water -type:application",
        &["Water Mains Map", "Field notes"],
    )
    .await;
    expect(&s, "+owner:admin +tags:fire", &["Fire Hydrants"]).await;
    expect(
        &s,
        "tags:(basemap OR policy)",
        &["Basemap Tiles", "Data policy"],
    )
    .await;
    expect(&s, "NOT owner:editor NOT owner:admin", &["fire stations"]).await;
    // Lower-case operators are plain words (free text), not operators.
    expect(&s, "water or fire", &[]).await;
}

#[tokio::test]
async fn phrases_free_text_and_wildcards() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    expect(&s, "\"water mains\"", &["Water Mains Map", "Field notes"]).await;
    expect(&s, "\"mains water\"", &[]).await;
    expect(&s, "HYDRANTS", &["Fire Hydrants"]).await;
    expect(&s, "fire", &["Fire Hydrants", "fire stations"]).await;
    expect(&s, "title:Fire*", &["Fire Hydrants", "fire stations"]).await;
    expect(
        &s,
        "title:fi*",
        &["Fire Hydrants", "fire stations", "Field notes"],
    )
    .await;
    expect(
        &s,
        "wat*",
        &["Water Mains Map", "Water Viewer", "Field notes"],
    )
    .await;
    expect(
        &s,
        "owner:edit*",
        &[
            "Water Mains Map",
            "Water Viewer",
            "Non-authoritative sketch",
            "Field notes",
            "Secret plans",
            "Editor drafts",
        ],
    )
    .await;
    // Free text covers the owner and the type too; words match whole tokens (no stemming).
    expect(&s, "viewer", &["Water Viewer", "fire stations"]).await;
    expect(&s, "viewers", &["Secret plans"]).await;
    expect(&s, "collection", &["fire stations"]).await;
}

#[tokio::test]
async fn date_ranges_inclusive_exclusive_padded_and_open() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    let (c2, c4) = (T0 + 2000, T0 + 4000);
    expect(
        &s,
        &format!("created:[{c2} TO {c4}]"),
        &["Water Viewer", "Fire Hydrants", "Basemap Tiles"],
    )
    .await;
    expect(&s, &format!("created:{{{c2} TO {c4}}}"), &["Fire Hydrants"]).await;
    expect(
        &s,
        &format!("created:[{c2} TO {c4}}}"),
        &["Water Viewer", "Fire Hydrants"],
    )
    .await;
    expect(
        &s,
        &format!("uploaded:[{c2:019} TO {c4:019}]"),
        &["Water Viewer", "Fire Hydrants", "Basemap Tiles"],
    )
    .await;
    expect(
        &s,
        &format!("created:[* TO {c2}]"),
        &["Water Mains Map", "Water Viewer"],
    )
    .await;
    expect(
        &s,
        &format!("created:[{} TO *]", T0 + 9000),
        &["Editor drafts", "fire stations"],
    )
    .await;
    // modified runs the other way in the fixture (item 10 modified first).
    let m9 = T0 + 9000 + 500_000 - 18_000;
    expect(
        &s,
        &format!("modified:[* TO {m9}]"),
        &["Editor drafts", "fire stations"],
    )
    .await;
    expect(&s, &format!("created:{c2}"), &["Water Viewer"]).await;
}

#[tokio::test]
async fn contentstatus_has_loose_hits_that_clients_must_recheck() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    let v = search(&s, "contentstatus:org_authoritative", &[]).await;
    assert_eq!(
        titles(&v),
        set(&["Water Mains Map", "Non-authoritative sketch", "Data policy"])
    );
    let exact: Vec<&Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["contentStatus"] == "org_authoritative")
        .collect();
    assert_eq!(exact.len(), 1);
    // The loose hits really hold another status (or none) in the sandbox.
    let snap = sb.snapshot();
    let status_of = |n: u32| {
        snap["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id(n))
            .unwrap()
            .get("contentStatus")
            .cloned()
    };
    assert_eq!(status_of(5), None);
    assert_eq!(status_of(6), Some(json!("deprecated")));
    assert_eq!(status_of(1), Some(json!("org_authoritative")));
    // The utility's scan query gets the union, loose hits included.
    let both = search(
        &s,
        "contentstatus:org_authoritative OR contentstatus:public_authoritative",
        &[],
    )
    .await;
    assert_eq!(both["total"], 4);
    // `filter` is exact: no loose hits.
    let f = search(&s, "*", &[("filter", "contentstatus:org_authoritative")]).await;
    assert_eq!(titles(&f), set(&["Water Mains Map"]));
}

#[tokio::test]
async fn malformed_queries_are_rejected_with_details() {
    let sb = small_org().await;
    let s = Session::admin(&sb).await;
    for (q, detail) in [
        ("(type:map OR owner:admin", "'(' without a matching ')'"),
        ("type:map)", "')' without a matching '('"),
        ("title:\"water", "Unbalanced quotes"),
        ("created:[1 TO", "Incomplete range"),
        ("created:[1 2]", "Malformed range"),
        ("owner:admin AND", "Missing term after 'AND'"),
        ("title:[a TO b]", "needs a date field"),
    ] {
        let resp = s
            .auth(
                s.http
                    .post(format!("{}/search", s.rest))
                    .form(&[("q", q), ("f", "json")]),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{q}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], 400, "{q}");
        assert_eq!(v["error"]["message"], "Unable to perform search.", "{q}");
        let d = v["error"]["details"][0].as_str().unwrap();
        assert!(d.contains(detail), "{q}: {d}");
    }
    let long = "a ".repeat(6000);
    assert_eq!(search(&s, &long, &[]).await["error"]["code"], 400);
}
