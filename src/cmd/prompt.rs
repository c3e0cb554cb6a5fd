//! `safecode prompt USER`: the Register / Skip dialog shown at login. Register asks
//! the enroll questions; Skip records a skip and says how many remain; with no
//! skips left only Register is offered.

use dialoguer::{Input, Select};

use super::enroll;
use super::{describe_contact, find_user, skip};
use crate::Ctx;
use crate::cli::SelfUserArg;
use crate::contact;
use crate::enrollment::State;
use crate::error;

pub fn run(a: SelfUserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    if !ctx.interactive() {
        return Err(
            error::usage("`prompt` needs a terminal on stdin and stderr")
                .hint("in scripts use `safecode check`, `safecode skip` and `safecode enroll`")
                .into(),
        );
    }
    let max = ctx.config.policy.max_skips;
    let org = ctx.config.org_name.clone();
    let mut store = ctx.open()?;
    let (user, state) = store.read(|tx| {
        let u = find_user(tx, &a.user)?;
        let c = tx.contacts(u.id)?;
        let s = State::of(&c, u.skips, max);
        Ok((u, s))
    })?;
    if state == State::Enrolled {
        ctx.out.say(&format!(
            "{} is already registered for {org} SafeCode.",
            user.username
        ))?;
        return Ok(0);
    }
    let left = max.saturating_sub(user.skips);
    eprintln!(
        "{org} SafeCode protects your password: a reset needs a one-time code sent to your\n\
         mobile phone or personal email. Please register one now."
    );
    let mut items = vec!["Register now".to_string()];
    if state == State::MaySkip {
        items.push(format!(
            "Skip for now ({left} skip{} left)",
            if left == 1 { "" } else { "s" }
        ));
    } else {
        eprintln!("You have used all {max} skips: registration is required.");
    }
    // dialoguer puts a `:` after a prompt; a question reads better on its own line.
    eprintln!("What would you like to do?");
    crate::system::restore_cursor_on_interrupt();
    let choice = Select::new()
        .items(&items)
        .default(0)
        .interact()
        .map_err(|e| error::other(format!("prompt: {e}")))?;
    if choice == 1 {
        let outcome = store.write(|tx| {
            let u = find_user(tx, &a.user)?;
            skip::record(tx, &u, max)
        })?;
        if let skip::Skipped::Recorded { left, .. } = outcome {
            ctx.out.say(&skipped_message(left))?;
        }
        return Ok(0);
    }
    let new = ask_contacts(ctx)?;
    let carriers = contact::carriers(&ctx.config.carriers);
    let changes = store.write(|tx| {
        let u = find_user(tx, &a.user)?;
        let changes = enroll::apply(tx, &u, &new, false, true, "prompt")?;
        // `ask_contacts` already asked again for such a phone; this covers a number
        // re-entered as it was, with a carrier that has since stopped.
        if super::reach::refused_phone(&ctx.config, &carriers, &changes).is_some() {
            return Err(error::policy(
                "text messages cannot be sent to this phone; please register a personal email",
            )
            .into());
        }
        Ok(changes)
    })?;
    for c in changes.iter().filter(|c| c.is_change()) {
        ctx.out
            .say(&format!("Registered {}.", describe_contact(c.current())))?;
    }
    let sender = super::codes::sender(ctx);
    super::confirm::after_enroll(ctx, &mut store, &sender, &user, &changes, true)
        .map_err(|e| for_the_person(ctx, e))?;
    Ok(0)
}

/// The person at the login prompt is not the admin: a failure tells them whom to
/// call, never which configuration key to set.
fn for_the_person(ctx: &Ctx, e: anyhow::Error) -> anyhow::Error {
    let Some(err) = error::find(&e) else {
        return e;
    };
    let message = match err.kind {
        error::Kind::Delivery => "your confirmation code could not be sent".to_string(),
        error::Kind::Other => "registration could not be completed".to_string(),
        _ => err.message.clone(),
    };
    error::Error::new(err.kind, message)
        .hint(format!(
            "please call the help desk at {}",
            ctx.config.helpdesk
        ))
        .into()
}

/// What a person hears after a skip: how many remain, or that it was the last.
fn skipped_message(left: u32) -> String {
    match left {
        0 => "Skipped. That was your last skip: next time registration is required.".into(),
        1 => "Skipped. You can skip 1 more time.".into(),
        n => format!("Skipped. You can skip {n} more times."),
    }
}

/// Asks for a phone (and carrier) and/or an email until at least one is valid.
fn ask_contacts(ctx: &Ctx) -> anyhow::Result<enroll::NewContacts> {
    let carriers = contact::carriers(&ctx.config.carriers);
    let cfg = &ctx.config;
    loop {
        let phone: String = Input::new()
            .with_prompt("Mobile phone number (Enter to skip)")
            .allow_empty(true)
            .validate_with(|s: &String| -> Result<(), String> {
                if s.trim().is_empty() {
                    return Ok(());
                }
                contact::parse_phone(s, &cfg.default_region)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(|e| error::other(format!("prompt: {e}")))?;
        let carrier: String = if phone.trim().is_empty() {
            String::new()
        } else {
            Input::new()
                .with_prompt("Mobile carrier (Enter if unsure)")
                .allow_empty(true)
                .validate_with(|s: &String| -> Result<(), String> {
                    if s.trim().is_empty() || contact::find_carrier(&carriers, s).is_some() {
                        Ok(())
                    } else {
                        Err("unknown carrier; see `safecode carriers` or press Enter".into())
                    }
                })
                .interact_text()
                .map_err(|e| error::other(format!("prompt: {e}")))?
        };
        if !phone.trim().is_empty()
            && let Ok(e164) = contact::parse_phone(&phone, &cfg.default_region)
        {
            let id = contact::find_carrier(&carriers, &carrier).map(|c| c.id.clone());
            if let Some(msg) = super::reach::for_the_person(cfg, &carriers, &e164, id.as_deref()) {
                eprintln!("{msg}");
                continue;
            }
        }
        let email: String = Input::new()
            .with_prompt("Personal email outside the institution (Enter to skip)")
            .allow_empty(true)
            .validate_with(|s: &String| -> Result<(), String> {
                if s.trim().is_empty() {
                    return Ok(());
                }
                contact::parse_email(
                    s,
                    &cfg.policy.institution_domains,
                    &cfg.policy.preferred_domains,
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(|e| error::other(format!("prompt: {e}")))?;
        if phone.trim().is_empty() && email.trim().is_empty() {
            eprintln!("Please give a phone number or an email address.");
            continue;
        }
        match enroll::validate(Some(&phone), Some(&carrier), Some(&email), cfg, &carriers) {
            Ok(n) => return Ok(n),
            Err(errs) => {
                for e in errs {
                    eprintln!("{}: {}", e.column, e.message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_skip_says_so() {
        assert!(skipped_message(0).contains("last skip"));
        assert!(!skipped_message(0).contains('0'));
        assert_eq!(skipped_message(1), "Skipped. You can skip 1 more time.");
        assert_eq!(skipped_message(3), "Skipped. You can skip 3 more times.");
    }
}
