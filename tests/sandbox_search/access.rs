//! Who sees what: visibility of results, the group content search, and group and user search.

use super::fixture::*;
use crate::support::{self, Session};

#[tokio::test]
async fn results_respect_visibility() {
    let sb = small_org().await;
    let anon = support::anon_get(&sb, "search", &[("q", "*"), ("num", "100")]).await;
    assert_eq!(titles(&anon), set(&["Water Viewer", "Fire Hydrants"]));
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let v = search(&viewer, "*", &[]).await;
    assert_eq!(
        titles(&v),
        set(&[
            "Water Mains Map",
            "Water Viewer",
            "Fire Hydrants",
            "Basemap Tiles",
            "Data policy",
            "Field notes",
            "fire stations"
        ])
    );
    assert_eq!(
        search(&viewer, "owner:editor access:private", &[]).await["total"],
        0
    );
    assert_eq!(search(&viewer, "title:secret", &[]).await["total"], 0);
    let editor = Session::sign_in(&sb, "editor", "sandbox-editor").await;
    assert_eq!(search(&editor, "*", &[]).await["total"], 10);
    assert_eq!(search(&editor, "access:private", &[]).await["total"], 2);
    let admin = Session::admin(&sb).await;
    let all = search(&admin, "*", &[]).await;
    assert_eq!(
        all["total"],
        sb.snapshot()["items"].as_array().unwrap().len()
    );
    // Results are full item JSON.
    let r = &v["results"][0];
    for key in [
        "id",
        "owner",
        "orgId",
        "title",
        "type",
        "typeKeywords",
        "tags",
        "access",
        "created",
        "modified",
        "name",
        "thumbnail",
        "isOrgItem",
        "url",
    ] {
        assert!(r.get(key).is_some(), "missing {key} in {r}");
    }
    assert_eq!(r["orgId"], ORG);
}

#[tokio::test]
async fn group_content_search() {
    let sb = small_org().await;
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let g1 = group_id(1);
    let v = viewer
        .post(&format!("content/groups/{g1}/search"), &[("q", "")])
        .await;
    assert_eq!(titles(&v), set(&["Field notes"]));
    assert_eq!(v["nextStart"], -1);
    let v = viewer
        .post(
            &format!("content/groups/{g1}/search"),
            &[("q", "owner:admin")],
        )
        .await;
    assert_eq!(v["total"], 0);
    // A private group the viewer is not in is inaccessible.
    let g2 = group_id(2);
    let err = viewer
        .post(&format!("content/groups/{g2}/search"), &[("q", "*")])
        .await;
    assert_eq!(err["error"]["code"], 400);
    let anon = support::anon_get(&sb, &format!("content/groups/{g1}/search"), &[("q", "*")]).await;
    assert_eq!(anon["error"]["code"], 400);
    let admin = Session::admin(&sb).await;
    let v = admin
        .get(&format!("content/groups/{g2}/search"), &[("q", "type:map")])
        .await;
    assert_eq!(titles(&v), set(&["Secret plans"]));
}

#[tokio::test]
async fn community_group_and_user_search() {
    let sb = small_org().await;
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    let v = viewer
        .get("community/groups", &[("q", "*"), ("num", "100")])
        .await;
    assert_eq!(titles(&v), set(&["Field Crew"]));
    assert_eq!(v["results"][0]["userMembership"]["memberType"], "member");
    let admin = Session::admin(&sb).await;
    let v = admin
        .get(
            "community/groups",
            &[
                ("q", "owner:editor"),
                ("sortField", "title"),
                ("sortOrder", "desc"),
            ],
        )
        .await;
    assert_eq!(ordered_titles(&v), ["Planning", "Field Crew"]);
    assert_eq!(v["total"], 2);
    assert_eq!(v["nextStart"], -1);
    let v = admin
        .get(
            "community/groups",
            &[("q", &format!("id:{} OR title:planning", group_id(1)))],
        )
        .await;
    assert_eq!(v["total"], 2);
    let v = admin.get("community/groups", &[("q", "crew")]).await;
    assert_eq!(titles(&v), set(&["Field Crew"]));
    let anon = support::anon_get(&sb, "community/groups", &[("q", "*")]).await;
    assert_eq!(anon["total"], 0);

    let v = viewer
        .get("community/users", &[("q", "eddie"), ("num", "100")])
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    assert_eq!(v["results"][0]["username"], "editor");
    assert!(v["results"][0].get("email").is_none());
    let v = admin
        .get(
            "community/users",
            &[
                ("q", "username:admin OR fullname:vera"),
                ("sortField", "username"),
            ],
        )
        .await;
    let names: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "viewer"]);
    let v = admin
        .get("community/users", &[("q", &format!("orgid:{ORG}"))])
        .await;
    assert_eq!(v["total"], 3);
    let anon = support::anon_get(&sb, "community/users", &[("q", "*")]).await;
    assert_eq!(anon["total"], 0);
}
