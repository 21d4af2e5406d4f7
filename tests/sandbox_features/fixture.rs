//! The feature-service fixture: users (admin, editor, viewer), an org, and hosted services
//! seeded straight into the state (the demo dataset is not assumed):
//! - `FxHydrants` (owner editor, shared with the org): point layer 0 with 450 features,
//!   attachments on features 1-5 (two on 2), table 1 `Inspections` with 30 rows;
//!   capabilities `Query,Create,Update,Delete,Editing,Extract`, maxRecordCount 200;
//! - `FxParcels` (org, `Query` only): a polygon layer with 3 features;
//! - `FxActive` (org): a view of `FxHydrants` layer 0 with `STATUS = 'active'`;
//! - `FxPrivate` (not shared): one point.

use std::collections::BTreeMap;
use std::sync::Arc;

use agol_backup::sandbox::model::{Item, Org, Role, Sharing, User};
use agol_backup::sandbox::services::{Attachment, Feature, Field, Layer, Service};
use agol_backup::sandbox::{SandboxConfig, SandboxHandle};
use serde_json::{Map, Value, json};

use crate::support::{self, Session};

/// Hydrants in `FxHydrants` layer 0.
pub const HYDRANTS: usize = 450;
/// Active hydrants (every third one is retired).
pub const ACTIVE: usize = 300;
/// Attachments in `FxHydrants` layer 0.
pub const ATTACHMENTS: usize = 6;
/// `INSTALLED` of hydrant `i`: 2000-03-01 plus `i` days.
pub const INSTALLED_BASE: i64 = 951_868_800_000;

/// A started sandbox with the fixture, and its `http://host:port` root.
pub struct Fx {
    /// The sandbox.
    pub sb: SandboxHandle,
    /// `http://127.0.0.1:PORT`.
    pub root: String,
}

impl Fx {
    /// `{root}/server/rest/services/Hosted/{path}`.
    pub fn svc(&self, path: &str) -> String {
        format!("{}/server/rest/services/Hosted/{path}", self.root)
    }

    /// `{root}/server/rest/admin/services/Hosted/{path}`.
    pub fn admin(&self, path: &str) -> String {
        format!("{}/server/rest/admin/services/Hosted/{path}", self.root)
    }

    /// Signs in as `admin`, `editor` or `viewer`.
    pub async fn session(&self, user: &str) -> Session {
        Session::sign_in(&self.sb, user, &format!("sandbox-{user}")).await
    }

    /// The fixture's layers as the sandbox holds them now: (features, attachments, lastEditDate).
    pub fn layer_state(&self, service: &str, layer: u32) -> (usize, usize, i64) {
        self.sb.with_state(|st| {
            let l = st.services[service].layer(layer).expect("layer");
            (
                l.features.len(),
                l.attachments.values().map(Vec::len).sum(),
                l.last_edit_date,
            )
        })
    }
}

/// The fixture on a sandbox whose jobs take `delay_ms`.
pub async fn start_with_delay(delay_ms: u64) -> Fx {
    let sb = support::with(SandboxConfig {
        export_delay_ms: delay_ms,
        ..SandboxConfig::for_tests()
    })
    .await;
    let root = sb.url().trim_end_matches("/portal").to_string();
    let base = format!("{root}/server/rest/services/Hosted");
    sb.with_state(|st| seed(st, &base));
    Fx { sb, root }
}

/// The fixture with the test configuration's job delay.
pub async fn start() -> Fx {
    start_with_delay(SandboxConfig::for_tests().export_delay_ms).await
}

fn attrs(v: Value) -> Map<String, Value> {
    v.as_object().cloned().expect("object")
}

fn guid(kind: u32, n: usize) -> String {
    format!("{{{kind:08X}-0000-4000-8000-{n:012X}}}")
}

fn hydrants_layer() -> Layer {
    let mut features = BTreeMap::new();
    for i in 1..=HYDRANTS {
        let oid = i as i64;
        let status = if i % 3 == 0 { "retired" } else { "active" };
        let note = if i % 10 == 0 {
            Value::Null
        } else {
            json!(format!("note {i}"))
        };
        features.insert(oid, Feature {
            attributes: attrs(json!({"OBJECTID": oid, "GlobalID": guid(1, i), "NAME": format!("Hydrant {i}"),
                "STATUS": status, "FLOW": i as f64 * 1.5, "NOTE": note, "INSTALLED": INSTALLED_BASE + oid * 86_400_000})),
            geometry: Some(json!({"x": -73.0 - i as f64 / 1000.0, "y": 45.0 + i as f64 / 1000.0})),
        });
    }
    let mut attachments = BTreeMap::new();
    let mut aid = 0;
    for parent in 1..=5_i64 {
        let count = if parent == 2 { 2 } else { 1 };
        let list = (0..count)
            .map(|k| {
                aid += 1;
                Attachment {
                    id: aid,
                    global_id: guid(2, aid as usize),
                    name: format!("photo_{parent}_{k}.jpg"),
                    content_type: "image/jpeg".into(),
                    data: Arc::new(vec![0xff, 0xd8, parent as u8, k as u8, 0xff, 0xd9]),
                }
            })
            .collect();
        attachments.insert(parent, list);
    }
    Layer {
        id: 0,
        name: "Hydrants".into(),
        geometry_type: Some("esriGeometryPoint".into()),
        fields: vec![
            Field::new("OBJECTID", "esriFieldTypeOID"),
            Field::new("GlobalID", "esriFieldTypeGlobalID"),
            Field::new("NAME", "esriFieldTypeString"),
            Field::new("STATUS", "esriFieldTypeString"),
            Field::new("FLOW", "esriFieldTypeDouble"),
            Field::new("NOTE", "esriFieldTypeString"),
            Field::new("INSTALLED", "esriFieldTypeDate"),
        ],
        features,
        attachments,
        has_attachments: true,
        last_edit_date: 1_600_000_000_000,
        relationships: Vec::new(),
        view_filter: None,
    }
}

fn inspections_table() -> Layer {
    let features = (1..=30_i64)
        .map(|i| (i, Feature { attributes: attrs(json!({"OBJECTID": i, "HYDRANT_ID": i % 7 + 1, "RESULT": if i % 2 == 0 { "ok" } else { "leak" }})), geometry: None }))
        .collect();
    Layer {
        id: 1,
        name: "Inspections".into(),
        geometry_type: None,
        fields: vec![
            Field::new("OBJECTID", "esriFieldTypeOID"),
            Field::new("HYDRANT_ID", "esriFieldTypeInteger"),
            Field::new("RESULT", "esriFieldTypeString"),
        ],
        features,
        attachments: BTreeMap::new(),
        has_attachments: false,
        last_edit_date: 1_600_000_000_000,
        relationships: Vec::new(),
        view_filter: None,
    }
}

fn parcels_layer() -> Layer {
    let features = (1..=3_i64)
        .map(|i| {
            let x = i as f64;
            let ring = json!([[x, 0.0], [x, 1.0], [x + 1.0, 1.0], [x + 1.0, 0.0], [x, 0.0]]);
            (
                i,
                Feature {
                    attributes: attrs(json!({"OBJECTID": i, "PARCEL": format!("P-{i}")})),
                    geometry: Some(json!({"rings": [ring]})),
                },
            )
        })
        .collect();
    Layer {
        id: 0,
        name: "Parcels".into(),
        geometry_type: Some("esriGeometryPolygon".into()),
        fields: vec![
            Field::new("OBJECTID", "esriFieldTypeOID"),
            Field::new("PARCEL", "esriFieldTypeString"),
        ],
        features,
        attachments: BTreeMap::new(),
        has_attachments: false,
        last_edit_date: 1_600_000_000_000,
        relationships: Vec::new(),
        view_filter: None,
    }
}

fn service_item(id: &str, title: &str, name: &str, base: &str, org: bool) -> Item {
    let mut it = Item::new(id, "editor", title, "Feature Service", 1_600_000_000_000);
    it.url = Some(format!("{base}/{name}/FeatureServer"));
    it.type_keywords = vec!["Feature Service".into(), "Hosted Service".into()];
    it.sharing = Sharing {
        org,
        ..Sharing::default()
    };
    it
}

fn seed(st: &mut agol_backup::sandbox::model::State, base: &str) {
    if st.org.is_none() {
        st.org = Some(Org {
            id: "sbxorg".into(),
            name: "Sandbox".into(),
            url_key: "sandbox".into(),
            created: 0,
        });
    }
    for (name, role) in [
        ("admin", Role::Admin),
        ("editor", Role::Publisher),
        ("viewer", Role::Viewer),
    ] {
        st.users.insert(
            name.into(),
            User {
                username: name.into(),
                password: format!("sandbox-{name}"),
                full_name: format!("{name} user"),
                email: format!("{name}@example.com"),
                role,
                created: 0,
            },
        );
    }
    let services = [
        (
            "f1000000000040008000000000000001",
            "Fire Hydrants",
            "FxHydrants",
            true,
            "Query,Create,Update,Delete,Editing,Extract",
            vec![hydrants_layer(), inspections_table()],
            None,
        ),
        (
            "f1000000000040008000000000000002",
            "Parcels",
            "FxParcels",
            true,
            "Query",
            vec![parcels_layer()],
            None,
        ),
        (
            "f1000000000040008000000000000004",
            "Private points",
            "FxPrivate",
            false,
            "Query,Extract",
            vec![parcels_layer()],
            None,
        ),
    ];
    for (id, title, name, org, caps, layers, view_of) in services {
        st.items
            .insert(id.into(), service_item(id, title, name, base, org));
        st.services.insert(
            name.into(),
            Service {
                name: name.into(),
                item_id: id.into(),
                layers,
                capabilities: caps.into(),
                max_record_count: 200,
                description: format!("{title} service"),
                view_of,
            },
        );
    }
    let mut view_layer = hydrants_layer();
    view_layer.features.clear();
    view_layer.attachments.clear();
    view_layer.view_filter = Some("STATUS = 'active'".into());
    let view_id = "f1000000000040008000000000000003";
    st.items.insert(
        view_id.into(),
        service_item(view_id, "Active hydrants", "FxActive", base, true),
    );
    st.services.insert(
        "FxActive".into(),
        Service {
            name: "FxActive".into(),
            item_id: view_id.into(),
            layers: vec![view_layer],
            capabilities: "Query".into(),
            max_record_count: 200,
            description: String::new(),
            view_of: Some("FxHydrants".into()),
        },
    );
}

/// GET `url` with `f=json`, the session's token and `query`, as JSON.
pub async fn get(s: &Session, url: &str, query: &[(&str, &str)]) -> Value {
    s.auth(s.http.get(url).query(&[("f", "json")]).query(query))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// POST a form with `f=json` and the session's token, as JSON.
pub async fn post(s: &Session, url: &str, form: &[(&str, &str)]) -> Value {
    let mut all = vec![("f", "json")];
    all.extend_from_slice(form);
    s.auth(s.http.post(url).form(&all))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// Anonymous GET with `f=json`, as JSON.
pub async fn anon(url: &str, query: &[(&str, &str)]) -> Value {
    support::client()
        .get(url)
        .query(&[("f", "json")])
        .query(query)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// Polls a portal job status until it says `completed` (or fails the test after ~5 s).
pub async fn wait_completed(s: &Session, status_path: &str, job: &str) -> Value {
    for _ in 0..100 {
        let v = s.post(status_path, &[("jobid", job)]).await;
        if v["status"] == "completed" {
            return v;
        }
        assert_ne!(v["status"], "failed", "{v}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job} never completed");
}
