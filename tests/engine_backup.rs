//! The backup engine against the sandbox: archives of every demo item checked byte for byte
//! against what the sandbox holds, the fallbacks a viewer needs, temporary exports cleaned up,
//! resume, incremental runs, faults and token expiry, verify, and the refusals.

mod cases;
mod lifecycle;
pub mod runs;
