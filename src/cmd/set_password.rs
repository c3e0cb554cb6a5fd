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
use crate::store::{AuditEntry, Purpose, Store, Tx, User, window_tag};
use crate::target::{Change, PasswordTarget, Secret};

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

/// Audits a change refused for want of an open window, and says so.
fn refuse_no_window<T>(tx: &Tx<'_>, u: &User) -> anyhow::Result<Result<T, Option<error::Error>>> {
    tx.audit(AuditEntry {
        username: Some(&u.username),
        action: "password.set",
        outcome: "refused",
        detail: Some("no open reset window".into()),
    })?;
    Ok(Err(Some(no_window(&u.username))))
}

pub(crate) fn no_window(username: &str) -> error::Error {
    error::policy(format!("no open reset window for {username}")).hint(format!(
        "verify a reset code first (safecode verify {username}), or pass --code"
    ))
}

/// Obtains a password that passes the policy and sets it at the password target,
/// using up the window (or the code, with `code`).
///
/// The builtin target stores the hash in the same transaction that uses up the
/// window. An outside target (LDAP, command) cannot share a transaction with the
/// database, so the change is three steps (SPEC §8):
///
/// 1. one transaction checks the code or window and *claims* the window (marks it
///    used) and writes a `password.set started` audit row;
/// 2. the target is asked;
/// 3. one transaction records `ok`, or on failure `failed` with the target's
///    reason and gives the window back for a retry within its time.
///
/// Claiming before the call is what makes "at most one change per window" hold
/// under races: two agents cannot both get past step 1. The price is that a
/// crash between 2 and 3 leaves the window used up with no outcome recorded; the
/// `started` row without an outcome shows it in `audit` and `doctor`, and a new
/// code is needed. Consuming after the call instead would let two racing agents
/// both change the password.
pub(crate) fn change(
    ctx: &Ctx,
    store: &mut Store,
    username: &str,
    source: Source,
    code: Option<&Code>,
) -> anyhow::Result<Changed> {
    let target = crate::target::from_config(&ctx.config)?;
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
    // After a code is accepted once, a retry uses the window it opened.
    let mut code = code;
    loop {
        let (password, generated): (Secret, Option<String>) = match source {
            Source::Generate => {
                let p = password::generate_passphrase().map_err(error::other)?;
                let n = super::password::check(ctx, &p, &context, current)?;
                (n, Some(p))
            }
            Source::Stdin => {
                let p = super::password::from_stdin()?;
                (super::password::check(ctx, &p, &context, current)?, None)
            }
            Source::Prompt => loop {
                let p = super::password::prompt("New password")?;
                match super::password::check(ctx, &p, &context, current) {
                    Ok(n) => break (n, None),
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
        if !target.outside() {
            let phc = match target.set_password(&user.username, &password)? {
                Change::Store(phc) => phc,
                Change::Applied => {
                    return Err(error::other("the builtin target returned no hash").into());
                }
            };
            let user = store_builtin(ctx, store, username, code, &phc, must_change)?;
            return Ok(Changed { user, generated });
        }
        match change_outside(ctx, store, &*target, username, code, &password, must_change)? {
            Ok(user) => return Ok(Changed { user, generated }),
            // At the prompt, a refusal by the directory's own policy asks for
            // another password (the window was given back).
            Err(e) if source == Source::Prompt && e.kind == error::Kind::Policy => {
                eprintln!("{}; try another.", e.message.trim_end_matches('.'));
                code = None;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The builtin target: the hash and the use of the window (or code) commit
/// together, as they always have.
fn store_builtin(
    ctx: &Ctx,
    store: &mut Store,
    username: &str,
    code: Option<&Code>,
    phc: &str,
    must_change: bool,
) -> anyhow::Result<User> {
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
                Some((id, _)) if tx.use_window(id, now)? => {}
                _ => {
                    return refuse_no_window(tx, &u);
                }
            },
        }
        tx.set_password(u.id, phc, must_change)?;
        tx.audit(AuditEntry {
            username: Some(&u.username),
            action: "password.set",
            outcome: "ok",
            detail: Some(how(code.is_some(), must_change).into()),
        })?;
        Ok(Ok(u))
    })?;
    match step {
        Ok(user) => Ok(user),
        Err(Some(e)) => Err(e.into()),
        Err(None) => Err(error::other("code check failed without a reason").into()),
    }
}

fn how(with_code: bool, must_change: bool) -> &'static str {
    match (with_code, must_change) {
        (true, true) => "with --code; generated, must change at next login",
        (true, false) => "with --code",
        (false, true) => "in reset window; generated, must change at next login",
        (false, false) => "in reset window",
    }
}

/// An outside target: claim the window and record `started`, ask the target,
/// record the outcome (see [`change`]).
fn change_outside(
    ctx: &Ctx,
    store: &mut Store,
    target: &dyn PasswordTarget,
    username: &str,
    code: Option<&Code>,
    password: &str,
    must_change: bool,
) -> anyhow::Result<Result<User, error::Error>> {
    let kind = target.kind();
    let step = store.write(|tx| {
        let u = find_user(tx, username)?;
        let now = clock::now();
        let window = match code {
            Some(c) => {
                let v = codes::check(tx, ctx, &u, Purpose::Reset, c)?;
                let Verdict::Accepted(row) = &v else {
                    return Ok(Err(v.error(&u)));
                };
                let until = now + ctx.config.policy.reset_window.as_i64();
                let id = tx.open_window_id(u.id, row.id, now, until)?;
                (id, until)
            }
            None => match tx.open_window_at(u.id, now)? {
                Some(w) => w,
                None => {
                    return refuse_no_window(tx, &u);
                }
            },
        };
        if !tx.use_window(window.0, now)? {
            return Ok(Err(Some(no_window(&u.username))));
        }
        tx.audit(AuditEntry {
            username: Some(&u.username),
            action: "password.set",
            outcome: "started",
            detail: Some(format!(
                "{} {kind} target; {}",
                window_tag(window.0),
                how(code.is_some(), must_change)
            )),
        })?;
        let started = tx.last_audit_id()?;
        Ok(Ok((u, window, started)))
    })?;
    let (user, (window_id, until), started) = match step {
        Ok(v) => v,
        Err(Some(e)) => return Err(e.into()),
        Err(None) => return Err(error::other("code check failed without a reason").into()),
    };
    let outcome = target.set_password(&user.username, password);
    store.write(|tx| {
        match &outcome {
            Ok(_) => {
                tx.record_outside_password(user.id, must_change)?;
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "password.set",
                    outcome: "ok",
                    detail: Some(format!(
                        "{} set by the {kind} target",
                        window_tag(window_id)
                    )),
                })?;
            }
            Err(e) => {
                let released = tx.release_window(window_id, started)?;
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "password.set",
                    outcome: "failed",
                    detail: Some(format!(
                        "{} {kind} target: {}{}",
                        window_tag(window_id),
                        e.message,
                        if released {
                            "; window kept for a retry"
                        } else {
                            ""
                        }
                    )),
                })?;
            }
        }
        Ok(())
    })?;
    match outcome {
        Ok(_) => Ok(Ok(user)),
        Err(e) => {
            let retry = if until > clock::now() {
                format!(
                    "the reset window stays open until {}: fix the cause and run `safecode set-password {}` again",
                    clock::human(until),
                    user.username
                )
            } else {
                format!("issue a new code: safecode issue {}", user.username)
            };
            let hint = match &e.hint {
                Some(h) => format!("{h}; {retry}"),
                None => retry,
            };
            Ok(Err(error::Error::new(
                e.kind,
                format!("password not changed: {}", e.message),
            )
            .hint(hint)))
        }
    }
}
