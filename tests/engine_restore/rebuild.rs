//! Hosted layers backed up without an export (a viewer's backup falls back to the replica or
//! to GeoJSON queries) are rebuilt on restore: same layers, rows, GlobalIDs, geometries and
//! attachments (bytes and types) as before the delete, and the backed-up capabilities; a view
//! whose source is unknown comes back as a layer of its rows; a refused row makes it PARTIAL.

use std::collections::{BTreeMap, BTreeSet};

use agol_backup::engine::backup::BackupOptions;
use agol_backup::engine::restore::RestoreOptions;
use agol_backup::formats::run_report::RunItemStatus;
use agol_backup::sandbox::SandboxHandle;
use tokio_util::sync::CancellationToken;

use super::runs::{delete_all, restore, restore_request};
use crate::engine_backup::runs::{ADMIN, VIEWER, ids_where, manifest, request, run, sha};
use crate::support;

/// Per service title and layer id: every row as text (attributes without the object id, with
/// the GlobalID, and the geometry), and every attachment as (parent GlobalID, name, type,
/// sha256).
type Rows = BTreeMap<(String, u32), (BTreeSet<String>, BTreeSet<String>)>;

/// The rows and the capabilities (by title) of the services of items `ids`.
fn rows_of(sb: &SandboxHandle, ids: &[String]) -> (Rows, BTreeMap<String, String>) {
    sb.with_state(|st| {
        let mut rows = Rows::new();
        let mut caps = BTreeMap::new();
        for svc in st.services.values().filter(|s| ids.contains(&s.item_id)) {
            let title = st.items.get(&svc.item_id).unwrap().title.clone();
            caps.insert(title.clone(), svc.capabilities.clone());
            for l in &svc.layers {
                let (mut features, mut attachments) = (BTreeSet::new(), BTreeSet::new());
                for (oid, f) in &l.features {
                    let mut a: BTreeMap<_, _> = f.attributes.clone().into_iter().collect();
                    a.remove("OBJECTID");
                    let gid = a.get("GlobalID").cloned().unwrap_or_default();
                    features.insert(format!("{a:?} {:?}", f.geometry));
                    for att in l.attachments.get(oid).into_iter().flatten() {
                        let (name, kind) = (&att.name, &att.content_type);
                        attachments.insert(format!("{gid} {name} {kind} {}", sha(&att.data)));
                    }
                }
                rows.insert((title.clone(), l.id), (features, attachments));
            }
        }
        (rows, caps)
    })
}

/// Backs up the org's hosted layers (not views) as `user` with `options`, checks that every
/// one took `method`, deletes them, restores them as the admin and compares them with before.
/// `no_sync` first takes `Sync` and `Extract` off every service (no replica possible).
async fn rebuilt_as_before(
    user: (&str, &str),
    options: BackupOptions,
    method: &str,
    no_sync: bool,
) {
    let sb = support::demo().await;
    if no_sync {
        sb.with_state(|st| {
            for svc in st.services.values_mut() {
                svc.capabilities = svc
                    .capabilities
                    .split(',')
                    .filter(|c| !matches!(*c, "Sync" | "Extract"))
                    .collect::<Vec<_>>()
                    .join(",");
                // A layer of several batches (500 rows each, two in flight): rows and
                // photos must still land on the right new object ids.
                if let Some(l) = svc.layers.iter_mut().find(|l| l.name == "Hydrants") {
                    let model = l.features.values().next().unwrap().clone();
                    for oid in l.features.len() as i64 + 1..=1234 {
                        let mut f = model.clone();
                        f.attributes.insert("OBJECTID".into(), oid.into());
                        let gid = format!("{{{oid:08X}-0000-4000-8000-{oid:012X}}}");
                        f.attributes.insert("GlobalID".into(), gid.into());
                        l.features.insert(oid, f);
                    }
                }
            }
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let hosted = ids_where(&sb, |i| {
        i["type"] == "Feature Service"
            && (i["access"] == "org" || i["access"] == "public")
            && i["typeKeywords"].as_array().is_some_and(|k| {
                k.iter().any(|k| k == "Hosted Service") && !k.iter().any(|k| k == "View Service")
            })
    });
    assert!(hosted.len() >= 3, "{hosted:?}");
    let req = request(&sb, user, hosted.clone(), dir.path(), options);
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let mut methods = BTreeSet::new();
    for r in &summary.unwrap().items {
        assert_eq!(r.status, RunItemStatus::Ok, "{}: {}", r.title, r.reason);
        methods.insert(manifest(dir.path(), r).data_method.unwrap_or_default());
    }
    assert_eq!(methods, BTreeSet::from([method.to_string()]));
    let (before, caps_before) = rows_of(&sb, &hosted);
    let attachments: usize = before.values().map(|(_, a)| a.len()).sum();
    assert!(attachments > 0, "the demo layers have attachments");
    delete_all(&sb, &hosted);

    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let summary = summary.unwrap();
    let mut new_ids = Vec::new();
    for r in &summary.items {
        assert_eq!(r.status, RunItemStatus::Ok, "{}: {}", r.title, r.reason);
        new_ids.push(r.new_id.clone().unwrap());
    }
    assert_eq!(new_ids.len(), hosted.len());
    let (after, caps_after) = rows_of(&sb, &new_ids);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (layer, (rows, atts)) in &before {
        let (got_rows, got_atts) = &after[layer];
        assert_eq!(got_rows.len(), rows.len(), "{layer:?}");
        let differ: Vec<_> = got_rows.symmetric_difference(rows).take(2).collect();
        assert!(differ.is_empty(), "{layer:?}: rows differ: {differ:#?}");
        let differ: Vec<_> = got_atts.symmetric_difference(atts).take(4).collect();
        assert!(
            differ.is_empty(),
            "{layer:?}: attachments differ: {differ:#?}"
        );
    }
    assert_eq!(caps_after, caps_before, "capabilities as backed up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layers_a_viewer_backed_up_as_geojson_are_rebuilt_with_rows_and_attachments() {
    // A viewer cannot export, and without Sync no replica either: the backup queries GeoJSON.
    rebuilt_as_before(VIEWER, BackupOptions::default(), "query", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn layers_backed_up_as_replicas_are_rebuilt_with_rows_and_attachments() {
    let options = BackupOptions {
        export_data: false,
        ..BackupOptions::default()
    };
    rebuilt_as_before(ADMIN, options, "replica", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_whose_source_the_backup_cannot_name_comes_back_as_a_layer_of_its_rows() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    // The viewer sees the public view but not its source: the backup cannot say which it is.
    let view = ids_where(&sb, |i| i["title"] == "Parcels (public view)");
    let req = request(
        &sb,
        VIEWER,
        view.clone(),
        dir.path(),
        BackupOptions::default(),
    );
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let backed = &summary.unwrap().items[0];
    assert_eq!(backed.status, RunItemStatus::Ok, "{}", backed.reason);
    assert!(manifest(dir.path(), backed).dependencies.is_empty());
    let rows = manifest(dir.path(), backed).layers[0].features;
    delete_all(&sb, &view);

    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let r = &summary.unwrap().items[0];
    assert_eq!(r.status, RunItemStatus::Partial, "{}", r.reason);
    assert!(r.reason.contains("no longer a view"), "{}", r.reason);
    let new = r.new_id.clone().unwrap();
    let (after, _) = rows_of(&sb, std::slice::from_ref(&new));
    let got: usize = after.values().map(|(f, _)| f.len()).sum();
    assert_eq!(got as u64, rows, "the rows the view showed");
    assert!(sb.with_state(|st| {
        st.services
            .values()
            .any(|s| s.item_id == new && s.view_of.is_none())
    }));
    let keywords = sb.with_state(|st| st.items[&new].type_keywords.clone());
    assert!(
        !keywords.iter().any(|k| k == "View Service"),
        "{keywords:?}"
    );
    assert!(
        r.reason.ends_with("no longer a view of its source"),
        "one note only: {}",
        r.reason
    );
}

/// Rewrites the archive at `path` with `layers/0.geojson` changed by `edit`.
fn edit_geojson(path: &std::path::Path, edit: impl Fn(&mut serde_json::Value)) {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let tmp = path.with_extension("tmp");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&tmp).unwrap());
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if name == "layers/0.geojson" {
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            edit(&mut v);
            bytes = serde_json::to_vec(&v).unwrap();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
    std::fs::rename(tmp, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_the_portal_refuses_makes_the_layer_partial_with_the_count() {
    let sb = support::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let hydrants = ids_where(&sb, |i| i["title"] == "Fire Hydrants");
    sb.with_state(|st| {
        for svc in st.services.values_mut() {
            svc.capabilities = "Query".into();
        }
    });
    let req = request(
        &sb,
        VIEWER,
        hydrants.clone(),
        dir.path(),
        BackupOptions::default(),
    );
    let (summary, _, _) = run(req, CancellationToken::new()).await;
    let backed = summary.unwrap().items[0].clone();
    let m = manifest(dir.path(), &backed);
    assert_eq!(m.data_method.as_deref(), Some("query"));
    // One row of the backup carries a GlobalID no portal takes; it has an attachment.
    let with_photo = m
        .artefacts
        .iter()
        .find_map(|a| a.path.strip_prefix("attachments/0/"))
        .and_then(|p| p.split('/').next())
        .map(|oid| oid.parse::<i64>().unwrap())
        .unwrap();
    edit_geojson(
        &crate::engine_backup::runs::archive_of(dir.path(), &backed),
        |v| {
            for f in v["features"].as_array_mut().unwrap() {
                if f["id"] == with_photo {
                    f["properties"]["GlobalID"] = "not-a-guid".into();
                }
            }
        },
    );
    delete_all(&sb, &hydrants);

    let req = restore_request(&sb, ADMIN, &[dir.path()], RestoreOptions::default());
    let (summary, _, _) = restore(req, CancellationToken::new()).await;
    let r = &summary.unwrap().items[0];
    assert_eq!(r.status, RunItemStatus::Partial, "{}", r.reason);
    let features = m.layers[0].features;
    for said in [
        "layer 0: 1 row(s) were refused".to_string(),
        "not restored: their rows did not come back".to_string(),
        format!("has {} features; the backup has {features}", features - 1),
    ] {
        assert!(r.reason.contains(&said), "{said:?} not in {}", r.reason);
    }
}
