//! `safecode authenticate USER`: read a password on stdin; exit 0 if it is the
//! user's password at the password target, 7 if not, 12 if it is but must be
//! changed now. For PAM's `pam_exec` (which may end the password with one NUL
//! byte) and for checking that a reset took effect.
//!
//! Nothing in the answer or its timing tells a missing user from a wrong password:
//! both paths read the same rows, do the same argon2 work (a missing hash costs a
//! dummy at the cost stored hashes use, not the configuration's), and write one
//! audit row. A locked user is refused with the same words, and every wrong
//! password counts towards the lock, as wrong codes do. A success does not clear
//! the count: otherwise someone who knows the password could keep guessing codes
//! without ever being locked.

use serde_json::json;

use crate::Ctx;
use crate::cli::SelfUserArg;
use crate::config::Argon2Config;
use crate::error;
use crate::password;
use crate::store::AuditEntry;
use crate::target::{self, Account};

pub fn run(a: SelfUserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let candidate = super::password::authtok_from_stdin()?;
    let mut store = ctx.open()?;
    let target = target::from_config(&ctx.config)?;
    let valid = crate::contact::validate_username(&a.user).is_ok();
    let (user, samples) = store.read(|tx| {
        let u = if valid { tx.user(&a.user)? } else { None };
        Ok((u, tx.sample_password_hashes()?))
    })?;
    let stored = if target.outside() {
        None
    } else {
        user.as_ref().and_then(|u| u.password_hash.as_deref())
    };
    let account = Account {
        username: &a.user,
        stored_hash: stored,
        dummy_cost: usual_cost(&samples, &ctx.config.password.argon2),
    };
    let checked = target.authenticate(&account, &candidate);
    let locked = user.as_ref().is_some_and(|u| u.locked_at.is_some());
    let max_failures = ctx.config.policy.max_failures;
    let matched = *checked.as_ref().unwrap_or(&false);
    let audit_name = valid.then_some(a.user.as_str());
    store.write(|tx| {
        let (outcome, detail) = match (&checked, locked) {
            (Err(e), _) => ("error", Some(e.message.clone())),
            (Ok(_), true) => ("locked", None),
            (Ok(true), false) => ("ok", None),
            (Ok(false), false) => ("failed", user.is_none().then(|| "no such user".into())),
        };
        let audited = user.as_ref().map(|u| u.username.as_str()).or(audit_name);
        tx.audit(AuditEntry {
            username: audited,
            action: "authenticate",
            outcome,
            detail,
        })?;
        if outcome == "failed"
            && valid
            && let Some((failures, id)) = tx.add_failure_named(&a.user)?
            && failures >= max_failures
        {
            tx.lock_user(id, crate::clock::now())?;
            tx.audit(AuditEntry {
                username: audited,
                action: "user.lock",
                outcome: "ok",
                detail: Some(format!("{max_failures} consecutive failures")),
            })?;
        }
        Ok(())
    })?;
    if let Err(e) = checked {
        return Err(e.into());
    }
    if !matched || locked {
        // The same words whether the user, the password or both are wrong, or
        // the user is locked.
        return Err(error::rejected("authentication failed").into());
    }
    // A hash made under a lower cost than the configuration's is replaced now that
    // the password is at hand.
    if let (Some(u), Some(old)) = (&user, stored)
        && password::needs_rehash(old, &ctx.config.password.argon2)
        && let Ok(new) = password::hash(&candidate, &ctx.config.password.argon2)
    {
        store.write(|tx| {
            if tx.rehash_password(u.id, old, &new)? {
                tx.audit(AuditEntry {
                    username: Some(&u.username),
                    action: "password.rehash",
                    outcome: "ok",
                    detail: Some(format!(
                        "argon2id m={} KiB, t={}, p={}",
                        ctx.config.password.argon2.memory_kib,
                        ctx.config.password.argon2.iterations,
                        ctx.config.password.argon2.parallelism
                    )),
                })?;
            }
            Ok(())
        })?;
    }
    let must_change = user.as_ref().is_some_and(|u| u.must_change_password);
    if ctx.out.json {
        ctx.out
            .json(&json!({"authenticated": true, "must_change_password": must_change}))?;
    } else if must_change {
        ctx.out
            .say("Authenticated; the password must be changed now.")?;
    } else {
        ctx.out.say("Authenticated.")?;
    }
    Ok(if must_change {
        error::EXIT_MUST_CHANGE
    } else {
        0
    })
}

/// The argon2id cost most of the sampled stored hashes use; the configuration's
/// when none parse.
fn usual_cost(samples: &[String], config: &Argon2Config) -> Argon2Config {
    let mut counts: Vec<((u32, u32, u32), usize)> = Vec::new();
    for (m, t, p) in samples.iter().filter_map(|h| password::params_of(h)) {
        match counts.iter_mut().find(|(k, _)| *k == (m, t, p)) {
            Some((_, n)) => *n += 1,
            None => counts.push(((m, t, p), 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|((memory_kib, iterations, parallelism), _)| Argon2Config {
            memory_kib,
            iterations,
            parallelism,
        })
        .unwrap_or(*config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ARGON2_MIN;

    #[test]
    fn the_usual_cost_is_the_most_common_stored_one() {
        let h = |m: u32| {
            format!(
                "$argon2id$v=19$m={m},t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
            )
        };
        let samples = vec![h(65536), h(19456), h(65536), "garbage".to_string()];
        assert_eq!(usual_cost(&samples, &ARGON2_MIN).memory_kib, 65536);
        assert_eq!(usual_cost(&[], &ARGON2_MIN), ARGON2_MIN);
    }
}
