//! The organisations the search tests run against (seeded with `with_state`, replacing
//! whatever the dataset holds) and small helpers to search and read results.

use std::collections::BTreeSet;

use agol_backup::sandbox::SandboxHandle;
use agol_backup::sandbox::model::{Content, Group, Item, ItemData, Org, Role, State, User};
use serde_json::{Value, json};

use crate::support::{self, Session};

pub(super) const ORG: &str = "sbxOrg0123456789";
pub(super) const T0: i64 = 1_600_000_000_000;

pub(super) fn id(n: u32) -> String {
    format!("{n:032x}")
}

pub(super) fn group_id(n: u32) -> String {
    format!("{:032x}", 0x9000_0000_u32 + n)
}

/// Resets the state to an org with admin, editor and viewer.
fn base_org(st: &mut State) {
    *st = State::default();
    st.org = Some(Org {
        id: ORG.into(),
        name: "Search Org".into(),
        url_key: "search".into(),
        created: T0,
    });
    for (name, full, role) in [
        ("admin", "Ada Admin", Role::Admin),
        ("editor", "Eddie Editor", Role::Publisher),
        ("viewer", "Vera Viewer", Role::Viewer),
    ] {
        st.users.insert(
            name.into(),
            User {
                username: name.into(),
                password: format!("sandbox-{name}"),
                full_name: full.into(),
                email: format!("{name}@example.com"),
                role,
                created: T0,
            },
        );
    }
}

fn group(n: u32, title: &str, access: &str, members: &[&str]) -> Group {
    Group {
        id: group_id(n),
        title: title.into(),
        owner: "editor".into(),
        access: access.into(),
        members: members.iter().map(|m| (*m).to_string()).collect(),
        snippet: format!("{title} group"),
        tags: vec!["team".into()],
        created: T0 + i64::from(n),
    }
}

struct Spec {
    n: u32,
    title: &'static str,
    kind: &'static str,
    owner: &'static str,
    /// public, org, private, or a group number.
    share: &'static str,
    tags: &'static [&'static str],
    status: Option<&'static str>,
    snippet: &'static str,
}

const ITEMS: &[Spec] = &[
    Spec {
        n: 1,
        title: "Water Mains Map",
        kind: "Web Map",
        owner: "editor",
        share: "org",
        tags: &["water", "utilities"],
        status: Some("org_authoritative"),
        snippet: "Pipes of the city",
    },
    Spec {
        n: 2,
        title: "Water Viewer",
        kind: "Web Mapping Application",
        owner: "editor",
        share: "public",
        tags: &["water", "app"],
        status: None,
        snippet: "Explore the water network",
    },
    Spec {
        n: 3,
        title: "Fire Hydrants",
        kind: "Feature Service",
        owner: "admin",
        share: "public",
        tags: &["fire", "hydrants"],
        status: Some("public_authoritative"),
        snippet: "Hydrant locations",
    },
    Spec {
        n: 4,
        title: "Basemap Tiles",
        kind: "Map Service",
        owner: "admin",
        share: "org",
        tags: &["basemap"],
        status: None,
        snippet: "Cached tiles",
    },
    Spec {
        n: 5,
        title: "Non-authoritative sketch",
        kind: "PDF",
        owner: "editor",
        share: "private",
        tags: &["draft"],
        status: None,
        snippet: "",
    },
    Spec {
        n: 6,
        title: "Data policy",
        kind: "Document Link",
        owner: "admin",
        share: "org",
        tags: &["policy"],
        status: Some("deprecated"),
        snippet: "Authoritative data policy",
    },
    Spec {
        n: 7,
        title: "Field notes",
        kind: "CSV",
        owner: "editor",
        share: "1",
        tags: &["field", "water mains"],
        status: None,
        snippet: "Notes from the field crew",
    },
    Spec {
        n: 8,
        title: "Secret plans",
        kind: "Web Map",
        owner: "editor",
        share: "2",
        tags: &["plans"],
        status: None,
        snippet: "Not for viewers",
    },
    Spec {
        n: 9,
        title: "Editor drafts",
        kind: "Web Map",
        owner: "editor",
        share: "private",
        tags: &["draft"],
        status: None,
        snippet: "Work in progress",
    },
    Spec {
        n: 10,
        title: "fire stations",
        kind: "Feature Collection",
        owner: "viewer",
        share: "org",
        tags: &["Fire"],
        status: None,
        snippet: "Stations",
    },
];

fn build_item(s: &Spec) -> Item {
    let created = T0 + i64::from(s.n) * 1000;
    let mut it = Item::new(&id(s.n), s.owner, s.title, s.kind, created);
    it.modified = created + 500_000 - i64::from(s.n) * 2000;
    it.tags = s.tags.iter().map(|t| (*t).to_string()).collect();
    it.type_keywords = match s.kind {
        "Feature Service" => vec![
            "Hosted Service".into(),
            "Feature Service".into(),
            "Data".into(),
        ],
        "Web Map" => vec![
            "ArcGIS Online".into(),
            "Explorer Web Map".into(),
            "Map".into(),
        ],
        _ => vec!["Data".into()],
    };
    it.content_status = s.status.map(str::to_string);
    if !s.snippet.is_empty() {
        it.extra.insert("snippet".into(), json!(s.snippet));
    }
    it.extra.insert(
        "description".into(),
        json!(format!("<p>About {}: item {}</p>", s.title, s.n)),
    );
    it.extra.insert("numViews".into(), json!(s.n * 10 % 7));
    match s.share {
        "public" => it.sharing.everyone = true,
        "org" => it.sharing.org = true,
        "private" => {}
        g => {
            it.sharing
                .groups
                .insert(group_id(g.parse().expect("group number")));
        }
    }
    if s.kind == "PDF" {
        it.data = ItemData::File {
            name: "sketch_v2.pdf".into(),
            content: Content::bytes(b"%PDF-1.4".to_vec()),
        };
    }
    it
}

/// The small organisation most tests use.
pub(super) async fn small_org() -> SandboxHandle {
    let sb = support::demo().await;
    sb.with_state(|st| {
        base_org(st);
        for g in [
            group(1, "Field Crew", "org", &["editor", "viewer"]),
            group(2, "Planning", "private", &["editor"]),
        ] {
            st.groups.insert(g.id.clone(), g);
        }
        for s in ITEMS {
            let it = build_item(s);
            st.items.insert(it.id.clone(), it);
        }
    });
    sb
}

pub(super) async fn search(s: &Session, q: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("q", q), ("num", "100")];
    form.extend_from_slice(extra);
    s.post("search", &form).await
}

pub(super) fn titles(v: &Value) -> BTreeSet<String> {
    v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {v}"))
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_string())
        .collect()
}

pub(super) fn ordered_titles(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {v}"))
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_string())
        .collect()
}

pub(super) fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

pub(super) async fn expect(s: &Session, q: &str, names: &[&str]) {
    let v = search(s, q, &[]).await;
    assert_eq!(titles(&v), set(names), "q={q}: {}", v["error"]);
    assert_eq!(v["total"], names.len(), "q={q}");
}

/// 12,000 public items, one a second from T0, alternating types and owners.
pub(super) async fn big_org() -> SandboxHandle {
    let sb = support::demo().await;
    sb.with_state(|st| {
        base_org(st);
        for n in 0..12_000u32 {
            let kind = if n % 2 == 0 { "Web Map" } else { "PDF" };
            let owner = if n % 3 == 0 { "admin" } else { "editor" };
            let mut it = Item::new(
                &id(n + 1),
                owner,
                &format!("Item {n:05}"),
                kind,
                T0 + i64::from(n) * 1000,
            );
            it.sharing.everyone = true;
            it.tags = vec![format!("batch{}", n / 1000)];
            st.items.insert(it.id.clone(), it);
        }
    });
    sb
}

/// Pages through one query to its end, returning the ids in order.
pub(super) async fn page_all(s: &Session, q: &str, sort: &[(&str, &str)]) -> (i64, Vec<String>) {
    let mut ids = Vec::new();
    let mut start = 1i64;
    let mut total = 0;
    while start > 0 {
        let st = start.to_string();
        let mut form = vec![("q", q), ("num", "100"), ("start", st.as_str())];
        form.extend_from_slice(sort);
        let v = s.post("search", &form).await;
        total = v["total"].as_i64().unwrap_or_else(|| panic!("{v}"));
        for r in v["results"].as_array().expect("results") {
            ids.push(r["id"].as_str().expect("id").to_string());
        }
        start = v["nextStart"].as_i64().expect("nextStart");
    }
    (total, ids)
}
