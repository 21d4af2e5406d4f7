//! The artefacts every item has, whatever its type: the item JSON (full, and the original
//! utility's minimal `<title>_metadata.json`), its data (JSON as JSON, files as the real file
//! under its own name), thumbnail, `metadata.xml`, every resource under its full relative path
//! (with a listing), related items in both directions, and sharing (access, groups, folder,
//! content status, delete protection). Hosted layer data is `hosted`'s business.

use serde_json::{Value, json};

use super::ctx::{Capture, ItemError, RunCtx};
use super::sink::{add_json, fetch_bytes, stream_entry};
use crate::engine::deps;
use crate::formats::archive::ArchiveWriter;
use crate::formats::names::safe_file_stem;
use crate::portal::ApiRequest;
use crate::portal::wire::{Item, ItemGroups, RelatedItems, ResourceList};

/// Longest file name kept for data files and resource path parts.
const NAME_MAX: usize = 120;

/// Writes `item.json` and the minimal metadata file of the original utility.
pub(crate) fn item_json(w: &mut ArchiveWriter, raw: &Value) -> Result<(), ItemError> {
    add_json(w, "item.json", raw)?;
    let title = raw["title"].as_str().unwrap_or("item");
    let minimal = json!({
        "title": raw["title"], "id": raw["id"], "type": raw["type"], "url": raw["url"],
        "owner": raw["owner"], "tags": raw["tags"], "description": raw["description"],
        "created": raw["created"], "modified": raw["modified"],
    });
    add_json(
        w,
        &format!("{}_metadata.json", safe_file_stem(title, 60)),
        &minimal,
    )
}

/// The item's `/data`: file items as `data/<file name>` (streamed), everything else read
/// whole and kept as `data/data.json` when it is JSON. Returns the JSON, if any (dependency
/// parsing needs it).
pub(crate) async fn data(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<Option<Value>, ItemError> {
    let req = ApiRequest::get(&format!("content/items/{}/data", item.id)).raw();
    if is_file_item(item) {
        let file_name = item.name.clone();
        let namer = move |d: &crate::portal::Download| {
            let n = file_name.clone().or_else(|| d.file_name());
            format!(
                "data/{}",
                safe_file_stem(n.as_deref().unwrap_or("data.bin"), NAME_MAX)
            )
        };
        stream_entry(ctx, w, &req, &namer, true).await?;
        return Ok(None);
    }
    let (bytes, file_name) = match fetch_bytes(ctx, &req).await {
        Ok(b) => b,
        Err(ItemError::Failed(reason)) if is_service(item) => {
            // Service items often have no data at all: worth a note, not a failure.
            cap.notes.push(format!("no item data ({reason})"));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v) => {
            w.add_bytes("data/data.json", &bytes)?;
            Ok(Some(v))
        }
        Err(_) => {
            let n = file_name.unwrap_or_else(|| "data.bin".into());
            w.add_bytes(&format!("data/{}", safe_file_stem(&n, NAME_MAX)), &bytes)?;
            Ok(None)
        }
    }
}

/// Whether `/data` holds an uploaded file (kept under its own name).
pub(crate) fn is_file_item(item: &Item) -> bool {
    item.name.is_some() && !is_service(item)
}

/// Whether the item is a service (its data is optional).
pub(crate) fn is_service(item: &Item) -> bool {
    item.item_type
        .as_deref()
        .is_some_and(|t| t.ends_with("Service") || t == "Feature Layer")
}

/// The thumbnail as `thumbnail/<its file name>`.
pub(crate) async fn thumbnail(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<(), ItemError> {
    let Some(thumb) = item.thumbnail.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let base = thumb.rsplit('/').next().unwrap_or("thumbnail.png");
    let entry = format!("thumbnail/{}", safe_file_stem(base, NAME_MAX));
    let req = ApiRequest::get(&format!("content/items/{}/info/{thumb}", item.id)).raw();
    match stream_entry(ctx, w, &req, &|_| entry.clone(), false).await {
        Ok(_) => Ok(()),
        Err(ItemError::Failed(reason)) => {
            cap.partial(format!("thumbnail not captured: {reason}"));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// `metadata/metadata.xml` when the item says it has one (`Metadata` type keyword).
pub(crate) async fn metadata(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<(), ItemError> {
    if !item.type_keywords.iter().any(|k| k == "Metadata") {
        return Ok(());
    }
    let req = ApiRequest::get(&format!(
        "content/items/{}/info/metadata/metadata.xml",
        item.id
    ))
    .raw();
    match fetch_bytes(ctx, &req).await {
        Ok((bytes, _))
            if !String::from_utf8_lossy(&bytes).contains("Metadata for item not found") =>
        {
            w.add_bytes("metadata/metadata.xml", &bytes)?;
        }
        Ok(_) => cap
            .notes
            .push("the item lists metadata but has none".into()),
        Err(ItemError::Failed(reason)) => {
            cap.partial(format!("metadata.xml not captured: {reason}"))
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Every resource under `resources/<its path>`, and `resources/resources.json` listing each
/// resource's portal path, archive entry, size and access. Returns JSON resources named by the
/// dependency rules (draft StoryMap / Experience Builder config) for dependency parsing.
pub(crate) async fn resources(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<Vec<Value>, ItemError> {
    let mut listing = Vec::new();
    let mut start = 1i64;
    loop {
        ctx.check()?;
        let page: ResourceList = ctx
            .client
            .get_json(
                &format!("content/items/{}/resources", item.id),
                &[("num", "100"), ("start", &start.to_string())],
            )
            .await
            .map_err(|e| ItemError::portal("listing resources", &e))?;
        listing.extend(page.resources);
        match page.next_start {
            Some(n) if n > start => start = n,
            _ => break,
        }
    }
    let mut entries = Vec::new();
    let mut config_json = Vec::new();
    for r in &listing {
        let entry = resource_entry(&r.resource);
        let req = ApiRequest::get(&format!(
            "content/items/{}/resources/{}",
            item.id, r.resource
        ))
        .raw();
        // Config resources are small JSON the dependency rules read: fetched once, kept whole.
        let captured = if is_config_resource(&r.resource) {
            fetch_bytes(ctx, &req).await.and_then(|(bytes, _)| {
                w.add_bytes(&entry, &bytes)?;
                config_json.extend(serde_json::from_slice::<Value>(&bytes).ok());
                Ok(())
            })
        } else {
            stream_entry(ctx, w, &req, &|_| entry.clone(), false)
                .await
                .map(drop)
        };
        match captured {
            Ok(()) => {}
            Err(ItemError::Failed(reason)) => {
                cap.partial(format!("resource {} not captured: {reason}", r.resource));
                continue;
            }
            Err(e) => return Err(e),
        }
        entries.push(
            json!({"resource": r.resource, "entry": entry, "size": r.size,
            "access": r.access, "created": r.created, "properties": r.properties}),
        );
    }
    if !listing.is_empty() {
        add_json(
            w,
            "resources/resources.json",
            &json!({"resources": entries}),
        )?;
    }
    Ok(config_json)
}

/// The archive entry of a resource: each path part made safe, folders kept.
fn resource_entry(resource: &str) -> String {
    let parts: Vec<String> = resource
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| safe_file_stem(p, NAME_MAX))
        .collect();
    format!("resources/{}", parts.join("/"))
}

/// Resources whose JSON names dependencies (§10: drafts, Experience Builder config, QuickCapture).
fn is_config_resource(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".json")
        && (lower.contains("draft") || lower == "config/config.json" || lower == "qc.project.json")
}

/// Related items in both directions for the relationship types of the item's type, as
/// `related.json`. Returns the ids the item needs (forward relationships).
pub(crate) async fn related(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    cap: &mut Capture,
) -> Result<Vec<String>, ItemError> {
    let item_type = item.item_type.as_deref().unwrap_or("");
    let is_view = item.type_keywords.iter().any(|k| k == "View Service");
    let (forward, reverse) = deps::relationship_types(item_type, is_view);
    let mut out = json!({"forward": [], "reverse": []});
    let mut needs = Vec::new();
    for (direction, types) in [("forward", forward), ("reverse", reverse)] {
        // One request for all types first: most items have no related items at all.
        let all = types.join(",");
        if types.is_empty()
            || related_page(ctx, item, &all, direction, cap)
                .await?
                .is_empty()
        {
            continue;
        }
        for rel in types {
            let found = related_page(ctx, item, rel, direction, cap).await?;
            if found.is_empty() {
                continue;
            }
            if direction == "forward" {
                needs.extend(found.iter().map(|i| i.id.clone()));
            }
            let items: Vec<Value> = found
                .iter()
                .map(|i| json!({"id": i.id, "title": i.title, "type": i.item_type, "url": i.url}))
                .collect();
            if let Some(list) = out[direction].as_array_mut() {
                list.push(json!({"relationshipType": rel, "items": items}));
            }
        }
    }
    add_json(w, "related.json", &out)?;
    Ok(needs)
}

/// `sharing.json`: access level, groups, folder, owner, content status, delete protection.
pub(crate) async fn sharing(
    ctx: &RunCtx,
    w: &mut ArchiveWriter,
    item: &Item,
    folder_title: Option<&str>,
    cap: &mut Capture,
) -> Result<(), ItemError> {
    let groups: Vec<Value> = match ctx
        .client
        .post_read::<ItemGroups>(&format!("content/items/{}/groups", item.id), &[])
        .await
    {
        Ok(g) => g
            .all()
            .map(|g| json!({"id": g.id, "title": g.title}))
            .collect(),
        Err(e) => {
            cap.partial(format!("groups the item is shared with not read: {e}"));
            Vec::new()
        }
    };
    let value = json!({
        "access": item.access, "groups": groups, "owner": item.owner,
        "folder": {"id": item.owner_folder, "title": folder_title},
        "contentStatus": item.content_status, "protected": item.protected,
    });
    add_json(w, "sharing.json", &value)
}

/// The items related to `item` by `types` (comma list) in `direction`; a failure is a reason
/// the archive is partial.
async fn related_page(
    ctx: &RunCtx,
    item: &Item,
    types: &str,
    direction: &str,
    cap: &mut Capture,
) -> Result<Vec<Item>, ItemError> {
    ctx.check()?;
    let form = [
        ("relationshipTypes", types),
        ("direction", direction),
        ("num", "100"),
    ];
    match ctx
        .client
        .post_read::<RelatedItems>(&format!("content/items/{}/relatedItems", item.id), &form)
        .await
    {
        Ok(p) => Ok(p.related_items),
        Err(e) => {
            cap.partial(format!("related items {types} ({direction}) not read: {e}"));
            Ok(Vec::new())
        }
    }
}
