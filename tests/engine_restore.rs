//! The restore engine against the sandbox: the demo org backed up, deleted and restored (then
//! compared with the original apart from ids and owners), `update` after damage, a second
//! `skip` restore that creates nothing, dry runs, a viewer without publishing rights, cancel,
//! and hosted layers rebuilt from a backup without an export.

mod large;
mod original;
mod rebuild;
mod round_trip;
mod runs;
mod update_skip;
