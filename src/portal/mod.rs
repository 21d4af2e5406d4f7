//! The ArcGIS REST client: URL normalisation, HTTP with retries and redirects, authentication,
//! JSON wire types and typed errors, for ArcGIS Online and ArcGIS Enterprise portals. It knows
//! nothing of jobs, files or the UI, and shares no code with `sandbox` (the sandbox is written
//! independently from the protocol reference, so each side catches the other's mistakes).
//!
//! Entry point: [`PortalClient::connect`] with [`ClientOptions`] and [`Credentials`].

mod auth;
mod client;
mod download;
pub mod error;
mod failure;
mod http;
pub mod oauth;
pub mod oauth_loopback;
mod request;
pub mod retry;
mod upload;
pub mod url;
pub mod wire;

pub use auth::{Credentials, check_transport_security};
pub use client::PortalClient;
pub use download::Download;
pub use error::PortalError;
pub use failure::envelope;
pub use oauth_loopback::{OAuthTokens, sign_in_in_browser};
pub use request::{ApiRequest, ClientOptions, DEFAULT_REFERER};
pub use retry::RetryPolicy;
pub use url::PortalUrl;
