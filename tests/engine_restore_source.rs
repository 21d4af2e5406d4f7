//! The restore's input reader: the demo org backed up by the real engine (per-item ZIPs and
//! packages) read back into one model, the original utility's ZIP layout, listing without
//! extraction, and hostile or foreign files.

mod archives;
mod esri;
mod hostile;
pub mod original;
mod packages;
