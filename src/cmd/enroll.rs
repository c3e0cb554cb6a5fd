//! `safecode enroll USER`: register or replace a person's phone and email.
//!
//! [`validate`] and [`apply`] are the one code path for contacts: `import` and
//! `prompt` call them too, so a CSV row and a typed command obey the same rules.

use serde_json::json;

use super::{clean_name, describe_contact, valid_username};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::EnrollArgs;
use crate::clock;
use crate::config::Config;
use crate::contact::{self, ContactError};
use crate::error::{self, Kind};
use crate::store::{AuditEntry, Contact, ContactSink, Purpose, Tx, User};

/// A contact field that failed validation: which column, why, and whether it is a
/// policy refusal (institution email, exit 4) or malformed input.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub column: &'static str,
    pub message: String,
    pub policy: bool,
}

/// Validated, normalised contacts to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NewContacts {
    /// E.164 number and carrier id.
    pub phone: Option<(String, Option<String>)>,
    pub email: Option<contact::Email>,
}

/// Validates raw phone / carrier / email text against the configuration.
pub(crate) fn validate(
    phone: Option<&str>,
    carrier: Option<&str>,
    email: Option<&str>,
    cfg: &Config,
    carriers: &[contact::Carrier],
) -> Result<NewContacts, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = NewContacts::default();
    let field = |column, e: ContactError| FieldError {
        column,
        policy: matches!(e, ContactError::Institution(_)),
        message: e.to_string(),
    };
    let carrier_id = match carrier.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => match contact::find_carrier(carriers, c) {
            Some(found) => Some(found.id.clone()),
            None => {
                errors.push(FieldError {
                    column: "carrier",
                    message: format!(
                        "unknown carrier `{}` (see `safecode carriers`)",
                        contact::printable(c)
                    ),
                    policy: false,
                });
                None
            }
        },
    };
    if let Some(p) = phone.map(str::trim).filter(|p| !p.is_empty()) {
        match contact::parse_phone(p, &cfg.default_region) {
            Ok(e164) => out.phone = Some((e164, carrier_id)),
            Err(e) => errors.push(field("phone", e)),
        }
    } else if carrier_id.is_some() {
        errors.push(FieldError {
            column: "carrier",
            message: "a carrier needs a phone number".into(),
            policy: false,
        });
    }
    if let Some(e) = email.map(str::trim).filter(|e| !e.is_empty()) {
        match contact::parse_email(
            e,
            &cfg.policy.institution_domains,
            &cfg.policy.preferred_domains,
        ) {
            Ok(em) => out.email = Some(em),
            Err(e) => errors.push(field("email", e)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What happened to one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Added(Contact),
    /// Old, new.
    Replaced(Contact, Contact),
    /// Same address; now confirmed.
    Confirmed(Contact),
    Unchanged(Contact),
}

impl Change {
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged(_))
    }
    /// The contact as it now stands.
    pub fn current(&self) -> &Contact {
        match self {
            Change::Added(c) | Change::Confirmed(c) | Change::Unchanged(c) => c,
            Change::Replaced(_, c) => c,
        }
    }
}

/// Refusal from [`apply`] when `replace_confirmed` is false and a confirmed contact
/// would change (import without `--replace-contacts`).
pub(crate) const NEEDS_REPLACE: &str = "would replace a confirmed contact";

/// How much of a contact change goes into the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuditEach {
    /// One row per change (enroll, prompt).
    Every,
    /// Only what someone answers for: replacements, which record the old address
    /// for investigations, and every contact the import vouches for (added
    /// confirmed, or confirmed). Unconfirmed additions are in the import's
    /// summary row.
    Replacements,
}

/// Writes new contacts for a user, auditing each change. `confirmed` marks them
/// confirmed (an agent or import vouches); otherwise they wait for `confirm`.
pub(crate) fn apply(
    tx: &Tx<'_>,
    user: &User,
    new: &NewContacts,
    confirmed: bool,
    replace_confirmed: bool,
    source: &str,
) -> anyhow::Result<Vec<Change>> {
    let existing = tx.contacts(user.id)?;
    let changes = plan(&existing, new, confirmed, replace_confirmed)?;
    write(tx, tx, user, &changes, source, AuditEach::Every)?;
    Ok(changes)
}

/// Works out what [`write`] would do to `existing`, without writing: refuses (with
/// [`NEEDS_REPLACE`]) before anything is written, so a refused row never leaves
/// half its contacts behind.
pub(crate) fn plan(
    existing: &[Contact],
    new: &NewContacts,
    confirmed: bool,
    replace_confirmed: bool,
) -> anyhow::Result<Vec<Change>> {
    let now = clock::now();
    let mut wanted = Vec::new();
    if let Some((number, carrier)) = &new.phone {
        wanted.push(Contact {
            channel: Channel::Sms,
            address: number.clone(),
            carrier: carrier.clone(),
            preferred: false,
            confirmed_at: confirmed.then_some(now),
            created_at: now,
        });
    }
    if let Some(em) = &new.email {
        wanted.push(Contact {
            channel: Channel::Email,
            address: em.address.clone(),
            carrier: None,
            preferred: em.preferred,
            confirmed_at: confirmed.then_some(now),
            created_at: now,
        });
    }
    let mut changes = Vec::new();
    for w in wanted {
        let old = existing.iter().find(|c| c.channel == w.channel);
        let change = match old {
            None => Change::Added(w),
            Some(o) if o.address == w.address => {
                // Same address: keep its history; a carrier given now updates it.
                let carrier = w.carrier.clone().or_else(|| o.carrier.clone());
                let mut kept = o.clone();
                kept.carrier = carrier;
                kept.preferred = w.preferred;
                if confirmed && !o.confirmed() {
                    kept.confirmed_at = Some(now);
                    Change::Confirmed(kept)
                } else if kept != *o {
                    Change::Replaced(o.clone(), kept)
                } else {
                    Change::Unchanged(kept)
                }
            }
            Some(o) => {
                if o.confirmed() && !replace_confirmed {
                    return Err(error::policy(format!(
                        "{}: {NEEDS_REPLACE} ({})",
                        w.channel,
                        describe_contact(o)
                    ))
                    .into());
                }
                Change::Replaced(o.clone(), w)
            }
        };
        changes.push(change);
    }
    Ok(changes)
}

/// Writes the changes [`plan`] worked out: contacts through `sink` (the
/// transaction itself, or an import's held statements), the rest through `tx`.
pub(crate) fn write(
    tx: &Tx<'_>,
    sink: &dyn ContactSink,
    user: &User,
    changes: &[Change],
    source: &str,
    audit: AuditEach,
) -> anyhow::Result<()> {
    let now = clock::now();
    let every = audit == AuditEach::Every;
    for change in changes {
        match change {
            Change::Unchanged(_) => {}
            Change::Added(c) => {
                sink.put_contact(user, c)?;
                if every || c.confirmed() {
                    tx.audit(AuditEntry {
                        username: Some(&user.username),
                        action: "contact.add",
                        outcome: "ok",
                        detail: Some(format!(
                            "{} {} ({source}, {})",
                            c.channel,
                            c.address,
                            if c.confirmed() {
                                "confirmed"
                            } else {
                                "unconfirmed"
                            }
                        )),
                    })?;
                }
            }
            Change::Confirmed(c) => {
                sink.put_contact(user, c)?;
                // Always audited: someone vouched for this contact.
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "contact.confirm",
                    outcome: "ok",
                    detail: Some(format!("{} {} (vouched by {source})", c.channel, c.address)),
                })?;
            }
            Change::Replaced(o, c) => {
                sink.put_contact(user, c)?;
                if o.address != c.address {
                    // Codes already sent to the old address (a stolen phone) die with it.
                    for p in [Purpose::Reset, Purpose::Confirm] {
                        tx.void_live_codes(user.id, p, Some(c.channel), "contact replaced", now)?;
                    }
                }
                // The old address is recorded in full: after a SIM swap or a stolen
                // phone, the investigation needs to know what was replaced.
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "contact.replace",
                    outcome: "ok",
                    detail: Some(format!(
                        "{} {} -> {} ({source}, {})",
                        c.channel,
                        o.address,
                        c.address,
                        if c.confirmed() {
                            "confirmed"
                        } else {
                            "unconfirmed"
                        }
                    )),
                })?;
            }
        }
    }
    Ok(())
}

pub fn run(a: EnrollArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    valid_username(&a.user)?;
    if a.phone.is_none() && a.email.is_none() {
        return Err(error::usage("nothing to enroll")
            .hint("pass --phone NUMBER and/or --email ADDRESS")
            .into());
    }
    for (flag, v) in [
        ("--phone", &a.phone),
        ("--email", &a.email),
        ("--carrier", &a.carrier),
    ] {
        if v.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(error::usage(format!("{flag} is empty")).into());
        }
    }
    let name = match a.name.as_deref().map(clean_name) {
        Some(Err(why)) => return Err(error::usage(format!("--name {why}")).into()),
        Some(Ok(n)) => n,
        None => None,
    };
    let carriers = contact::carriers(&ctx.config.carriers);
    let new = validate(
        a.phone.as_deref(),
        a.carrier.as_deref(),
        a.email.as_deref(),
        &ctx.config,
        &carriers,
    )
    .map_err(|errs| {
        let policy = errs.iter().any(|e| e.policy);
        let msg = errs
            .iter()
            .map(|e| format!("--{}: {}", e.column, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut err = error::Error::new(if policy { Kind::Policy } else { Kind::Usage }, msg);
        if policy {
            err = err.hint("register a personal or affiliate address outside the institution");
        }
        err
    })?;
    let mut store = ctx.open()?;
    let sender = super::codes::sender(ctx);
    if !a.confirmed {
        // Refuse before writing anything when the confirmation code cannot be sent.
        if new.phone.is_some() {
            sender.ready(Channel::Sms).map_err(|e| {
                e.hint("configure delivery, pass --dry-run, or pass --confirmed if you verified the contact")
            })?;
        }
        if new.email.is_some() {
            sender.ready(Channel::Email).map_err(|e| {
                e.hint("configure delivery, pass --dry-run, or pass --confirmed if you verified the contact")
            })?;
        }
    }
    let (user, created, changes) = store.write(|tx| {
        let (user, created) = match tx.user(&a.user)? {
            Some(u) => (u, false),
            None => {
                tx.insert_user(&a.user, name.as_deref())?;
                tx.audit(AuditEntry {
                    username: Some(&a.user),
                    action: "user.add",
                    outcome: "ok",
                    detail: Some("by enroll".into()),
                })?;
                let u = tx
                    .user(&a.user)?
                    .ok_or_else(|| error::other("user vanished during enroll"))?;
                (u, true)
            }
        };
        let changes = apply(tx, &user, &new, a.confirmed, true, "enroll")?;
        Ok((user, created, changes))
    })?;
    super::confirm::after_enroll(ctx, &mut store, &sender, &user.username, &changes, false)?;
    if ctx.out.json {
        let list: Vec<_> = changes
            .iter()
            .map(|c| {
                let (kind, cur) = match c {
                    Change::Added(x) => ("added", x),
                    Change::Replaced(_, x) => ("replaced", x),
                    Change::Confirmed(x) => ("confirmed", x),
                    Change::Unchanged(x) => ("unchanged", x),
                };
                json!({
                    "channel": cur.channel,
                    "address": cur.address,
                    "change": kind,
                    "confirmed": cur.confirmed(),
                })
            })
            .collect();
        ctx.out.json(&json!({
            "username": user.username,
            "user_created": created,
            "contacts": list,
        }))?;
    } else {
        if created {
            ctx.out.say(&format!("Added user {}.", user.username))?;
        }
        for c in &changes {
            let line = match c {
                Change::Added(x) => format!("Registered {}.", describe_contact(x)),
                Change::Replaced(_, x) => format!("Replaced with {}.", describe_contact(x)),
                // Not `describe_contact`: its "(confirmed)" would repeat the verb.
                Change::Confirmed(x) => {
                    format!("Confirmed {}.", super::codes::masked(x.channel, &x.address))
                }
                Change::Unchanged(x) => format!("Unchanged: {}.", describe_contact(x)),
            };
            ctx.out.say(&line)?;
        }
    }
    Ok(0)
}
