//! The error type every command returns, and its exit codes (SPEC §2), in one table.

use std::fmt;

/// What went wrong, as far as the exit status is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// I/O, database, configuration: anything not listed below.
    Other,
    /// Bad arguments or a missing value that a script must pass as a flag.
    Usage,
    /// User or database file not found.
    NotFound,
    /// Refused by policy: institution email, skip limit, not enrolled, rate limit,
    /// locked, weak password, no open reset window, last contact.
    Policy,
    /// A message could not be delivered.
    Delivery,
    /// Invalid input data, e.g. CSV rows.
    InvalidData,
    /// A SafeCode was wrong, expired, already used, or none is outstanding.
    CodeRejected,
    /// The caller's role does not allow this command, option or user (SPEC §7).
    NotPermitted,
}

impl Kind {
    /// The process exit status for this kind of failure.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Other => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::Policy => 4,
            Kind::Delivery => 5,
            Kind::InvalidData => 6,
            Kind::CodeRejected => 7,
            Kind::NotPermitted => 8,
        }
    }
}

/// Exit status of `check` for a user who may still skip registration.
pub const EXIT_MAY_SKIP: u8 = 10;
/// Exit status of `check` for a user who must register now.
pub const EXIT_MUST_REGISTER: u8 = 11;

/// Exit status of `authenticate` when the password is right but must be changed
/// now (a generated one an agent has seen).
pub const EXIT_MUST_CHANGE: u8 = 12;

/// A failure with a kind (its exit code), a one-line message and an optional hint.
#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a second line telling the person what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub fn usage(message: impl Into<String>) -> Error {
    Error::new(Kind::Usage, message)
}
pub fn not_found(message: impl Into<String>) -> Error {
    Error::new(Kind::NotFound, message)
}
pub fn policy(message: impl Into<String>) -> Error {
    Error::new(Kind::Policy, message)
}
pub fn delivery(message: impl Into<String>) -> Error {
    Error::new(Kind::Delivery, message)
}
pub fn invalid_data(message: impl Into<String>) -> Error {
    Error::new(Kind::InvalidData, message)
}
pub fn rejected(message: impl Into<String>) -> Error {
    Error::new(Kind::CodeRejected, message)
}
pub fn not_permitted(message: impl Into<String>) -> Error {
    Error::new(Kind::NotPermitted, message)
}
pub fn other(message: impl Into<String>) -> Error {
    Error::new(Kind::Other, message)
}

/// Finds our [`Error`] anywhere in an anyhow chain, so that context added on the way
/// up does not turn a policy refusal into a generic failure.
pub fn find(err: &anyhow::Error) -> Option<&Error> {
    err.chain().find_map(|e| e.downcast_ref::<Error>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_match_the_spec_table() {
        let table = [
            (Kind::Other, 1),
            (Kind::Usage, 2),
            (Kind::NotFound, 3),
            (Kind::Policy, 4),
            (Kind::Delivery, 5),
            (Kind::InvalidData, 6),
            (Kind::CodeRejected, 7),
            (Kind::NotPermitted, 8),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
        assert_eq!(EXIT_MAY_SKIP, 10);
        assert_eq!(EXIT_MUST_REGISTER, 11);
        assert_eq!(EXIT_MUST_CHANGE, 12);
    }

    #[test]
    fn find_sees_through_context() {
        use anyhow::Context;
        let r: anyhow::Result<()> = Err(policy("no").into());
        let e = r.context("while doing x").unwrap_err();
        assert_eq!(find(&e).map(|e| e.kind), Some(Kind::Policy));
    }
}
