//! The one integration-test binary: each module tests one area against the in-process sandbox.

mod support;

mod sandbox_core;
mod sandbox_faults;
mod sandbox_oauth;
mod sandbox_search;
