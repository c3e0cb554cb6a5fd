//! One integration-test binary; a module per feature. Every test drives the real
//! binary against a real SQLite file in a temp directory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod bulk;
mod codes;
mod contacts;
mod crash;
mod delivery;
mod desk;
mod docs;
mod foundation;
mod fuzz_regressions;
mod leaks;
mod packaging;
mod pty;
mod races;
mod security_doc;
mod sudo;
mod targets;
