//! Search against the in-process sandbox: every field kind, boolean logic and precedence,
//! phrases, ranges, wildcards, the loose `type:` and `contentstatus:` index, visibility, group
//! and community searches, sorting, paging with the 10,000-result window, and malformed queries.
//! Each test seeds its own organisation with `SandboxHandle::with_state`.

mod access;
mod fixture;
mod listing;
mod queries;
