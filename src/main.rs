//! `agol-backup`: the desktop window (placeholder until the window issue lands).
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

fn main() {}
