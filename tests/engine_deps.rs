//! The dependency graph against the sandbox demo org: the real graph of its apps, maps, views,
//! dashboard, Experience Builder app, StoryMap, survey and CSV-published layer; missing and
//! unreadable ids as bare nodes; URL matching; determinism; cancellation. Also the parsers on
//! the documents captured from real portals (`shared/real-responses/`).

use std::collections::BTreeSet;
use std::path::Path;

use agol_backup::engine::deps::{self, DependencyGraph, EdgeReason};
use agol_backup::portal::{Credentials, PortalClient};
use agol_backup::sandbox::SandboxHandle;
use agol_backup::sandbox::model::ItemData;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::engine_scan::options;
use crate::sandbox_dataset::items;
use crate::support;

/// Esri's topographic basemap item: referenced by the demo maps, not in the sandbox.
const TOPO: &str = "7dc6cea0b1764a1f9af2e679f642f0f5";
/// The Instant Apps template the demo apps name as `source`: not in the sandbox.
const TEMPLATE: &str = "c2f8b5a5f2bb4b8b9b6c6d2b2b6a8e1c";

/// The id of the demo item with `title` and `item_type`.
fn id_of(items: &[Value], title: &str, item_type: &str) -> String {
    items
        .iter()
        .find(|i| i["title"] == title && i["type"] == item_type)
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no {item_type} titled {title:?}"))
        .to_string()
}

async fn client(sb: &SandboxHandle, user: &str) -> PortalClient {
    let creds = Credentials::password(user, &format!("sandbox-{user}"));
    PortalClient::connect(&options(&sb.url()), creds)
        .await
        .unwrap()
}

async fn build(client: &PortalClient, roots: &[&str], concurrency: usize) -> DependencyGraph {
    let roots: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
    deps::build_graph(client, &roots, concurrency, &CancellationToken::new())
        .await
        .unwrap()
}

fn strings(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn related(kind: &str) -> EdgeReason {
    EdgeReason::Related(kind.into())
}

#[tokio::test]
async fn instant_app_needs_its_map_which_needs_a_view_of_a_source() {
    let sb = support::demo().await;
    let all = items(&sb);
    let app = id_of(&all, "Riverton Parcel Lookup", "Web Mapping Application");
    let map = id_of(&all, "Riverton Parcel Viewer", "Web Map");
    let view = id_of(&all, "Parcels (public view)", "Feature Service");
    let source = id_of(&all, "Parcels", "Feature Service");
    let admin = client(&sb, "admin").await;
    let g = build(&admin, &[&app], 4).await;

    assert_eq!(g.edge(&app, &map), Some(&EdgeReason::Data), "values.webmap");
    assert_eq!(
        g.edge(&map, &view),
        Some(&EdgeReason::Data),
        "layer itemId first"
    );
    assert_eq!(g.edge(&view, &source), Some(&related("Service2Service")));
    assert_eq!(g.needs(&app), strings(&[&map, TEMPLATE]));
    assert_eq!(g.needs(&map), strings(&[&view, TOPO]));
    for missing in [TOPO, TEMPLATE] {
        let n = g.node(missing).unwrap();
        assert!(!n.accessible && n.title.is_empty(), "{missing}");
    }
    let node = g.node(&map).unwrap();
    assert_eq!(
        (
            node.title.as_str(),
            node.item_type.as_str(),
            node.owner.as_str()
        ),
        ("Riverton Parcel Viewer", "Web Map", "admin")
    );
    assert!(node.accessible && node.in_org);

    let closure = g.closure(std::slice::from_ref(&app));
    assert_eq!(closure, strings(&[&app, &map, &view, &source]));
    assert_eq!(
        g.external_needs(std::slice::from_ref(&app)),
        strings(&[TEMPLATE, TOPO])
    );
    assert_eq!(
        g.dependency_order(&closure),
        [source.clone(), view, map, app.clone()]
    );
    assert!(g.blast_radius(&source).contains(&app));
}

#[tokio::test]
async fn web_map_group_layers_tables_and_dashboard() {
    let sb = support::demo().await;
    let all = items(&sb);
    let map = id_of(&all, "Water Network Operations", "Web Map");
    let network = id_of(&all, "Water Network", "Feature Service");
    let hydrants = id_of(&all, "Fire Hydrants", "Feature Service");
    let dashboard = id_of(&all, "Water Network Dashboard", "Dashboard");
    let admin = client(&sb, "admin").await;
    let g = build(&admin, &[&dashboard], 3).await;

    assert_eq!(g.needs(&map), strings(&[&hydrants, &network, TOPO]));
    assert_eq!(g.edge(&map, &network), Some(&EdgeReason::Data));
    assert_eq!(
        g.needs(&dashboard),
        strings(&[&map, &network]),
        "mapWidget + datasets"
    );
    let order = g.dependency_order(&g.closure(std::slice::from_ref(&dashboard)));
    assert_eq!(order, [hydrants, network, map, dashboard]);
}

#[tokio::test]
async fn experience_story_survey_and_published_csv() {
    let sb = support::demo().await;
    let all = items(&sb);
    let exb = id_of(&all, "Riverton Utility Explorer", "Web Experience");
    let story = id_of(&all, "Riverton's Water Story", "StoryMap");
    let form = id_of(&all, "Street Tree Survey", "Form");
    let trees = id_of(&all, "Street Tree Survey", "Feature Service");
    let racks = id_of(&all, "Bike Racks", "Feature Service");
    let csv = id_of(&all, "Bike Racks", "CSV");
    let ops_map = id_of(&all, "Water Network Operations", "Web Map");
    let parcels_map = id_of(&all, "Riverton Parcel Viewer", "Web Map");
    let zones_map = id_of(&all, "Pressure Zones Overview", "Web Map");
    let network = id_of(&all, "Water Network", "Feature Service");
    let admin = client(&sb, "admin").await;
    let g = build(&admin, &[&exb, &story, &form, &racks], 4).await;

    assert_eq!(g.needs(&exb), strings(&[&ops_map, &parcels_map]));
    assert_eq!(g.needs(&story), strings(&[&zones_map]));
    assert_eq!(g.needs(&form), strings(&[&trees]));
    assert_eq!(g.edge(&form, &trees), Some(&related("Survey2Service")));
    assert_eq!(g.edge(&racks, &csv), Some(&related("Service2Data")));
    let radius = g.blast_radius(&network);
    for dependent in [&ops_map, &zones_map, &exb, &story] {
        assert!(radius.contains(dependent), "{dependent} in {radius:?}");
    }
    assert!(!radius.contains(&form));
}

#[tokio::test]
async fn unreadable_and_missing_ids_are_bare_nodes() {
    let sb = support::demo().await;
    let all = items(&sb);
    let corridor = id_of(&all, "Main  Street  Corridor  Study", "Web Map");
    let parcels = id_of(&all, "Parcels", "Feature Service");
    let racks = id_of(&all, "Bike Racks", "Feature Service");
    let nowhere = "0123456789ab4def8123456789abcdef";
    let viewer = client(&sb, "viewer").await;
    let g = build(&viewer, &[&corridor, nowhere], 2).await;

    let hidden = g.node(&parcels).unwrap();
    assert!(!hidden.accessible, "private to the Planning group");
    assert!(g.node(&racks).unwrap().accessible);
    assert!(!g.node(nowhere).unwrap().accessible);
    assert!(g.needs(nowhere).is_empty());
    let closure = g.closure(std::slice::from_ref(&corridor));
    assert!(closure.contains(&racks) && !closure.contains(&parcels));
}

#[tokio::test]
async fn layers_saved_by_url_match_services_in_the_graph() {
    let sb = support::demo().await;
    let all = items(&sb);
    let sketch = id_of(&all, "Non-authoritative sketch", "Web Map");
    let network = id_of(&all, "Water Network", "Feature Service");
    sb.with_state(|st| {
        st.relationships.retain(|r| r.origin != sketch);
        let item = st.items.get_mut(&sketch).unwrap();
        let ItemData::Json(bytes) = &item.data else {
            panic!("web map data is JSON")
        };
        let mut doc: Value = serde_json::from_slice(bytes).unwrap();
        for layer in doc["operationalLayers"].as_array_mut().unwrap() {
            layer.as_object_mut().unwrap().remove("itemId");
        }
        item.data = ItemData::Json(serde_json::to_vec(&doc).unwrap().into());
    });
    let admin = client(&sb, "admin").await;
    let alone = build(&admin, &[&sketch], 2).await;
    assert_eq!(
        alone.needs(&sketch),
        [TOPO],
        "URL matching only links items in the graph"
    );
    let g = build(&admin, &[&sketch, &network], 2).await;
    assert_eq!(g.edge(&sketch, &network), Some(&EdgeReason::Url));
}

#[tokio::test]
async fn same_graph_whatever_the_concurrency_and_cancel_stops_early() {
    let sb = support::demo().await;
    let all = items(&sb);
    let roots: Vec<String> = all
        .iter()
        .filter(|i| i["type"] == "Web Mapping Application" || i["type"] == "Dashboard")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(roots.len() >= 5);
    let admin = client(&sb, "admin").await;
    let token = CancellationToken::new();
    let one = deps::build_graph(&admin, &roots, 1, &token).await.unwrap();
    let many = deps::build_graph(&admin, &roots, 8, &token).await.unwrap();
    assert_eq!(one, many);
    assert!(one.len() > roots.len());
    let order = one.dependency_order(&one.closure(&roots));
    let position = |id: &str| order.iter().position(|x| x == id);
    for (s, t, _) in one.edges() {
        if let (Some(s_at), Some(t_at)) = (position(s), position(t)) {
            assert!(t_at < s_at, "{t} before {s}");
        }
    }
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let partial = deps::build_graph(&admin, &roots, 4, &cancelled)
        .await
        .unwrap();
    assert!(partial.is_empty());
}

/// The type of the captured item `id`.
fn captured_type(dir: &Path, id: &str) -> String {
    let text = std::fs::read_to_string(dir.join("items").join(format!("{id}.json"))).unwrap();
    let item: Value = serde_json::from_str(&text).unwrap();
    item["type"].as_str().unwrap().to_string()
}

#[test]
fn parsers_on_documents_captured_from_real_portals() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-responses");
    if !dir.is_dir() {
        println!("SKIPPED: {} is absent", dir.display());
        return;
    }
    let cases: [(&str, &[&str]); 7] = [
        (
            "164831217e154849a731573e1855cb1a",
            &["dbca451a5e1546998137bb0a09d94240", TOPO],
        ),
        (
            "6fc5992522d34f26b2210d17835eea21",
            &[
                "164831217e154849a731573e1855cb1a",
                "bb3fcf7c3d804271bfd7ac6f48290fcf",
            ],
        ),
        (
            "d45b0a2d000000000000000000000001",
            &["1fb7fe5da4924b9aa608b08f865031e4"],
        ),
        (
            "bce0eca488ab47a3b25f63ddca34e679",
            &["7cde2828cb7042e39930412313935372"],
        ),
        (
            "c87cb08010db4e88aa90f612cba7f6f2",
            &["8644de121e434a368a6221c0498e4e47"],
        ),
        ("dbca451a5e1546998137bb0a09d94240", &[]),
        ("66fabd8c23074ecc85883e0086419adc", &[]),
    ];
    for (id, want) in cases {
        let text = std::fs::read_to_string(dir.join("data").join(format!("{id}.json"))).unwrap();
        let data: Value = serde_json::from_str(&text).unwrap();
        let got = deps::data_references(&captured_type(&dir, id), &data);
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, want, "{id}");
    }
}

/// Runs the dependency view job as admin for `selected`, with every demo item as a candidate.
async fn dependency_report(
    sb: &SandboxHandle,
    selected: &[&str],
    cancel: CancellationToken,
) -> Result<deps::DependencyReport, String> {
    use agol_backup::engine::{JobId, Outcome, PortalConnection, Reporter};
    let request = deps::DependencyRequest {
        connection: PortalConnection {
            options: options(&sb.url()),
            credentials: Credentials::password("admin", "sandbox-admin"),
        },
        items: selected.iter().map(|s| s.to_string()).collect(),
        candidates: items(sb)
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect(),
        concurrency: 4,
    };
    let (tx, _rx) = std::sync::mpsc::channel();
    deps::run(request, Reporter::headless(JobId(1), tx), cancel)
        .await
        .map(|o| match o {
            Outcome::Dependencies(report) => *report,
            other => panic!("not a dependency outcome: {other:?}"),
        })
}

fn related_ids(list: &[deps::RelatedItem]) -> Vec<(String, bool, bool)> {
    list.iter()
        .map(|r| (r.id.clone(), r.direct, r.local))
        .collect()
}

#[tokio::test]
async fn the_dependency_job_lists_the_parcel_apps_needs_and_blast_radius() {
    let sb = support::demo().await;
    let all = items(&sb);
    let app = id_of(&all, "Riverton Parcel Lookup", "Web Mapping Application");
    let map = id_of(&all, "Riverton Parcel Viewer", "Web Map");
    let view = id_of(&all, "Parcels (public view)", "Feature Service");
    let source = id_of(&all, "Parcels", "Feature Service");
    let exb = id_of(&all, "Riverton Utility Explorer", "Web Experience");
    let report = dependency_report(&sb, &[&app, &map], CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.items.len(), 2);

    let app_deps = &report.items[0];
    assert_eq!(app_deps.item.id, app);
    assert_eq!(app_deps.item.title, "Riverton Parcel Lookup");
    assert_eq!(app_deps.item.item_type, "Web Mapping Application");
    // In the organisation by title (Parcels, Parcels (public view), Riverton Parcel Viewer),
    // then what cannot be read: the map's basemap and the app's template (by id).
    assert_eq!(
        related_ids(&app_deps.needs),
        [
            (source.clone(), false, true),
            (view.clone(), false, true),
            (map.clone(), true, true),
            (TOPO.to_string(), false, false),
            (TEMPLATE.to_string(), true, false),
        ]
    );
    assert_eq!(app_deps.needs[2].item_type, "Web Map");
    assert!(app_deps.needed_by.is_empty(), "nothing needs the app");

    let map_deps = &report.items[1];
    assert_eq!(
        related_ids(&map_deps.needed_by),
        [(app.clone(), true, true), (exb.clone(), true, true)],
        "the app and the Experience Builder app both show the map"
    );
    let missing: Vec<&str> = report
        .missing_needs(|id| id == app || id == map)
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(missing, [source.as_str(), view.as_str()]);

    let cancel = CancellationToken::new();
    cancel.cancel();
    let stopped = dependency_report(&sb, &[&app], cancel).await;
    assert_eq!(stopped, Err("cancelled".to_string()));
}
