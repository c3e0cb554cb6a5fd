//! `safecode authenticate USER`: read a password on stdin; exit 0 if it matches the
//! stored hash, 7 if not. For PAM's `pam_exec` and for checking that a reset took
//! effect. A missing user or password costs the same argon2 work as a real check.

use serde_json::json;

use crate::Ctx;
use crate::cli::SelfUserArg;
use crate::error;
use crate::password;
use crate::store::AuditEntry;

pub fn run(a: SelfUserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let candidate = super::password::from_stdin()?;
    let mut store = ctx.open()?;
    let user = if crate::contact::validate_username(&a.user).is_ok() {
        store.read(|tx| tx.user(&a.user))?
    } else {
        None
    };
    let ok = match user.as_ref().and_then(|u| u.password_hash.as_deref()) {
        Some(phc) => password::verify(&candidate, phc),
        None => password::verify_dummy(&candidate, &ctx.config.password.argon2),
    };
    drop(candidate);
    if let Some(u) = &user {
        store.write(|tx| {
            tx.audit(AuditEntry {
                username: Some(&u.username),
                action: "authenticate",
                outcome: if ok { "ok" } else { "failed" },
                detail: None,
            })
        })?;
    }
    if !ok {
        // The same words whether the user, the password or both are wrong.
        return Err(error::rejected("authentication failed").into());
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
    Ok(0)
}
