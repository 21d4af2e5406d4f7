//! The one integration-test binary: each module tests one area against the in-process sandbox.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod support;

mod cli_backup;
mod cli_scan;
mod engine_backup;
mod engine_deps;
mod engine_ocm;
mod engine_restore_source;
mod engine_scan;
mod formats;
mod oauth_profiles;
mod portal_client;
mod sandbox_core;
mod sandbox_dataset;
mod sandbox_faults;
mod sandbox_features;
mod sandbox_items;
mod sandbox_oauth;
mod sandbox_search;
mod sandbox_writes;
mod ui_app;
mod ui_backup;
