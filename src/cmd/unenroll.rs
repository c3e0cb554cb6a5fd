//! `safecode unenroll USER --phone|--email`: remove one contact. SafeCode cannot be
//! disabled, so removing the last confirmed contact of an enrolled user is refused.

use serde_json::json;

use super::{describe_contact, find_user};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::UnenrollArgs;
use crate::error;
use crate::store::AuditEntry;

pub fn run(a: UnenrollArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let channel = if a.which.phone {
        Channel::Sms
    } else {
        Channel::Email
    };
    let mut store = ctx.open()?;
    let (user, removed) =
        store.write(|tx| {
            let u = find_user(tx, &a.user)?;
            let contacts = tx.contacts(u.id)?;
            let Some(target) = contacts.iter().find(|c| c.channel == channel).cloned() else {
                return Err(error::not_found(format!(
                    "{} has no {} registered",
                    u.username,
                    if channel == Channel::Sms {
                        "phone"
                    } else {
                        "email"
                    }
                ))
                .into());
            };
            let confirmed_left = contacts
                .iter()
                .filter(|c| c.channel != channel && c.confirmed())
                .count();
            if target.confirmed() && confirmed_left == 0 {
                return Err(error::policy(format!(
                "{} is the last confirmed contact of {}; SafeCode cannot be disabled",
                describe_contact(&target),
                u.username
            ))
            .hint(format!(
                "register a replacement first (safecode enroll {} --{} …), or replace it directly",
                u.username,
                if channel == Channel::Sms { "email" } else { "phone" }
            ))
            .into());
            }
            tx.delete_contact(u.id, channel)?;
            tx.audit(AuditEntry {
                username: Some(&u.username),
                action: "contact.remove",
                outcome: "ok",
                detail: Some(format!("{} {}", channel, target.address)),
            })?;
            Ok((u, target))
        })?;
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "removed": { "channel": removed.channel, "address": removed.address },
        }))?;
    } else {
        ctx.out.say(&format!(
            "Removed {} from {}.",
            describe_contact(&removed),
            user.username
        ))?;
    }
    Ok(0)
}
