//! `safecode confirm USER [CODE] [--resend]`: confirm a new contact with the code
//! sent to it. Also the step after `enroll` / `prompt` that sends those codes.
//!
//! A contact waits for confirmation either as a new one (nothing confirmed on its
//! channel) or as a *pending* replacement of a confirmed one, which stays in force
//! until then (SPEC §1 "Contact changes"). Confirming a pending replacement removes
//! the old contact: its codes are voided, an open reset window closes, and the old
//! contact and every other confirmed one are told.

use serde_json::json;

use super::codes::{self, Issued, Target, Verdict};
use super::enroll::{Change, voided_note};
use super::{describe_contact, find_user};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::ConfirmArgs;
use crate::clock;
use crate::code::Code;
use crate::error;
use crate::error::Error;
use crate::send::Dispatcher;
use crate::store::{AuditEntry, Contact, Purpose, Store, Tx, User};

pub fn run(a: ConfirmArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let mut store = ctx.open()?;
    // Say so before asking for a code when nothing waits for one.
    let (user, waiting) = store.read(|tx| {
        let u = find_user(tx, &a.user)?;
        let w = awaiting(tx, &u)?;
        Ok((u, w))
    })?;
    if waiting.is_empty() {
        // A code typed for nothing is a rejected code (exit 7); nothing to resend
        // is a refusal (exit 4). Both name the command that registers a contact.
        let e = codes::nothing_to_confirm(&user.username);
        if a.resend {
            return Err(e.into());
        }
        // Still a verification attempt: audited (without whatever was typed).
        store.write(|tx| {
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "confirm",
                outcome: "none",
                detail: Some("no contact waiting for confirmation".into()),
            })
        })?;
        let mut r = error::rejected(e.message);
        if let Some(h) = e.hint {
            r = r.hint(h);
        }
        return Err(r.into());
    }
    if a.resend {
        return resend(ctx, &mut store, &user, &waiting);
    }
    let typed = codes::read_code(ctx, a.code.as_deref(), "the code as an argument")?;
    let code = codes::parse_typed(ctx, &typed)?;
    let (user, outcome) = store.write(|tx| confirm_by_code(tx, ctx, &a.user, &code))?;
    let done = outcome.map_err(|r| r.error)?;
    let sender = codes::sender(ctx);
    let notified = match &done.replaced {
        Some(old) => codes::notify_contact_change(ctx, &mut store, &sender, &user, old, false)?,
        None => Vec::new(),
    };
    let contact = &done.contact;
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "confirmed": { "channel": contact.channel, "address": contact.address },
            "replaced": done.replaced.as_ref().map(|o| &o.address),
            "notified": notified,
        }))?;
    } else {
        // Not `describe_contact`: its "(confirmed)" would repeat the verb.
        ctx.out.say(&format!(
            "Confirmed {} for {}.",
            codes::masked(contact.channel, &contact.address),
            user.username
        ))?;
        if let Some(old) = &done.replaced {
            ctx.out.say(&format!(
                "It replaces {}, which no longer receives codes.",
                describe_contact(old)
            ))?;
        }
    }
    Ok(0)
}

/// The contacts waiting for a confirmation code: pending replacements, and
/// unconfirmed contacts with nothing confirmed on their channel.
fn awaiting(tx: &Tx<'_>, user: &User) -> anyhow::Result<Vec<Contact>> {
    let (current, pending) = tx.contacts_with_pending(user.id)?;
    let mut out = pending;
    out.extend(current.into_iter().filter(|c| !c.confirmed()));
    Ok(out)
}

/// `confirm --resend`: a fresh code to each contact waiting for one (issuing voids
/// the earlier code on that channel; the send limit applies).
fn resend(ctx: &Ctx, store: &mut Store, user: &User, waiting: &[Contact]) -> anyhow::Result<u8> {
    let sender = codes::sender(ctx);
    let mut sent: Vec<Issued> = Vec::new();
    for c in waiting {
        sender.ready(c.channel).map_err(|e| {
            e.hint("configure delivery, or pass --dry-run to print the code instead")
        })?;
        let issued = codes::issue(
            ctx,
            store,
            &sender,
            &user.username,
            Target::Confirm(c.channel),
        )?;
        sent.push(issued);
    }
    if ctx.out.json {
        ctx.out
            .json(&json!({ "username": user.username, "sent": sent }))?;
    } else {
        for i in &sent {
            ctx.out.say(&format!(
                "{} a new confirmation code to {} (expires {}).",
                if i.dry_run {
                    "Printed, not sent:"
                } else {
                    "Sent"
                },
                i.destination,
                clock::human(i.expires_at)
            ))?;
        }
    }
    Ok(0)
}

/// After contacts were registered: tell the replaced contacts and every other
/// confirmed one, and send a confirmation code to each contact left waiting. With
/// `ask`, prompt for the codes right away (the person is at the terminal, as in
/// `prompt`).
pub(crate) fn after_enroll(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    user: &User,
    changes: &[Change],
    ask: bool,
) -> anyhow::Result<()> {
    for ch in changes {
        if let Some(old) = ch.replaced() {
            codes::notify_contact_change(ctx, store, sender, user, old, false)?;
        }
    }
    let username = &user.username;
    for ch in changes {
        let Some(c) = ch.awaiting() else { continue };
        if !ch.is_change() {
            continue;
        }
        let issued = codes::issue(ctx, store, sender, username, Target::Confirm(c.channel))?;
        eprintln!(
            "{} a confirmation code to {}.",
            if issued.dry_run {
                "Printed, not sent:"
            } else {
                "Sent"
            },
            issued.destination
        );
        if !ask {
            eprintln!("Enter it with: safecode confirm {username}");
            continue;
        }
        let max = ctx.config.policy.max_attempts;
        for _ in 0..max {
            let typed: String = dialoguer::Input::new()
                .with_prompt(format!(
                    "Code {} {}",
                    if issued.dry_run {
                        "printed for"
                    } else {
                        "sent to"
                    },
                    issued.destination
                ))
                .interact_text()
                .map_err(|e| error::other(format!("prompt: {e}")))?;
            let code = match codes::parse_typed(ctx, &typed) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{}; try again.", e.message);
                    continue;
                }
            };
            let (u, v) = store.write(|tx| confirm_by_code(tx, ctx, username, &code))?;
            match v {
                Ok(done) => {
                    eprintln!("Confirmed.");
                    if let Some(old) = &done.replaced {
                        codes::notify_contact_change(ctx, store, sender, &u, old, false)?;
                    }
                    break;
                }
                Err(r) if r.retry => {
                    eprintln!("{}.", r.error.message);
                }
                Err(r) => return Err(r.error.into()),
            }
        }
    }
    Ok(())
}

/// A contact confirmed by its code, and the one it replaced, if any.
pub(crate) struct Confirmed {
    pub contact: Contact,
    pub replaced: Option<Contact>,
}

/// Checks a confirmation code and confirms the contact it was sent to, in the
/// caller's transaction: the one path for `confirm` and the prompt after `enroll`.
/// A pending replacement takes the place of the contact in force, whose codes are
/// voided and whose reset window closes, with one audit row. Returns the user and
/// what was confirmed, or the refusal.
fn confirm_by_code(
    tx: &Tx<'_>,
    ctx: &Ctx,
    username: &str,
    code: &Code,
) -> anyhow::Result<(User, Result<Confirmed, Refusal>)> {
    let user = find_user(tx, username)?;
    let v = codes::check(tx, ctx, &user, Purpose::Confirm, code)?;
    let Verdict::Accepted(c) = &v else {
        let retry = matches!(
            v,
            Verdict::Wrong {
                voided: false,
                locked: false,
                ..
            }
        );
        let error = v
            .error_for(&user, Purpose::Confirm)
            .unwrap_or_else(|| error::other("confirmation failed"));
        return Ok((user, Err(Refusal { error, retry })));
    };
    let now = clock::now();
    let (current, pending) = tx.contacts_with_pending(user.id)?;
    let in_force = current.iter().find(|x| x.channel == c.channel);
    let waiting = pending.iter().find(|x| x.channel == c.channel);
    // The contact may have been replaced since the code went out.
    match (in_force, waiting) {
        (_, Some(p)) if p.address == c.destination => {
            let old = in_force.cloned();
            tx.promote_pending(user.id, c.channel, now)?;
            let (mut voided, mut windows) = (0, 0);
            if let Some(o) = &old {
                voided =
                    tx.void_codes_to(user.id, o.channel, &o.address, "contact replaced", now)?;
                windows = tx.close_windows(user.id, now)?;
            }
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "contact.replace",
                outcome: "ok",
                detail: Some(format!(
                    "{} {} -> {} (confirmed by code){}",
                    c.channel,
                    old.as_ref().map(|o| o.address.as_str()).unwrap_or("-"),
                    c.destination,
                    voided_note(voided, windows)
                )),
            })?;
            confirmed(tx, user, c.channel, old)
        }
        (Some(ct), _) if ct.address == c.destination => {
            tx.confirm_contact(user.id, c.channel)?;
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "contact.confirm",
                outcome: "ok",
                detail: Some(format!("{} {} (by code)", c.channel, c.destination)),
            })?;
            confirmed(tx, user, c.channel, None)
        }
        _ => Ok((
            user,
            Err(Refusal {
                error: error::rejected(
                    "that code was sent to a contact that has since been replaced",
                )
                .hint(format!(
                    "send a new one: safecode confirm {username} --resend"
                )),
                retry: false,
            }),
        )),
    }
}

/// The contact as it stands after a confirmation, re-read inside the transaction.
fn confirmed(
    tx: &Tx<'_>,
    user: User,
    channel: Channel,
    replaced: Option<Contact>,
) -> anyhow::Result<(User, Result<Confirmed, Refusal>)> {
    let contact = tx
        .contact(user.id, channel)?
        .ok_or_else(|| error::other("contact vanished"))?;
    Ok((user, Ok(Confirmed { contact, replaced })))
}

/// Why a confirmation code was not taken, and whether asking again makes sense.
struct Refusal {
    error: Error,
    retry: bool,
}
