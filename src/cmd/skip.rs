//! `safecode skip USER`: record a skipped registration prompt; refused once the
//! skips are used up.

use serde_json::json;

use super::find_user;
use crate::Ctx;
use crate::cli::SelfUserArg;
use crate::enrollment::State;
use crate::error;
use crate::store::{AuditEntry, Tx, User};

/// What recording a skip did.
pub(crate) enum Skipped {
    AlreadyEnrolled,
    Recorded { skips: u32, left: u32 },
}

/// Records a skip inside a transaction (shared with `prompt`).
pub(crate) fn record(tx: &Tx<'_>, user: &User, max_skips: u32) -> anyhow::Result<Skipped> {
    let contacts = tx.contacts(user.id)?;
    match State::of(&contacts, user.skips, max_skips) {
        State::Enrolled => Ok(Skipped::AlreadyEnrolled),
        State::MustRegister => Err(error::policy(format!(
            "{} has used all {max_skips} skips and must register now",
            user.username
        ))
        .hint(format!(
            "register a contact: safecode enroll {} --phone NUMBER",
            user.username
        ))
        .into()),
        State::MaySkip => {
            let skips = tx.add_skip(user.id)?;
            let left = max_skips.saturating_sub(skips);
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "skip",
                outcome: "ok",
                detail: Some(format!("{skips} of {max_skips} used")),
            })?;
            Ok(Skipped::Recorded { skips, left })
        }
    }
}

pub fn run(a: SelfUserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    let max = ctx.config.policy.max_skips;
    let (user, outcome) = store.write(|tx| {
        let u = find_user(tx, &a.user)?;
        let o = record(tx, &u, max)?;
        Ok((u, o))
    })?;
    match outcome {
        Skipped::AlreadyEnrolled => {
            if ctx.out.json {
                ctx.out.json(
                    &json!({"username": user.username, "state": "enrolled", "recorded": false}),
                )?;
            }
            ctx.out.say(&format!(
                "{} is already enrolled; no skip recorded.",
                user.username
            ))?;
        }
        Skipped::Recorded { skips, left } => {
            if ctx.out.json {
                ctx.out.json(&json!({
                    "username": user.username,
                    "recorded": true,
                    "skips": skips,
                    "skips_left": left,
                }))?;
            }
            ctx.out.say(&match left {
                0 => format!(
                    "Skip recorded for {}: no skips left, registration is now required.",
                    user.username
                ),
                1 => format!("Skip recorded for {}: 1 skip left.", user.username),
                n => format!("Skip recorded for {}: {n} skips left.", user.username),
            })?;
        }
    }
    Ok(0)
}
