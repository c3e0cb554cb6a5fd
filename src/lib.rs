//! safecode: administration of SafeCode, the one-time-code protection on password
//! resets. See README.md and SPEC.md.

pub mod clock;
pub mod config;
pub mod error;
