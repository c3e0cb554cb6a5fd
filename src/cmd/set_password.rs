//! `safecode set-password USER [--code CODE] [--password-stdin | --generate]`: set a
//! new password inside the reset window opened by `verify`, or verify and set in
//! one transaction with `--code`.

use serde_json::json;

use super::codes::{self, Verdict};
use super::find_user;
use crate::Ctx;
use crate::cli::SetPasswordArgs;
use crate::clock;
use crate::code::Code;
use crate::error;
use crate::password;
use crate::store::{AuditEntry, Purpose, Store, User};

/// Where the new password comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Prompt,
    Stdin,
    Generate,
}

/// What changed.
pub(crate) struct Changed {
    pub user: User,
    pub generated: Option<String>,
}

pub fn run(a: SetPasswordArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let source = if a.generate {
        Source::Generate
    } else if a.password_stdin {
        Source::Stdin
    } else if ctx.interactive() {
        Source::Prompt
    } else {
        return Err(error::usage("no password source")
            .hint("pass --password-stdin (and pipe the password in) or --generate")
            .into());
    };
    let code = match a.code.as_deref() {
        Some(c) => {
            let typed = codes::read_code(ctx, Some(c), "--code CODE")?;
            Some(codes::parse_typed(ctx, &typed)?)
        }
        None => None,
    };
    let mut store = ctx.open()?;
    let sender = codes::sender(ctx);
    // Fail early, before asking for a password, when no window is open.
    if code.is_none() {
        let now = clock::now();
        store.read(|tx| {
            let u = find_user(tx, &a.user)?;
            match tx.open_window_at(u.id, now)? {
                Some(_) => Ok(()),
                None => Err(no_window(&u.username).into()),
            }
        })?;
    }
    let changed = change(ctx, &mut store, &a.user, source, code.as_ref())?;
    let reached = codes::notify_password_changed(ctx, &mut store, &sender, &changed.user)?;
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": changed.user.username,
            "password_changed": true,
            "generated_password": changed.generated,
            "must_change_password": changed.generated.is_some(),
            "notified": reached,
        }))?;
    } else {
        if let Some(p) = &changed.generated {
            ctx.out.say(&format!(
                "New password for {} (shown once; it must be changed at next login):\n  {p}",
                changed.user.username
            ))?;
        }
        ctx.out
            .say(&format!("Password changed for {}.", changed.user.username))?;
        if !reached.is_empty() {
            ctx.out.say(&super::notified(ctx, &reached))?;
        }
    }
    Ok(0)
}

pub(crate) fn no_window(username: &str) -> error::Error {
    error::policy(format!("no open reset window for {username}")).hint(format!(
        "verify a reset code first (safecode verify {username}), or pass --code"
    ))
}

/// Obtains a password that passes the policy and stores it, using up the window
/// (or the code, with `code`) in the same transaction.
pub(crate) fn change(
    ctx: &Ctx,
    store: &mut Store,
    username: &str,
    source: Source,
    code: Option<&Code>,
) -> anyhow::Result<Changed> {
    let (user, contacts) = store.read(|tx| {
        let u = find_user(tx, username)?;
        let c = tx.contacts(u.id)?;
        Ok((u, c))
    })?;
    let emails: Vec<String> = contacts.iter().map(|c| c.address.clone()).collect();
    let mut context: Vec<&str> = vec![user.username.as_str()];
    if let Some(n) = &user.name {
        context.push(n);
    }
    context.extend(emails.iter().map(String::as_str));
    let current = user.password_hash.as_deref();
    let (phc, generated) = match source {
        Source::Generate => {
            let p = password::generate_passphrase().map_err(error::other)?;
            let phc = super::password::check_and_hash(ctx, &p, &context, current)?;
            (phc, Some(p))
        }
        Source::Stdin => {
            let p = super::password::from_stdin()?;
            (
                super::password::check_and_hash(ctx, &p, &context, current)?,
                None,
            )
        }
        Source::Prompt => loop {
            let p = super::password::prompt("New password")?;
            match super::password::check_and_hash(ctx, &p, &context, current) {
                Ok(phc) => break (phc, None),
                Err(e) => match crate::error::find(&e) {
                    Some(err) if err.kind == error::Kind::Policy => {
                        eprintln!("{}; try another.", err.message.trim_end_matches('.'));
                    }
                    _ => return Err(e),
                },
            }
        },
    };
    let must_change = generated.is_some();
    let step = store.write(|tx| {
        let u = find_user(tx, username)?;
        let now = clock::now();
        match code {
            Some(c) => {
                let v = codes::check(tx, ctx, &u, Purpose::Reset, c)?;
                if !matches!(v, Verdict::Accepted(_)) {
                    return Ok(Err(v.error(&u)));
                }
            }
            None => match tx.open_window_at(u.id, now)? {
                Some((id, _)) => {
                    tx.use_window(id, now)?;
                }
                None => {
                    tx.audit(AuditEntry {
                        username: Some(&u.username),
                        action: "password.set",
                        outcome: "refused",
                        detail: Some("no open reset window".into()),
                    })?;
                    return Ok(Err(Some(no_window(&u.username))));
                }
            },
        }
        tx.set_password(u.id, &phc, must_change)?;
        tx.audit(AuditEntry {
            username: Some(&u.username),
            action: "password.set",
            outcome: "ok",
            detail: Some(
                match (code.is_some(), must_change) {
                    (true, true) => "with --code; generated, must change at next login",
                    (true, false) => "with --code",
                    (false, true) => "in reset window; generated, must change at next login",
                    (false, false) => "in reset window",
                }
                .into(),
            ),
        })?;
        Ok(Ok(u))
    })?;
    match step {
        Ok(user) => Ok(Changed { user, generated }),
        Err(Some(e)) => Err(e.into()),
        Err(None) => Err(error::other("code check failed without a reason").into()),
    }
}
