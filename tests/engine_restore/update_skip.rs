//! `update` in place after damage, dry runs, a viewer, cancel.
