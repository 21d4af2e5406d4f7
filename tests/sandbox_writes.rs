//! Item writes against the in-process sandbox: add/update/upload, delete and protection, folders
//! and moves, sharing and content status, resources and relationships. The demo dataset is not
//! assumed: each test seeds its own small org with `with_state`.

mod add;
mod manage;
mod resources;
mod share;

use std::collections::BTreeSet;

use agol_backup::sandbox::SandboxHandle;
use agol_backup::sandbox::model::{Content, Folder, Group, Item, ItemData, Org, Role, State, User};
use agol_backup::sandbox::services::Service;
use reqwest::multipart::Form;
use serde_json::Value;

use crate::support::{self, REFERER, Session};

/// Editor's web map in the root folder.
pub const MAP: &str = "0a000000000000000000000000000001";
/// Editor's PDF in the `Projects` folder.
pub const PDF: &str = "0b000000000000000000000000000002";
/// Editor's hosted feature service item (with a service `Hydrants`).
pub const FS: &str = "0c000000000000000000000000000003";
/// Admin's own web map.
pub const ADMIN_MAP: &str = "0d000000000000000000000000000004";
/// Editor's folder `Projects`.
pub const FOLDER: &str = "f0000000000000000000000000000001";
/// Group `Team` (editor, viewer).
pub const TEAM: &str = "90000000000000000000000000000001";
/// Group `Admins` (admin only).
pub const ADMINS: &str = "90000000000000000000000000000002";

/// Epoch ms of the seeded items, so changes to `modified` are visible.
pub const SEEDED: i64 = 1_600_000_000_000;

fn user(name: &str, role: Role) -> User {
    User {
        username: name.into(),
        password: format!("sandbox-{name}"),
        full_name: name.into(),
        email: format!("{name}@example.com"),
        role,
        created: SEEDED,
    }
}

fn group(id: &str, title: &str, owner: &str, members: &[&str]) -> Group {
    Group {
        id: id.into(),
        title: title.into(),
        owner: owner.into(),
        access: "org".into(),
        members: members
            .iter()
            .map(|m| (*m).to_string())
            .collect::<BTreeSet<_>>(),
        snippet: String::new(),
        tags: Vec::new(),
        created: SEEDED,
    }
}

fn seed(st: &mut State) {
    // Whatever dataset the sandbox started with, the tests see only this org.
    *st = State::default();
    st.org = Some(Org {
        id: "sbxWrites".into(),
        name: "Writes".into(),
        url_key: "writes".into(),
        created: SEEDED,
    });
    for (n, r) in [
        ("admin", Role::Admin),
        ("editor", Role::Publisher),
        ("viewer", Role::Viewer),
    ] {
        st.users.insert(n.into(), user(n, r));
    }
    st.groups.insert(
        TEAM.into(),
        group(TEAM, "Team", "editor", &["editor", "viewer"]),
    );
    st.groups
        .insert(ADMINS.into(), group(ADMINS, "Admins", "admin", &["admin"]));
    st.folders.insert(
        FOLDER.into(),
        Folder {
            id: FOLDER.into(),
            owner: "editor".into(),
            title: "Projects".into(),
            created: SEEDED,
        },
    );
    let mut map = Item::new(MAP, "editor", "Hydrant map", "Web Map", SEEDED);
    map.data = ItemData::Json(std::sync::Arc::new(br#"{"operationalLayers":[]}"#.to_vec()));
    let mut pdf = Item::new(PDF, "editor", "Report", "PDF", SEEDED);
    pdf.folder = Some(FOLDER.into());
    pdf.data = ItemData::File {
        name: "report.pdf".into(),
        content: Content::bytes(b"%PDF-1.4".to_vec()),
    };
    let fs = Item::new(FS, "editor", "Hydrants", "Feature Service", SEEDED);
    let admin_map = Item::new(ADMIN_MAP, "admin", "Admin map", "Web Map", SEEDED);
    for it in [map, pdf, fs, admin_map] {
        st.items.insert(it.id.clone(), it);
    }
    st.services.insert(
        "Hydrants".into(),
        Service {
            name: "Hydrants".into(),
            item_id: FS.into(),
            layers: Vec::new(),
            capabilities: "Query".into(),
            max_record_count: 2000,
            description: String::new(),
            view_of: None,
        },
    );
}

/// A sandbox holding the small seeded org, and sessions for its three users.
pub struct Fixture {
    /// The sandbox.
    pub sb: SandboxHandle,
    /// `admin` (org admin).
    pub admin: Session,
    /// `editor` (publisher).
    pub editor: Session,
    /// `viewer` (org user).
    pub viewer: Session,
}

/// Starts a sandbox and seeds it.
pub async fn fixture() -> Fixture {
    let sb = support::demo().await;
    sb.with_state(seed);
    let admin = Session::sign_in(&sb, "admin", "sandbox-admin").await;
    let editor = Session::sign_in(&sb, "editor", "sandbox-editor").await;
    let viewer = Session::sign_in(&sb, "viewer", "sandbox-viewer").await;
    Fixture {
        sb,
        admin,
        editor,
        viewer,
    }
}

impl Fixture {
    /// The snapshot entry of item `id`, or `None` when it is gone.
    pub fn item(&self, id: &str) -> Option<Value> {
        self.sb.snapshot()["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["id"] == id).cloned())
    }
}

/// POST `{rest}/{path}` as multipart with `f=json`, signed in as `s`.
pub async fn post_multipart(s: &Session, path: &str, form: Form) -> Value {
    let url = format!("{}/{}", s.rest, path);
    s.auth(s.http.post(url).query(&[("f", "json")]).multipart(form))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json body")
}

/// Anonymous form POST of `{rest}/{path}`.
pub async fn anon_post(sb: &SandboxHandle, path: &str, form: &[(&str, &str)]) -> Value {
    support::client()
        .post(format!("{}/{path}", sb.rest_url()))
        .header("Referer", REFERER)
        .form(&[form, &[("f", "json")]].concat())
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// Downloads `/data` of `id`: follows a 302 to the blob origin without the auth header.
pub async fn data_bytes(s: &Session, id: &str) -> Vec<u8> {
    let resp = s
        .auth(s.http.get(format!("{}/content/items/{id}/data", s.rest)))
        .send()
        .await
        .expect("data");
    let resp = if resp.status() == 302 {
        let location = resp.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        support::client().get(location).send().await.expect("blob")
    } else {
        resp
    };
    assert_eq!(resp.status(), 200);
    resp.bytes().await.expect("bytes").to_vec()
}

/// Asserts an ArcGIS error envelope with `code`.
#[track_caller]
pub fn assert_error(v: &Value, code: u16) {
    assert_eq!(v["error"]["code"], code, "expected error {code}, got {v}");
}
