//! `safecode unenroll USER --phone|--email`: remove one contact. SafeCode cannot be
//! disabled, so removing the last confirmed contact of an enrolled user is refused.
//!
//! The channel is emptied: the contact in force and any pending replacement on it.
//! Codes sent to either die with them, an open reset window closes (whoever
//! verified a code before the removal must verify again), and the removed contact
//! and every other confirmed one are told.

use serde_json::json;

use super::enroll::voided_note;
use super::{codes, describe_contact, find_user};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::UnenrollArgs;
use crate::clock;
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
            let now = clock::now();
            tx.delete_contact(u.id, channel)?;
            let mut voided =
                tx.void_codes_to(u.id, channel, &target.address, "contact removed", now)?;
            let pending = tx.pending_contacts(u.id)?;
            let mut also = String::new();
            if let Some(p) = pending.iter().find(|p| p.channel == channel) {
                tx.delete_pending(u.id, channel)?;
                voided += tx.void_codes_to(u.id, channel, &p.address, "contact removed", now)?;
                also = format!("; dropped pending {}", p.address);
            }
            let windows = tx.close_windows(u.id, now)?;
            tx.audit(AuditEntry {
                username: Some(&u.username),
                action: "contact.remove",
                outcome: "ok",
                detail: Some(format!(
                    "{} {}{also}{}",
                    channel,
                    target.address,
                    voided_note(voided, windows)
                )),
            })?;
            Ok((u, target))
        })?;
    let sender = codes::sender(ctx);
    let notified = codes::notify_contact_change(ctx, &mut store, &sender, &user, &removed, true)?;
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "removed": { "channel": removed.channel, "address": removed.address },
            "notified": notified,
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
