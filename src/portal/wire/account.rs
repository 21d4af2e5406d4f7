//! Wire types of the portal and its people (arcgis-protocol.md §2-§3): `portals/self`, `info`,
//! user and group records, and the token answers of `generateToken` and `oauth2/token`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Secret;
use super::de;

/// A group (in user records, item groups and `community/groups/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Group {
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub owner: Option<String>,
    /// `private`, `org` or `public`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub snippet: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_invitation_only: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub created: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub modified: Option<i64>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user record (`community/self`, `community/users/{u}`, `portals/self.user`), §3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct User {
    pub username: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub org_id: Option<String>,
    /// `org_admin`, `org_publisher`, `org_user`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub role_id: Option<String>,
    #[serde(default, deserialize_with = "de::text_list")]
    pub privileges: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub user_license_type_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub idp_username: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub groups: Vec<Group>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub created: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub modified: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub last_login: Option<i64>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// True when the user holds `privilege` (e.g. `portal:admin:viewItems`).
    pub fn has_privilege(&self, privilege: &str) -> bool {
        self.privileges.iter().any(|p| p == privilege)
    }
}

/// `portals/self`: the organisation and portal, §3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct PortalSelf {
    /// Org id.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub portal_name: Option<String>,
    /// `multitenant` (ArcGIS Online) or `singletenant` (Enterprise).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub portal_mode: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_portal: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url_key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub custom_base_url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub portal_hostname: Option<String>,
    #[serde(rename = "allSSL", default, deserialize_with = "de::opt_bool")]
    pub all_ssl: Option<bool>,
    #[serde(rename = "supportsOAuth", default, deserialize_with = "de::opt_bool")]
    pub supports_oauth: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub current_version: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub enterprise_version: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub portal_deployment_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub recycle_bin_supported: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub recycle_bin_enabled: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_token_expiration_minutes: Option<i64>,
    #[serde(default)]
    pub helper_services: Option<Value>,
    #[serde(default)]
    pub subscription_info: Option<Value>,
    /// The signed-in user; none when anonymous (or sent as `{}`).
    #[serde(default, deserialize_with = "de::nonempty_object")]
    pub user: Option<User>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PortalSelf {
    /// ArcGIS Online: `portalName == "ArcGIS Online"` and `portalMode == "multitenant"`.
    pub fn is_arcgis_online(&self) -> bool {
        self.portal_name.as_deref() == Some("ArcGIS Online")
            && self.portal_mode.as_deref() == Some("multitenant")
    }
}

/// `GET {rest}/info`: where tokens come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalInfo {
    /// The portal that owns this server.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub owning_system_url: Option<String>,
    /// Token service settings.
    #[serde(default)]
    pub auth_info: Option<AuthInfo>,
}

/// `info.authInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInfo {
    /// The `generateToken` URL.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub token_services_url: Option<String>,
    /// True when the portal uses tokens.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_token_based_security: Option<bool>,
}

/// `generateToken`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The token.
    pub token: Secret,
    /// Expiry, epoch ms.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub expires: Option<i64>,
    /// True when the org accepts HTTPS only.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub ssl: Option<bool>,
}

/// `oauth2/token`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTokenResponse {
    /// The access token.
    pub access_token: Secret,
    /// Lifetime in seconds.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub expires_in: Option<i64>,
    /// Refresh token (code exchange and `exchange_refresh_token` only).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Refresh token lifetime in seconds.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub refresh_token_expires_in: Option<i64>,
    /// Who signed in.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub username: Option<String>,
    /// True when the org accepts HTTPS only.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub ssl: Option<bool>,
}
