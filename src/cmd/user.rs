//! `safecode user add|list|show|remove|unlock`.

use dialoguer::Input;
use serde_json::json;

use super::{UserView, clean_name, describe_contact, describe_pending, find_user, valid_username};
use crate::Ctx;
use crate::cli::{StateArg, UserAddArgs, UserArg, UserCommand, UserListArgs, UserRemoveArgs};
use crate::clock;
use crate::error;
use crate::output::printable;
use crate::store::{AuditEntry, UserFilter};

pub fn run(c: UserCommand, ctx: &Ctx) -> anyhow::Result<u8> {
    match c {
        UserCommand::Add(a) => add(a, ctx),
        UserCommand::List(a) => list(a, ctx),
        UserCommand::Show(a) => show(a, ctx),
        UserCommand::Find(a) => super::find::run(a, ctx),
        UserCommand::Remove(a) => remove(a, ctx),
        UserCommand::Unlock(a) => unlock(a, ctx),
    }
}

fn add(a: UserAddArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    valid_username(&a.user)?;
    let name = match a.name.as_deref().map(clean_name) {
        Some(Err(why)) => return Err(error::usage(format!("--name {why}")).into()),
        Some(Ok(n)) => n,
        None => None,
    };
    let password = if a.password_stdin {
        Some(super::password::from_stdin()?)
    } else {
        None
    };
    let mut store = ctx.open()?;
    let phc = match &password {
        Some(p) => Some(super::password::check_and_hash(
            ctx,
            p,
            &[a.user.as_str(), name.as_deref().unwrap_or_default()],
            None,
        )?),
        None => None,
    };
    store.write(|tx| {
        if let Some(existing) = tx.user(&a.user)? {
            return Err(
                error::other(format!("user {} already exists", existing.username))
                    .hint(format!("safecode user show {}", existing.username))
                    .into(),
            );
        }
        let id = tx.insert_user(&a.user, name.as_deref())?;
        if let Some(phc) = &phc {
            tx.set_password(id, phc, false)?;
        }
        tx.audit(AuditEntry {
            username: Some(&a.user),
            action: "user.add",
            outcome: "ok",
            detail: phc.is_some().then(|| "with password".into()),
        })
    })?;
    if ctx.out.json {
        ctx.out
            .json(&json!({"username": a.user, "created": true}))?;
    } else {
        ctx.out.say(&format!("Added user {}.", a.user))?;
    }
    Ok(0)
}

fn list(a: UserListArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let max = ctx.config.policy.max_skips;
    let filter = match a.state {
        None => UserFilter::All,
        Some(StateArg::Enrolled) => UserFilter::Enrolled,
        Some(StateArg::MaySkip) => UserFilter::MaySkip { max_skips: max },
        Some(StateArg::MustRegister) => UserFilter::MustRegister { max_skips: max },
        Some(StateArg::Pending) => UserFilter::Pending,
        Some(StateArg::Locked) => UserFilter::Locked,
    };
    // 0 means all, as for `audit --limit 0`.
    let limit = a.limit.filter(|n| *n > 0);
    let mut store = ctx.open()?;
    let views = store.read(|tx| {
        let users = tx.users(filter, limit)?;
        let mut v = Vec::with_capacity(users.len());
        for u in &users {
            let (contacts, pending) = tx.contacts_with_pending(u.id)?;
            v.push((
                UserView::new(u, &contacts, &pending, max),
                contacts,
                pending,
            ));
        }
        Ok(v)
    })?;
    if ctx.out.json {
        let only: Vec<_> = views.iter().map(|(v, _, _)| v).collect();
        ctx.out.json(&only)?;
        return Ok(0);
    }
    if views.is_empty() {
        ctx.out.say("No users.")?;
        return Ok(0);
    }
    let mut t = ctx
        .out
        .new_table(&["Username", "Name", "State", "Skips", "Contacts", "Locked"]);
    for (v, contacts, pending) in &views {
        // Names and carriers come from people and CSV files: cleaned of escapes.
        t.add_row(vec![
            printable(&v.username),
            printable(v.name.as_deref().unwrap_or_default()),
            v.state.as_str().to_string(),
            v.skips.to_string(),
            contacts
                .iter()
                .map(describe_contact)
                .chain(pending.iter().map(describe_pending))
                .map(|d| printable(&d))
                .collect::<Vec<_>>()
                .join("\n"),
            if v.locked { "locked" } else { "" }.to_string(),
        ]);
    }
    ctx.out.table(t)?;
    Ok(0)
}

fn show(a: UserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let max = ctx.config.policy.max_skips;
    let mut store = ctx.open()?;
    let (view, contacts, pending, user) = store.read(|tx| {
        let u = find_user(tx, &a.user)?;
        let (contacts, pending) = tx.contacts_with_pending(u.id)?;
        Ok((
            UserView::new(&u, &contacts, &pending, max),
            contacts,
            pending,
            u,
        ))
    })?;
    if ctx.out.json {
        ctx.out.json(&view)?;
        return Ok(0);
    }
    let mut t = ctx.out.new_table(&["Field", "Value"]);
    let phone = contacts
        .iter()
        .find(|c| c.channel == crate::channel::Channel::Sms);
    let email = contacts
        .iter()
        .find(|c| c.channel == crate::channel::Channel::Email);
    let pending_of = |ch| {
        pending
            .iter()
            .find(|p| p.channel == ch)
            .map(|p| format!("\nreplaced by {} once confirmed", describe_pending(p)))
            .unwrap_or_default()
    };
    let rows: Vec<(&str, String)> = vec![
        ("Username", view.username.clone()),
        ("Name", view.name.clone().unwrap_or_else(|| "-".into())),
        ("State", view.state.as_str().to_string()),
        ("Skips", format!("{} of {max} used", view.skips)),
        (
            "Phone",
            phone.map(describe_contact).unwrap_or_else(|| "-".into())
                + &pending_of(crate::channel::Channel::Sms),
        ),
        (
            "Email",
            email.map(describe_contact).unwrap_or_else(|| "-".into())
                + &pending_of(crate::channel::Channel::Email),
        ),
        (
            "Locked",
            match user.locked_at {
                Some(t) => format!("since {} ({} failures)", clock::human(t), user.failures),
                None => format!("no ({} consecutive failures)", user.failures),
            },
        ),
        (
            "Password",
            match (user.password_hash.is_some(), user.password_changed_at) {
                (false, _) => "none set".into(),
                (true, Some(t)) => format!(
                    "changed {}{}",
                    clock::human(t),
                    if user.must_change_password {
                        ", must change at next login"
                    } else {
                        ""
                    }
                ),
                (true, None) => "set".into(),
            },
        ),
        ("Created", clock::human(user.created_at)),
    ];
    for (k, v) in rows {
        ctx.out.row(&mut t, [k.to_string(), v]);
    }
    ctx.out.table(t)?;
    Ok(0)
}

fn remove(a: UserRemoveArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    // Look the user up first so a typo fails before any question is asked.
    let user = store.read(|tx| find_user(tx, &a.user))?;
    if !a.yes {
        if !ctx.interactive() {
            return Err(
                error::usage(format!("removing {} needs confirmation", user.username))
                    .hint("pass --yes in scripts")
                    .into(),
            );
        }
        // A typed answer and Enter, not dialoguer's one-keystroke Confirm: a stray
        // `y` (or the `y` of `maybe`) must not delete a person.
        let ok = loop {
            let answer: String = Input::new()
                .with_prompt(format!(
                    "Remove {} with their contacts, codes and password? Type yes or no",
                    user.username
                ))
                .allow_empty(true)
                .interact_text()
                .map_err(|e| error::other(format!("prompt: {e}")))?;
            match answer.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => break true,
                "" | "n" | "no" => break false,
                _ => eprintln!("Please type yes or no."),
            }
        };
        if !ok {
            ctx.out.say("Nothing removed.")?;
            return Ok(0);
        }
    }
    store.write(|tx| {
        let u = find_user(tx, &a.user)?;
        tx.delete_user(u.id)?;
        tx.audit(AuditEntry {
            username: Some(&u.username),
            action: "user.remove",
            outcome: "ok",
            detail: None,
        })
    })?;
    if ctx.out.json {
        ctx.out
            .json(&json!({"username": user.username, "removed": true}))?;
    } else {
        ctx.out.say(&format!("Removed user {}.", user.username))?;
    }
    Ok(0)
}

fn unlock(a: UserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    let (user, was_locked) = store.write(|tx| {
        let u = find_user(tx, &a.user)?;
        tx.unlock_user(u.id)?;
        tx.audit(AuditEntry {
            username: Some(&u.username),
            action: "user.unlock",
            outcome: "ok",
            detail: Some(format!(
                "was {} with {} consecutive failures",
                if u.locked_at.is_some() {
                    "locked"
                } else {
                    "not locked"
                },
                u.failures
            )),
        })?;
        let locked = u.locked_at.is_some();
        Ok((u, locked))
    })?;
    if ctx.out.json {
        ctx.out
            .json(&json!({"username": user.username, "was_locked": was_locked, "locked": false}))?;
    } else if was_locked {
        ctx.out.say(&format!("Unlocked {}.", user.username))?;
    } else {
        ctx.out.say(&format!(
            "{} was not locked; failure counter cleared.",
            user.username
        ))?;
    }
    Ok(0)
}
