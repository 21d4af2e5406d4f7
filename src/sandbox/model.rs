//! The sandbox portal's in-memory state: the organisation, users, groups, folders, items with their
//! data, thumbnails, metadata and resources, relationships, hosted feature services, tokens and
//! jobs. Pure data plus small helpers; it knows nothing of HTTP (routes live in their own modules).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::item_map::ItemMap;
use super::services::Service;

/// The organisation the sandbox hosts.
#[derive(Debug, Clone)]
pub struct Org {
    /// Org id, as in `portals/self.id` and `orgId` of items.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The `urlKey` an AGOL organisation has.
    pub url_key: String,
    /// When the org was created (epoch ms).
    pub created: i64,
}

/// A user's role, as ArcGIS names them in `community/users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `org_admin`: sees and changes everything in the org.
    Admin,
    /// `org_publisher`: creates content and publishes hosted layers.
    Publisher,
    /// `org_user`: reads what is shared with them.
    Viewer,
}

impl Role {
    /// The `role` string of the REST API.
    pub fn api_name(self) -> &'static str {
        match self {
            Role::Admin => "org_admin",
            Role::Publisher => "org_publisher",
            Role::Viewer => "org_user",
        }
    }

    /// The `roleId` string of the REST API (built-in roles use their name).
    pub fn role_id(self) -> &'static str {
        match self {
            Role::Admin => "org_admin",
            Role::Publisher => "org_publisher",
            Role::Viewer => "iAAAAAAAAAAAAAAA",
        }
    }

    /// The privileges this role grants, as listed in the user JSON.
    pub fn privileges(self) -> Vec<&'static str> {
        let mut p = vec![
            "portal:user:joinGroup",
            "portal:user:viewOrgGroups",
            "portal:user:viewOrgItems",
            "portal:user:viewOrgUsers",
            "features:user:edit",
        ];
        if self != Role::Viewer {
            p.extend([
                "portal:user:createGroup",
                "portal:user:createItem",
                "portal:user:shareToGroup",
                "portal:user:shareToOrg",
                "portal:user:shareToPublic",
                "portal:publisher:publishFeatures",
                "portal:publisher:createDataPipelines",
            ]);
        }
        if self == Role::Admin {
            p.extend([
                "portal:admin:viewItems",
                "portal:admin:updateItems",
                "portal:admin:deleteItems",
                "portal:admin:reassignItems",
                "portal:admin:shareToGroup",
                "portal:admin:shareToOrg",
                "portal:admin:shareToPublic",
                "portal:admin:viewUsers",
                "portal:admin:viewGroups",
                "portal:admin:manageSecurity",
                "features:user:fullEdit",
            ]);
        }
        p
    }
}

/// A member of the organisation.
#[derive(Debug, Clone)]
pub struct User {
    /// Sign-in name.
    pub username: String,
    /// The password `generateToken` and the sign-in page accept.
    pub password: String,
    /// Full name shown in the UI.
    pub full_name: String,
    /// E-mail address.
    pub email: String,
    /// Role in the org.
    pub role: Role,
    /// Epoch ms.
    pub created: i64,
}

/// A group items are shared with.
#[derive(Debug, Clone)]
pub struct Group {
    /// 32-hex id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Owner username.
    pub owner: String,
    /// `private`, `org` or `public`.
    pub access: String,
    /// Usernames of the members (owner included).
    pub members: BTreeSet<String>,
    /// Snippet.
    pub snippet: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Epoch ms.
    pub created: i64,
}

/// A user's content folder.
#[derive(Debug, Clone)]
pub struct Folder {
    /// 32-hex id.
    pub id: String,
    /// Owner username.
    pub owner: String,
    /// Title.
    pub title: String,
    /// Epoch ms.
    pub created: i64,
}

/// Bytes that are either held or generated on the fly (so huge files are never in memory).
#[derive(Debug, Clone)]
pub enum Content {
    /// Real bytes.
    Bytes(Arc<Vec<u8>>),
    /// `len` pseudo-random bytes from `seed`, produced while streaming.
    Generated {
        /// Total length.
        len: u64,
        /// Seed of the generator (see `rng::fill_generated`).
        seed: u64,
    },
}

impl Content {
    /// Wraps owned bytes.
    pub fn bytes(b: impl Into<Vec<u8>>) -> Self {
        Content::Bytes(Arc::new(b.into()))
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Generated { len, .. } => *len,
        }
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What an item's `/data` returns.
#[derive(Debug, Clone)]
pub enum ItemData {
    /// Nothing (service items, URL items): `/data` answers an empty body.
    Empty,
    /// JSON text, served as-is (raw bytes, not re-serialised).
    Json(Arc<Vec<u8>>),
    /// A file, served by redirect to the blob origin.
    File {
        /// Original file name (`item.name`).
        name: String,
        /// The bytes.
        content: Content,
    },
}

/// One item resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The bytes.
    pub content: Content,
    /// Epoch ms.
    pub created: i64,
    /// `inherit` or `private`.
    pub access: String,
    /// Optional JSON-encoded properties string (real portals return a string).
    pub properties: Option<String>,
}

/// A thumbnail: the path under `/info/` and the image bytes.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    /// Path as in the item's `thumbnail` field, e.g. `thumbnail/thumbnail.png`.
    pub path: String,
    /// PNG or JPEG bytes.
    pub bytes: Arc<Vec<u8>>,
}

/// Who an item is shared with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// Shared with everyone (public).
    pub everyone: bool,
    /// Shared with the organisation.
    pub org: bool,
    /// Group ids.
    pub groups: BTreeSet<String>,
}

impl Sharing {
    /// The `access` string ArcGIS derives from the sharing.
    pub fn access(&self) -> &'static str {
        if self.everyone {
            "public"
        } else if self.org {
            "org"
        } else if !self.groups.is_empty() {
            "shared"
        } else {
            "private"
        }
    }
}

/// A portal item.
#[derive(Debug, Clone)]
pub struct Item {
    /// 32-hex id.
    pub id: String,
    /// Owner username.
    pub owner: String,
    /// Folder id, `None` for the root folder.
    pub folder: Option<String>,
    /// Title.
    pub title: String,
    /// Item type (`Web Map`, `Feature Service`, `PDF` ...).
    pub item_type: String,
    /// `typeKeywords`.
    pub type_keywords: Vec<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// Epoch ms.
    pub created: i64,
    /// Epoch ms.
    pub modified: i64,
    /// `url` for service and app items.
    pub url: Option<String>,
    /// Who can see it.
    pub sharing: Sharing,
    /// `org_authoritative`, `public_authoritative` or `deprecated`.
    pub content_status: Option<String>,
    /// Delete protection.
    pub protected: bool,
    /// Thumbnail, if any.
    pub thumbnail: Option<Thumbnail>,
    /// `metadata.xml`, if any.
    pub metadata: Option<Arc<Vec<u8>>>,
    /// What `/data` returns.
    pub data: ItemData,
    /// Resources by full relative path (`images/a.png`).
    pub resources: BTreeMap<String, Resource>,
    /// Every other item field (description, snippet, extent, properties, culture ...).
    pub extra: Map<String, Value>,
}

impl Item {
    /// A new item with the given identity and defaults for everything else.
    pub fn new(id: &str, owner: &str, title: &str, item_type: &str, created: i64) -> Self {
        Item {
            id: id.to_string(),
            owner: owner.to_string(),
            folder: None,
            title: title.to_string(),
            item_type: item_type.to_string(),
            type_keywords: Vec::new(),
            tags: Vec::new(),
            created,
            modified: created,
            url: None,
            sharing: Sharing::default(),
            content_status: None,
            protected: false,
            thumbnail: None,
            metadata: None,
            data: ItemData::Empty,
            resources: BTreeMap::new(),
            extra: Map::new(),
        }
    }

    /// `name` field: the file name for file items, else null.
    pub fn name(&self) -> Option<&str> {
        match &self.data {
            ItemData::File { name, .. } => Some(name),
            _ => self.extra.get("name").and_then(Value::as_str),
        }
    }

    /// Size in bytes as the portal reports it.
    pub fn size(&self) -> i64 {
        let data = match &self.data {
            ItemData::Empty => 0,
            ItemData::Json(b) => b.len() as u64,
            ItemData::File { content, .. } => content.len(),
        };
        let res: u64 = self.resources.values().map(|r| r.content.len()).sum();
        i64::try_from(data + res).unwrap_or(i64::MAX)
    }

    /// A string field of `extra`, or "".
    pub fn extra_str(&self, key: &str) -> &str {
        self.extra.get(key).and_then(Value::as_str).unwrap_or("")
    }
}

/// A typed relationship between two items ("origin relates to destination").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Relationship {
    /// Origin item id.
    pub origin: String,
    /// Destination item id.
    pub dest: String,
    /// Relationship type, e.g. `Map2Service`.
    pub kind: String,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Token {
    /// Whose token.
    pub username: String,
    /// Expiry, epoch ms.
    pub expires: i64,
    /// When set, requests must carry this exact `Referer`.
    pub referer: Option<String>,
}

/// A pending OAuth authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Whose code.
    pub username: String,
    /// Client that asked.
    pub client_id: String,
    /// Redirect URI it was issued for.
    pub redirect_uri: String,
    /// PKCE challenge (S256), if the client sent one.
    pub code_challenge: Option<String>,
    /// Requested token lifetime in minutes.
    pub expiration_min: i64,
}

/// A pending OAuth sign-in (between the authorize page and the sign-in POST).
#[derive(Debug, Clone)]
pub struct OAuthState {
    /// `token` (implicit) or `code`.
    pub response_type: String,
    /// Client id.
    pub client_id: String,
    /// Redirect URI.
    pub redirect_uri: String,
    /// Client `state`, echoed back.
    pub state: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// Token lifetime in minutes.
    pub expiration_min: i64,
}

/// A long-running server job (export, replica, publish, upload commit).
#[derive(Debug, Clone)]
pub struct Job {
    /// Job id.
    pub id: String,
    /// `export`, `replica`, `publish` or `commit`.
    pub kind: String,
    /// The item the job creates or works on.
    pub item_id: String,
    /// Epoch ms when it completes.
    pub ready_at: i64,
    /// Set when the job failed.
    pub failure: Option<String>,
    /// For replicas: the result file served at `resultUrl`.
    pub result: Option<Arc<Vec<u8>>>,
}

/// Everything the sandbox holds.
#[derive(Debug, Default)]
pub struct State {
    /// The organisation (set by the dataset).
    pub org: Option<Org>,
    /// Users by username.
    pub users: BTreeMap<String, User>,
    /// Groups by id.
    pub groups: BTreeMap<String, Group>,
    /// Folders by id.
    pub folders: BTreeMap<String, Folder>,
    /// Items by id, indexed by `created` too.
    pub items: ItemMap,
    /// Item relationships.
    pub relationships: BTreeSet<Relationship>,
    /// Hosted feature services by service name.
    pub services: BTreeMap<String, Service>,
    /// Access tokens by token string.
    pub tokens: HashMap<String, Token>,
    /// Refresh tokens by token string (value: username, client id).
    pub refresh_tokens: HashMap<String, (String, String)>,
    /// OAuth codes by code.
    pub auth_codes: HashMap<String, AuthCode>,
    /// OAuth sign-in states by `oauth_state`.
    pub oauth_states: HashMap<String, OAuthState>,
    /// Jobs by id.
    pub jobs: HashMap<String, Job>,
    /// Multipart upload parts by item id, then part number.
    pub upload_parts: HashMap<String, BTreeMap<u32, Vec<u8>>>,
    /// Counter for new ids and tokens.
    pub serial: u64,
}

impl State {
    /// The org (the dataset always sets one).
    pub fn org(&self) -> &Org {
        static EMPTY: std::sync::OnceLock<Org> = std::sync::OnceLock::new();
        self.org.as_ref().unwrap_or_else(|| {
            EMPTY.get_or_init(|| Org {
                id: String::new(),
                name: String::new(),
                url_key: String::new(),
                created: 0,
            })
        })
    }

    /// A fresh 32-hex id in UUID-v4 layout (so id-sniffing clients recognise it).
    pub fn new_id(&mut self) -> String {
        self.serial += 1;
        super::rng::hex_id(0x5eed_0000_0000_0000 ^ self.serial.wrapping_mul(0x9e37_79b9))
    }

    /// A fresh opaque token string.
    pub fn new_secret(&mut self) -> String {
        self.serial += 1;
        let a = super::rng::hex_id(self.serial ^ 0xa5a5_5a5a_1234_5678 ^ super::now_ms() as u64);
        let b = super::rng::hex_id(self.serial.wrapping_mul(31) ^ 0x0f0f);
        format!("{a}{b}")
    }

    /// Groups `username` belongs to.
    pub fn groups_of(&self, username: &str) -> impl Iterator<Item = &Group> {
        self.groups
            .values()
            .filter(move |g| g.members.contains(username))
    }
}
