//! Hosted feature services, replicas, item export, publish and createService, against a
//! fixture seeded into the sandbox (see `fixture`).

mod admin;
mod edits;
mod export;
mod fixture;
mod publish;
mod query;
mod replica;
