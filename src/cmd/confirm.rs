//! `safecode confirm USER [CODE]`: confirm a new contact with the code sent to it.
//! Also the step after `enroll` / `prompt` that sends those codes.

use serde_json::json;

use super::codes::{self, Target, Verdict};
use super::enroll::Change;
use super::find_user;
use crate::Ctx;
use crate::cli::ConfirmArgs;
use crate::code::Code;
use crate::error;
use crate::error::Error;
use crate::send::Dispatcher;
use crate::store::{AuditEntry, Contact, Purpose, Store, Tx, User};

pub fn run(a: ConfirmArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let typed = codes::read_code(ctx, a.code.as_deref(), "the code as an argument")?;
    let code = codes::parse_typed(ctx, &typed)?;
    let mut store = ctx.open()?;
    let (user, outcome) = store.write(|tx| confirm_by_code(tx, ctx, &a.user, &code))?;
    let contact = outcome.map_err(|r| r.error)?;
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "confirmed": { "channel": contact.channel, "address": contact.address },
        }))?;
    } else {
        // Not `describe_contact`: its "(confirmed)" would repeat the verb.
        ctx.out.say(&format!(
            "Confirmed {} for {}.",
            codes::masked(contact.channel, &contact.address),
            user.username
        ))?;
    }
    Ok(0)
}

/// After contacts were registered: tell replaced confirmed contacts, and send a
/// confirmation code to each new unconfirmed one. With `ask`, prompt for the codes
/// right away (the person is at the terminal, as in `prompt`).
pub(crate) fn after_enroll(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    username: &str,
    changes: &[Change],
    ask: bool,
) -> anyhow::Result<()> {
    for ch in changes {
        if let Change::Replaced(old, new) = ch
            && old.confirmed()
            && old.address != new.address
        {
            codes::notify_replaced(ctx, store, sender, username, old)?;
        }
    }
    for ch in changes {
        let c = ch.current();
        if c.confirmed() || !ch.is_change() {
            continue;
        }
        let issued = codes::issue(ctx, store, sender, username, Target::Confirm(c.channel))?;
        eprintln!(
            "{} a confirmation code to {}.",
            if issued.dry_run {
                "Printed (dry run)"
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
                .with_prompt(format!("Code sent to {}", issued.destination))
                .interact_text()
                .map_err(|e| error::other(format!("prompt: {e}")))?;
            let code = match codes::parse_typed(ctx, &typed) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{}; try again.", e.message);
                    continue;
                }
            };
            let (_, v) = store.write(|tx| confirm_by_code(tx, ctx, username, &code))?;
            match v {
                Ok(_) => {
                    eprintln!("Confirmed.");
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

/// Checks a confirmation code and confirms the contact it was sent to, in the
/// caller's transaction: the one path for `confirm` and the prompt after `enroll`.
/// Returns the user and the confirmed contact, or the refusal.
fn confirm_by_code(
    tx: &Tx<'_>,
    ctx: &Ctx,
    username: &str,
    code: &Code,
) -> anyhow::Result<(User, Result<Contact, Refusal>)> {
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
            .error(&user)
            .unwrap_or_else(|| error::other("confirmation failed"));
        return Ok((user, Err(Refusal { error, retry })));
    };
    // The contact may have been replaced since the code went out.
    match tx.contact(user.id, c.channel)? {
        Some(ct) if ct.address == c.destination => {
            tx.confirm_contact(user.id, c.channel)?;
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "contact.confirm",
                outcome: "ok",
                detail: Some(format!("{} {} (by code)", c.channel, c.destination)),
            })?;
            let now = tx
                .contact(user.id, c.channel)?
                .ok_or_else(|| error::other("contact vanished"))?;
            Ok((user, Ok(now)))
        }
        _ => Ok((
            user,
            Err(Refusal {
                error: error::rejected(
                    "that code was sent to a contact that has since been replaced",
                ),
                retry: false,
            }),
        )),
    }
}

/// Why a confirmation code was not taken, and whether asking again makes sense.
struct Refusal {
    error: Error,
    retry: bool,
}
