//! The builtin target: an argon2id hash in safecode's own database (SPEC §5). The
//! hash is made here and stored by the caller in the transaction that uses up the
//! reset window, so a change and its record are one commit.

use super::{Account, Change, PasswordTarget};
use crate::config::Argon2Config;
use crate::error::{self, Error};
use crate::password;
use crate::send::{Check, Status};

pub struct Builtin {
    cost: Argon2Config,
}

impl Builtin {
    pub fn new(cost: Argon2Config) -> Builtin {
        Builtin { cost }
    }
}

impl PasswordTarget for Builtin {
    fn kind(&self) -> &'static str {
        "builtin"
    }

    fn outside(&self) -> bool {
        false
    }

    fn set_password(&self, _username: &str, password: &str) -> Result<Change, Error> {
        password::hash(password, &self.cost)
            .map(Change::Store)
            .map_err(|e| error::other(format!("hashing the password: {e}")))
    }

    fn authenticate(&self, account: &Account<'_>, candidate: &str) -> Result<bool, Error> {
        Ok(match account.stored_hash {
            Some(phc) => password::verify(candidate, phc),
            None => password::verify_dummy(candidate, &account.dummy_cost),
        })
    }

    fn check(&self) -> Vec<Check> {
        let c = &self.cost;
        vec![Check::new(
            "password target",
            Status::Ok,
            format!(
                "builtin: argon2id hashes in the database (m={} KiB, t={}, p={})",
                c.memory_kib, c.iterations, c.parallelism
            ),
        )]
    }
}
