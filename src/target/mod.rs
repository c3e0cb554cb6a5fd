//! Where a password is set and checked (SPEC §8): one [`PasswordTarget`] trait, one
//! file per kind. `builtin` keeps an argon2id hash in safecode's own database (the
//! default, as before); `ldap` changes it in a directory (RFC 3062 Password Modify,
//! or `unicodePwd` for Active Directory); `command` hands it to a site program
//! (Kerberos, local accounts, Samba).
//!
//! The targets only talk to where the password lives. The guarantees around them
//! (one change per window, audit rows before and after, notices after success) are
//! the password-change flow's, in `cmd/set_password.rs`.

mod builtin;
mod command;
mod ldap;

use zeroize::Zeroizing;

pub use builtin::Builtin;
pub use command::CommandTarget;
pub use ldap::LdapTarget;

use crate::config::{Argon2Config, Config};
use crate::error::Error;
use crate::send::Check;

/// A password in memory, wiped when dropped.
pub type Secret = Zeroizing<String>;

/// What a successful `set_password` leaves for the caller to do.
#[derive(Debug)]
pub enum Change {
    /// Store this argon2id hash in safecode's database, in the same transaction
    /// that uses up the reset window (the builtin target).
    Store(String),
    /// The outside target has the new password; nothing to store but the record.
    Applied,
}

/// What `authenticate` knows about the account besides its name.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    pub username: &'a str,
    /// The stored argon2id hash, for the builtin target (`None`: unknown user or
    /// no password).
    pub stored_hash: Option<&'a str>,
    /// The cost stored hashes use, for the dummy work on a missing hash, so that
    /// a missing user takes as long as a real one.
    pub dummy_cost: Argon2Config,
}

/// Where passwords live.
pub trait PasswordTarget {
    /// `builtin`, `ldap` or `command`, for the audit log and `doctor`.
    fn kind(&self) -> &'static str;

    /// True when the password lives outside safecode's database: the change is
    /// then recorded as `started` before the target is asked, and as `ok` or
    /// `failed` after (SPEC §8).
    fn outside(&self) -> bool {
        true
    }

    /// Sets `password` (already through safecode's own policy, NFKC-normalised)
    /// for `username`. A refusal by the target's own policy is exit 4 with its
    /// message; an unknown entry exit 3; anything else exit 1.
    fn set_password(&self, username: &str, password: &str) -> Result<Change, Error>;

    /// Whether `candidate` is the account's password. `Ok(false)` for a wrong
    /// password and for an unknown account alike.
    fn authenticate(&self, account: &Account<'_>, candidate: &str) -> Result<bool, Error>;

    /// `doctor`'s checks: reach the target, never change a password.
    fn check(&self) -> Vec<Check>;
}

pub(crate) fn current_euid() -> u32 {
    crate::system::effective_uid()
}

/// True when root was reached through sudo by someone else: the environment is
/// then the caller's and not to be trusted (SPEC §7). As `access` decides it;
/// a caller that cannot be identified counts as untrusted.
pub(crate) fn privileged_caller() -> bool {
    crate::access::Caller::identify().map_or(true, |c| c.via == crate::access::Via::Sudo)
}

/// The target `[password] target` names (already validated with the config).
pub fn from_config(config: &Config) -> Result<Box<dyn PasswordTarget>, Error> {
    let p = &config.password;
    Ok(match p.target.as_deref().unwrap_or("builtin") {
        "ldap" => Box::new(LdapTarget::from_config(config)?),
        "command" => Box::new(CommandTarget::from_config(p)?),
        _ => Box::new(Builtin::new(p.argon2)),
    })
}
