//! The demo organisation: Riverton Water & Planning with its members, groups and folders, and the
//! item-making helpers ([`Demo`], [`Spec`]) the `demo_*` modules use to add hosted services, maps,
//! apps and files. Item ids derive from stable keys (`key_id("item:<key>")`), so documentation and
//! tests can name them and they never change between runs.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::people::{self, Groups};
use super::thumbs::{self, Glyph};
use super::{Describe, files, key_id, strings, ts};
use crate::sandbox::model::{Item, ItemData, Relationship, State};
use crate::sandbox::rng::Rng;

/// Builds the demo organisation.
pub fn build(base: &str) -> State {
    let mut st = State::default();
    people::org_and_users(&mut st);
    let groups = people::standard_groups(&mut st);
    for (owner, title, created) in [
        ("admin", "Water Network", ts(2019, 3, 1, 9, 0)),
        ("admin", "Planning", ts(2019, 4, 8, 15, 0)),
        ("admin", "Archive", ts(2021, 1, 4, 8, 30)),
        ("editor", "Field Apps", ts(2021, 5, 20, 10, 0)),
        ("editor", "Drafts", ts(2022, 2, 14, 11, 0)),
    ] {
        people::add_folder(&mut st, owner, title, created);
    }
    let mut d = Demo {
        st,
        base: base.to_string(),
        rng: Rng::new(0x00de_0201_9a11),
        groups,
        thumbs: BTreeMap::new(),
    };
    super::demo_services::add(&mut d);
    super::demo_maps::add(&mut d);
    super::demo_apps::add(&mut d);
    super::demo_files::add(&mut d);
    d.st
}

/// Who an item is shared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// Owner only (plus any groups listed).
    #[default]
    Private,
    /// The organisation.
    Org,
    /// Everyone.
    Public,
}

/// One of the three standard groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grp {
    /// Water Operations.
    Ops,
    /// Planning Department.
    Planning,
    /// Public Showcase.
    Showcase,
}

/// The description of one demo item; `Demo::make` turns it into an [`Item`].
#[derive(Debug, Clone, Default)]
pub struct Spec<'a> {
    /// Stable key the id derives from.
    pub key: &'a str,
    /// Owner username.
    pub owner: &'a str,
    /// Folder title (of the owner), `None` for the root.
    pub folder: Option<&'a str>,
    /// Title.
    pub title: &'a str,
    /// Item type.
    pub kind: &'a str,
    /// Type keywords.
    pub keywords: &'a [&'a str],
    /// Tags.
    pub tags: &'a [&'a str],
    /// Created (epoch ms).
    pub created: i64,
    /// Modified (epoch ms); 0 = same as created.
    pub modified: i64,
    /// Summary.
    pub snippet: &'a str,
    /// Description (HTML).
    pub description: &'a str,
    /// Credits.
    pub credits: &'a str,
    /// Whether the item covers the town (extent set) or has none.
    pub spatial: bool,
    /// Sharing level.
    pub access: Access,
    /// Groups shared with.
    pub groups: &'a [Grp],
    /// Content status.
    pub status: Option<&'a str>,
    /// Thumbnail design and colour.
    pub thumb: Option<(Glyph, [u8; 3])>,
    /// Thumbnail file name (default `thumbnail{created}.png`).
    pub thumb_name: Option<&'a str>,
    /// Whether the item has `metadata.xml`.
    pub metadata: bool,
}

/// The demo under construction.
pub struct Demo {
    /// The state being filled.
    pub st: State,
    /// `http://host:port` of the sandbox.
    pub base: String,
    /// Generator for view counts and similar details.
    pub rng: Rng,
    /// The standard groups.
    pub groups: Groups,
    thumbs: BTreeMap<(u8, [u8; 3]), Arc<Vec<u8>>>,
}

/// The id of the demo item with `key`.
pub fn id(key: &str) -> String {
    key_id(&format!("item:{key}"))
}

impl Demo {
    /// A new item from `spec` (not yet inserted).
    pub fn make(&mut self, spec: &Spec) -> Item {
        let mut it = Item::new(
            &id(spec.key),
            spec.owner,
            spec.title,
            spec.kind,
            spec.created,
        );
        it.modified = spec.modified.max(spec.created);
        it.folder = spec
            .folder
            .map(|f| key_id(&format!("folder:{}:{f}", spec.owner)));
        it.type_keywords = strings(spec.keywords);
        it.tags = strings(spec.tags);
        it.sharing.everyone = spec.access == Access::Public;
        it.sharing.org = spec.access != Access::Private;
        for g in spec.groups {
            let gid = match g {
                Grp::Ops => &self.groups.water_ops,
                Grp::Planning => &self.groups.planning,
                Grp::Showcase => &self.groups.showcase,
            };
            it.sharing.groups.insert(gid.clone());
        }
        it.extra
            .insert("categories".into(), categories(spec.tags).into());
        it.content_status = spec.status.map(str::to_string);
        it.protected = matches!(
            spec.status,
            Some("org_authoritative" | "public_authoritative")
        );
        let extent = spec.spatial.then_some(super::geo::EXTENT);
        Describe {
            snippet: spec.snippet,
            description: spec.description,
            credits: spec.credits,
            extent,
        }
        .apply(&mut it, &mut self.rng);
        if let Some((glyph, color)) = spec.thumb {
            let bytes = self
                .thumbs
                .entry((glyph as u8, color))
                .or_insert_with(|| Arc::new(thumbs::thumbnail(glyph, color)))
                .clone();
            let name = spec
                .thumb_name
                .map_or_else(|| format!("thumbnail{}.png", spec.created), str::to_string);
            it.thumbnail = Some(crate::sandbox::model::Thumbnail {
                path: format!("thumbnail/{name}"),
                bytes,
            });
        }
        if spec.metadata {
            it.metadata = Some(Arc::new(files::metadata_xml(
                spec.title,
                spec.snippet,
                &it.tags,
                spec.credits,
                spec.created,
            )));
            it.type_keywords.push("Metadata".into());
        }
        it
    }

    /// Inserts `item` and returns its id.
    pub fn put(&mut self, item: Item) -> String {
        let id = item.id.clone();
        self.st.items.insert(id.clone(), item);
        id
    }

    /// `make` + `put` with `data` and `url`.
    pub fn add(&mut self, spec: &Spec, data: ItemData, url: Option<String>) -> String {
        let mut it = self.make(spec);
        it.data = data;
        it.url = url;
        self.put(it)
    }

    /// Records `origin -kind-> dest` (item keys).
    pub fn relate(&mut self, origin: &str, dest: &str, kind: &str) {
        self.st.relationships.insert(Relationship {
            origin: id(origin),
            dest: id(dest),
            kind: kind.into(),
        });
    }
}

/// The org's content categories an item belongs to, from its tags.
fn categories(tags: &[&str]) -> Vec<&'static str> {
    let has = |words: &[&str]| {
        tags.iter()
            .any(|t| words.iter().any(|w| t.eq_ignore_ascii_case(w)))
    };
    let mut c = Vec::new();
    if has(&[
        "water",
        "hydrants",
        "valves",
        "mains",
        "pressure zones",
        "water quality",
    ]) {
        c.push("/Categories/Utilities/Water");
    }
    if has(&["parcels", "zoning", "planning", "capital plan"]) {
        c.push("/Categories/Planning");
    }
    if has(&["public", "open data", "public outreach"]) {
        c.push("/Categories/Public Information");
    }
    c
}

/// The credits line of most demo items.
pub const CREDITS: &str = "Riverton Water & Planning GIS";

/// Blue (water).
pub const BLUE: [u8; 3] = [22, 105, 160];
/// Red (hydrants).
pub const RED: [u8; 3] = [180, 40, 40];
/// Green (trees, parks).
pub const GREEN: [u8; 3] = [50, 130, 70];
/// Amber (planning).
pub const AMBER: [u8; 3] = [200, 140, 30];
/// Slate (documents).
pub const SLATE: [u8; 3] = [80, 90, 110];
/// Purple (apps).
pub const PURPLE: [u8; 3] = [110, 70, 150];
