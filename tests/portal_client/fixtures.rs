//! Every body captured from real portals (`shared/real-responses/`, next to the repository)
//! decodes into its wire type; error envelopes come out of the client as `PortalError::Api`.

use std::path::{Path, PathBuf};

use agol_backup::portal::wire::{
    Group, Item, ItemGroups, PortalInfo, PortalSelf, RelatedItems, ResourceList, SearchPage,
    SpatialReference, TokenResponse, User,
};
use agol_backup::portal::{PortalClient, PortalError};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-responses");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: {} is absent (the captured real responses sit next to the clone in CI)",
            dir.display()
        );
        None
    }
}

fn decode<T: DeserializeOwned>(file: &Path) -> T {
    let bytes = std::fs::read(file).unwrap();
    let de = &mut serde_json::Deserializer::from_slice(&bytes);
    serde_path_to_error::deserialize(de)
        .unwrap_or_else(|e| panic!("{}: at `{}`: {}", file.display(), e.path(), e.inner()))
}

fn files(dir: &Path, folder: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_captured_body_decodes() {
    let Some(dir) = fixtures_dir() else { return };
    let mut count = 0;
    for f in files(&dir, "items") {
        let item: Item = decode(&f);
        assert_eq!(format!("{}.json", item.id), name(&f));
        count += 1;
    }
    for f in files(&dir, "search") {
        let page: SearchPage<Item> = decode(&f);
        assert!(!page.results.is_empty(), "{}", f.display());
        count += 1;
    }
    for f in files(&dir, "portal") {
        match name(&f).as_str() {
            "info.json" => drop(decode::<PortalInfo>(&f)),
            "portals_self.json" => drop(decode::<PortalSelf>(&f)),
            "generate_token.json" => drop(decode::<TokenResponse>(&f)),
            "community_self.json" | "terria_community_user_data61.json" => {
                drop(decode::<User>(&f));
            }
            other => panic!("no wire type known for portal/{other}"),
        }
        count += 1;
    }
    for f in files(&dir, "groups") {
        match name(&f).as_str() {
            "restjs-item-groups.json" => drop(decode::<ItemGroups>(&f)),
            _ => drop(decode::<Group>(&f)),
        }
        count += 1;
    }
    for f in files(&dir, "resources") {
        let list: ResourceList = decode(&f);
        assert!(!list.resources.is_empty());
        count += 1;
    }
    for f in files(&dir, "related") {
        let rel: RelatedItems = decode(&f);
        assert!(!rel.related_items.is_empty());
        count += 1;
    }
    for folder in ["data", "extra"] {
        for f in files(&dir, folder) {
            drop(decode::<Value>(&f));
            count += 1;
        }
    }
    assert!(count >= 38, "only {count} files decoded");
    // A new kind of capture must get a decoder here.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            let known = [
                "items",
                "search",
                "portal",
                "groups",
                "resources",
                "related",
                "data",
                "extra",
                "errors",
            ];
            assert!(
                known.contains(&name(&p).as_str()),
                "unknown folder {}",
                p.display()
            );
        }
    }
}

#[test]
fn quirks_decode_to_sensible_values() {
    let Some(dir) = fixtures_dir() else { return };
    let item = |id: &str| decode::<Item>(&dir.join(format!("items/{id}.json")));

    // 2018 item: no `created`, legacy `uploaded`, spatialReference as a string, `extent` `[]`.
    let webmap = item("164831217e154849a731573e1855cb1a");
    assert_eq!(webmap.created, None);
    assert!(webmap.created_ms().is_some());
    assert!(webmap.extra.contains_key("itemType"));
    let terria = item("66fabd8c23074ecc85883e0086419adc");
    assert!(matches!(
        terria.spatial_reference,
        Some(SpatialReference::Code(_)) | None
    ));
    // Trimmed dashboard: no access, no size.
    let dash = item("d45b0a2d000000000000000000000001");
    assert_eq!(dash.access, None);
    assert_eq!(dash.size_bytes(), None);
    // Map service with a content status.
    let ms = item("7a153563b0c74f7eb2b3eae8a66f2fbb");
    assert_eq!(ms.content_status.as_deref(), Some("org_authoritative"));

    let search = |f: &str| decode::<SearchPage<Item>>(&dir.join(format!("search/{f}")));
    let all: Vec<Item> = std::fs::read_dir(dir.join("search"))
        .unwrap()
        .flat_map(|e| search(&name(&e.unwrap().path())).results)
        .collect();
    // The string "null" means no value, never the text "null".
    assert!(all.iter().all(|i| i.snippet.as_deref() != Some("null")));
    assert!(
        all.iter()
            .any(|i| i.size == Some(-1) && i.size_bytes().is_none())
    );
    let group_content = search("restjs-group-content.json");
    assert!(
        !group_content.results.is_empty(),
        "group content uses `items`"
    );
    assert_eq!(group_content.next(), Some(2), "a first page of 36");
    let last = search("hubjs-simple-response.json");
    assert_eq!(
        last.next_start.filter(|n| *n > 0).map(|n| n as u32),
        last.next()
    );

    let ps: PortalSelf = decode(&dir.join("portal/portals_self.json"));
    assert!(ps.user.is_none(), "`user: {{}}` means no user");
    assert!(ps.is_arcgis_online());
    let me: User = decode(&dir.join("portal/community_self.json"));
    assert_eq!(me.idp_username, None);
    assert!(!me.groups.is_empty());
    assert!(me.has_privilege("portal:admin:viewItems"));
    let res: ResourceList = decode(&dir.join("resources/hubjs-versioning-resources.json"));
    assert!(res.resources[0].properties.as_ref().unwrap().is_string());
}

#[tokio::test]
async fn captured_error_bodies_become_api_errors_through_the_client() {
    let Some(dir) = fixtures_dir() else { return };
    let server = MockServer::start().await;
    let mut expected = Vec::new();
    for f in files(&dir, "errors") {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        let code: u16 = stem.rsplit('_').next().unwrap().parse().unwrap();
        Mock::given(method("GET"))
            .and(path(format!("/portal/sharing/rest/errors/{stem}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(std::fs::read(&f).unwrap(), "application/json"),
            )
            .mount(&server)
            .await;
        expected.push((stem, code));
    }
    assert_eq!(expected.len(), 6);
    let client =
        PortalClient::anonymous(&super::options(&format!("{}/portal", server.uri()))).unwrap();
    for (stem, code) in expected {
        let err = client
            .get_json::<Value>(&format!("errors/{stem}"), &[])
            .await
            .unwrap_err();
        let PortalError::Api { code: got, .. } = &err else {
            panic!("{stem}: {err:?}");
        };
        assert_eq!(*got, code, "{stem}");
        match code {
            498 => assert!(err.is_invalid_token(), "{stem}"),
            499 => assert!(err.is_token_required(), "{stem}"),
            403 => assert!(err.is_permission(), "{stem}"),
            _ => {}
        }
        if stem == "item_not_found_400" {
            assert!(err.is_not_found());
        }
        if stem == "generate_token_failed_400" {
            assert!(err.to_string().contains("Invalid username or password."));
        }
    }
    // No error is worth a retry: one request each.
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}
