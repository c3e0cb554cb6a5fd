//! `safecode enroll USER`: register or replace a person's phone and email.
//!
//! [`validate`] and [`apply`] are the one code path for contacts: `import` and
//! `prompt` call them too, so a CSV row and a typed command obey the same rules.

use serde_json::json;

use super::{describe_contact, find_user, valid_username};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::EnrollArgs;
use crate::clock;
use crate::config::Config;
use crate::contact::{self, ContactError};
use crate::error::{self, Kind};
use crate::store::{AuditEntry, Contact, ContactSink, Tx, User};

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
    /// Old, new (now in force), and a pending replacement this change dropped.
    Replaced(Contact, Contact, Option<Contact>),
    /// Same address; now confirmed.
    Confirmed(Contact),
    Unchanged(Contact),
    /// A confirmed contact stays in force (reset codes still go to it) until `new`
    /// is confirmed with the code sent to it; `dropped` is an earlier pending
    /// replacement that `new` takes the place of.
    Pending {
        current: Contact,
        new: Contact,
        dropped: Option<Contact>,
    },
}

impl Change {
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged(_))
    }
    /// The contact as it now stands (for a pending change, the new one).
    pub fn current(&self) -> &Contact {
        match self {
            Change::Added(c) | Change::Confirmed(c) | Change::Unchanged(c) => c,
            Change::Replaced(_, c, _) => c,
            Change::Pending { new, .. } => new,
        }
    }
    /// The contact a confirmation code must go to, if this change left one waiting.
    pub fn awaiting(&self) -> Option<&Contact> {
        match self {
            Change::Added(c) | Change::Replaced(_, c, _) if !c.confirmed() => Some(c),
            Change::Pending { new, .. } => Some(new),
            _ => None,
        }
    }
    /// The contact that stopped receiving codes, if this change replaced one now.
    pub fn replaced(&self) -> Option<&Contact> {
        match self {
            Change::Replaced(old, _, _) => Some(old),
            _ => None,
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
    /// Only what someone answers for: replacements and pending replacements, which
    /// record the old address for investigations, and every contact the import
    /// vouches for (added confirmed, or confirmed). Unconfirmed additions are in the
    /// import's summary row.
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
    let (existing, pending) = tx.contacts_with_pending(user.id)?;
    let changes = plan(&existing, &pending, new, confirmed, replace_confirmed)?;
    write(tx, tx, user, &changes, source, AuditEach::Every)?;
    Ok(changes)
}

/// Works out what [`write`] would do to `existing` (the contacts in force) and
/// `pending` (replacements waiting for confirmation), without writing: refuses
/// (with [`NEEDS_REPLACE`]) before anything is written, so a refused row never
/// leaves half its contacts behind.
///
/// SPEC §1 "Contact changes": an unconfirmed contact replacing a confirmed one is
/// *pending*, the confirmed one stays in force until it is confirmed; a vouched one
/// (`confirmed`) replaces at once. Re-entering an address keeps its carrier unless
/// a new one is given.
pub(crate) fn plan(
    existing: &[Contact],
    pending: &[Contact],
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
    for mut w in wanted {
        let old = existing.iter().find(|c| c.channel == w.channel);
        let waiting = pending.iter().find(|c| c.channel == w.channel);
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
                    Change::Replaced(o.clone(), kept, None)
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
                // Re-entering the pending address keeps its carrier too.
                if let Some(p) = waiting.filter(|p| p.address == w.address)
                    && w.carrier.is_none()
                {
                    w.carrier = p.carrier.clone();
                }
                if o.confirmed() && !w.confirmed() {
                    match waiting {
                        Some(p) if p.address == w.address && p.carrier == w.carrier => {
                            Change::Unchanged(p.clone())
                        }
                        Some(p) if p.address == w.address => {
                            let mut kept = p.clone();
                            kept.carrier = w.carrier.clone();
                            Change::Pending {
                                current: o.clone(),
                                new: kept,
                                dropped: None,
                            }
                        }
                        _ => Change::Pending {
                            current: o.clone(),
                            new: w,
                            dropped: waiting.cloned(),
                        },
                    }
                } else {
                    Change::Replaced(o.clone(), w, waiting.cloned())
                }
            }
        };
        changes.push(change);
    }
    Ok(changes)
}

fn state_word(c: &Contact) -> &'static str {
    if c.confirmed() {
        "confirmed"
    } else {
        "unconfirmed"
    }
}

/// ", voided 2 codes; closed the reset window" for an audit detail.
pub(crate) fn voided_note(codes: usize, windows: usize) -> String {
    let mut s = String::new();
    if codes > 0 {
        s.push_str(&format!(
            "; voided {codes} code{}",
            if codes == 1 { "" } else { "s" }
        ));
    }
    if windows > 0 {
        s.push_str("; closed the open reset window");
    }
    s
}

/// Writes the changes [`plan`] worked out: contacts through `sink` (the
/// transaction itself, or an import's held statements), the rest through `tx`.
/// Every change or removal of a contact voids the live codes sent to the old
/// address and closes the user's open reset window, in the same transaction, with
/// one audit row per change.
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
                            state_word(c)
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
            Change::Replaced(o, c, dropped) => {
                sink.put_contact(user, c)?;
                // Codes already sent to the old address (a stolen phone) die with it,
                // and a reset window opened before the change closes.
                let mut voided =
                    tx.void_codes_to(user.id, o.channel, &o.address, "contact replaced", now)?;
                let mut also = String::new();
                if let Some(p) = dropped {
                    tx.delete_pending(user.id, p.channel)?;
                    if p.address != o.address {
                        voided += tx.void_codes_to(
                            user.id,
                            p.channel,
                            &p.address,
                            "contact replaced",
                            now,
                        )?;
                    }
                    also = format!("; dropped pending {}", p.address);
                }
                let windows = tx.close_windows(user.id, now)?;
                // The old address is recorded in full: after a SIM swap or a stolen
                // phone, the investigation needs to know what was replaced.
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "contact.replace",
                    outcome: "ok",
                    detail: Some(format!(
                        "{} {} -> {} ({source}, {}){also}{}",
                        c.channel,
                        o.address,
                        c.address,
                        state_word(c),
                        voided_note(voided, windows)
                    )),
                })?;
            }
            Change::Pending {
                current,
                new,
                dropped,
            } => {
                tx.put_pending(user.id, new)?;
                let mut also = String::new();
                let mut voided = 0;
                if let Some(p) = dropped {
                    // The earlier pending address will never be confirmed now.
                    voided = tx.void_codes_to(
                        user.id,
                        p.channel,
                        &p.address,
                        "pending contact replaced",
                        now,
                    )?;
                    also = format!("; replaces pending {}", p.address);
                }
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "contact.pending",
                    outcome: "ok",
                    detail: Some(format!(
                        "{} {} stays in force until {} is confirmed ({source}){also}{}",
                        new.channel,
                        current.address,
                        new.address,
                        voided_note(voided, 0)
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
        if errs.iter().any(|e| e.policy && e.column == "email") {
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
    // A mistyped username must not create a person: users come from `user add`
    // and `import` (exit 3 with that hint).
    let (user, changes) = store.write(|tx| {
        let user = find_user(tx, &a.user)?;
        let changes = apply(tx, &user, &new, a.confirmed, true, "enroll")?;
        // Refused after planning, so a number re-entered without --carrier keeps
        // its stored carrier; the error rolls the write back.
        if let Some(why) = super::reach::refused_phone(&ctx.config, &carriers, &changes) {
            return Err(error::policy(why)
                .hint("give the phone's carrier with --carrier NAME (see `safecode carriers`), or register an email")
                .into());
        }
        Ok((user, changes))
    })?;
    super::confirm::after_enroll(ctx, &mut store, &sender, &user, &changes, false)?;
    if ctx.out.json {
        let list: Vec<_> = changes
            .iter()
            .map(|c| {
                let (kind, cur) = match c {
                    Change::Added(x) => ("added", x),
                    Change::Replaced(_, x, _) => ("replaced", x),
                    Change::Confirmed(x) => ("confirmed", x),
                    Change::Unchanged(x) => ("unchanged", x),
                    Change::Pending { new, .. } => ("pending", new),
                };
                json!({
                    "channel": cur.channel,
                    "address": cur.address,
                    "change": kind,
                    "confirmed": cur.confirmed(),
                    "replaced": c.replaced().map(|o| &o.address),
                    "in_force": match c {
                        Change::Pending { current, .. } => &current.address,
                        _ => &cur.address,
                    },
                })
            })
            .collect();
        ctx.out.json(&json!({
            "username": user.username,
            "contacts": list,
        }))?;
    } else {
        for c in &changes {
            let line = match c {
                Change::Added(x) => format!("Registered {}.", describe_contact(x)),
                Change::Replaced(_, x, _) => format!("Replaced with {}.", describe_contact(x)),
                // Not `describe_contact`: its "(confirmed)" would repeat the verb.
                Change::Confirmed(x) => {
                    format!("Confirmed {}.", super::codes::masked(x.channel, &x.address))
                }
                Change::Unchanged(x) => format!("Unchanged: {}.", describe_contact(x)),
                Change::Pending { current, new, .. } => format!(
                    "Pending {}: {} stays in force until the new one is confirmed.",
                    describe_contact(new),
                    describe_contact(current)
                ),
            };
            ctx.out.say(&line)?;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(addr: &str, carrier: Option<&str>, confirmed: bool) -> Contact {
        Contact {
            channel: Channel::Sms,
            address: addr.into(),
            carrier: carrier.map(str::to_string),
            preferred: false,
            confirmed_at: confirmed.then_some(1),
            created_at: 1,
        }
    }

    fn new_phone(addr: &str, carrier: Option<&str>) -> NewContacts {
        NewContacts {
            phone: Some((addr.into(), carrier.map(str::to_string))),
            email: None,
        }
    }

    const OLD: &str = "+16174322000";
    const NEW: &str = "+16175550123";

    #[test]
    fn an_unconfirmed_replacement_of_a_confirmed_contact_is_pending() {
        let old = phone(OLD, Some("verizon"), true);
        let c = plan(
            std::slice::from_ref(&old),
            &[],
            &new_phone(NEW, None),
            false,
            true,
        )
        .unwrap();
        match &c[..] {
            [
                Change::Pending {
                    current,
                    new,
                    dropped: None,
                },
            ] => {
                assert_eq!(*current, old);
                assert_eq!(new.address, NEW);
                assert!(!new.confirmed());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c[0].awaiting().map(|x| x.address.as_str()), Some(NEW));
        assert!(c[0].replaced().is_none());
    }

    #[test]
    fn a_vouched_replacement_is_immediate_and_drops_the_pending_one() {
        let old = phone(OLD, None, true);
        let pend = phone(NEW, None, false);
        let c = plan(
            std::slice::from_ref(&old),
            std::slice::from_ref(&pend),
            &new_phone("+16175550199", None),
            true,
            true,
        )
        .unwrap();
        match &c[..] {
            [Change::Replaced(o, n, Some(p))] => {
                assert_eq!(*o, old);
                assert!(n.confirmed());
                assert_eq!(*p, pend);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c[0].replaced(), Some(&old));
    }

    #[test]
    fn an_unconfirmed_contact_is_replaced_directly() {
        let old = phone(OLD, None, false);
        let c = plan(
            std::slice::from_ref(&old),
            &[],
            &new_phone(NEW, None),
            false,
            false,
        )
        .unwrap();
        assert!(matches!(&c[..], [Change::Replaced(o, n, None)] if *o == old && !n.confirmed()));
    }

    #[test]
    fn re_entering_an_address_keeps_its_carrier() {
        let old = phone(OLD, Some("verizon"), true);
        let c = plan(
            std::slice::from_ref(&old),
            &[],
            &new_phone(OLD, None),
            false,
            true,
        )
        .unwrap();
        assert_eq!(c, [Change::Unchanged(old.clone())]);
        let pend = phone(NEW, Some("att"), false);
        let c = plan(
            std::slice::from_ref(&old),
            std::slice::from_ref(&pend),
            &new_phone(NEW, None),
            false,
            true,
        )
        .unwrap();
        assert_eq!(c, [Change::Unchanged(pend)]);
    }

    #[test]
    fn a_confirmed_contact_needs_replace_confirmed() {
        let old = phone(OLD, None, true);
        for confirmed in [true, false] {
            let e = plan(
                std::slice::from_ref(&old),
                &[],
                &new_phone(NEW, None),
                confirmed,
                false,
            )
            .unwrap_err();
            assert!(e.to_string().contains(NEEDS_REPLACE), "{e}");
        }
    }
}
