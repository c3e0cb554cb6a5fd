//! The SafeCode flows shared by `issue`, `verify`, `confirm`, `set-password`,
//! `reset`, `enroll` and `prompt`: issuing and delivering a code, and checking one
//! with every counter, lock and audit row that goes with it.

use serde::Serialize;

use super::{describe_contact, find_user};
use crate::Ctx;
use crate::channel::Channel;
use crate::clock;
use crate::code::{self, Code};
use crate::contact;
use crate::error::{self, Error};
use crate::message::{self, Org};
use crate::send::{self, Dispatcher, Gateway, Message, Sender};
use crate::store::{AuditEntry, CodeRow, Contact, NewCode, Purpose, Store, Tx, User};

/// The sender for this run. Dry-run messages go to stdout, or to stderr under
/// `--json` so that stdout stays one JSON document.
pub(crate) fn sender(ctx: &Ctx) -> Dispatcher {
    let out: Box<dyn std::io::Write> = if ctx.out.json {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    send::dispatcher(&ctx.config, ctx.global.dry_run, out)
}

fn org(ctx: &Ctx) -> Org<'_> {
    Org {
        name: &ctx.config.org_name,
        helpdesk: &ctx.config.helpdesk,
    }
}

/// A contact as a message destination, with its carrier's gateway resolved.
pub(crate) fn message_to(ctx: &Ctx, c: &Contact, text: message::Text) -> Message {
    Message {
        channel: c.channel,
        to: c.address.clone(),
        gateway: gateway_for(ctx, c),
        text,
    }
}

/// The carrier's email-to-SMS gateway for a phone contact, if it has a carrier.
pub(crate) fn gateway_for(ctx: &Ctx, c: &Contact) -> Option<Gateway> {
    let id = c.carrier.as_ref()?;
    let all = contact::carriers(&ctx.config.carriers);
    contact::find_carrier(&all, id).map(|car| Gateway {
        carrier: car.name.clone(),
        domain: car.gateway.clone(),
        active: car.active,
    })
}

/// The masked form of a destination.
pub(crate) fn masked(channel: Channel, address: &str) -> String {
    match channel {
        Channel::Sms => contact::mask_phone(address),
        Channel::Email => contact::mask_email(address),
    }
}

/// Which contact a code goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// A reset code: to a confirmed contact, `via` or the default (SMS first).
    Reset { via: Option<Channel> },
    /// A confirmation code for the (unconfirmed) contact on this channel.
    Confirm(Channel),
}

/// A code that was issued and delivered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Issued {
    pub username: String,
    pub channel: Channel,
    /// Masked destination.
    pub destination: String,
    #[serde(serialize_with = "ser_time")]
    pub expires_at: i64,
    pub dry_run: bool,
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&clock::rfc3339(*t))
}

/// Picks the contact for a target, or says why there is none (exit 4). Reset codes
/// go only to confirmed contacts in force (a pending replacement gets none until it
/// is confirmed); a confirmation code goes to the pending replacement on the
/// channel, else to the unconfirmed contact there.
fn pick(
    user: &User,
    contacts: &[Contact],
    pending: &[Contact],
    target: Target,
) -> Result<Contact, Error> {
    match target {
        Target::Reset { via } => {
            let confirmed: Vec<&Contact> = contacts.iter().filter(|c| c.confirmed()).collect();
            if confirmed.is_empty() {
                return Err(error::policy(format!(
                    "{} is not enrolled: no confirmed phone or email",
                    user.username
                ))
                .hint(format!(
                    "register one first: safecode enroll {} --phone NUMBER --confirmed",
                    user.username
                )));
            }
            let chosen = match via {
                Some(ch) => confirmed.iter().find(|c| c.channel == ch).copied(),
                None => confirmed
                    .iter()
                    .find(|c| c.channel == Channel::Sms)
                    .or_else(|| confirmed.first())
                    .copied(),
            };
            chosen.cloned().ok_or_else(|| {
                error::policy(format!(
                    "{} has no confirmed {}",
                    user.username,
                    if via == Some(Channel::Sms) {
                        "phone"
                    } else {
                        "email"
                    }
                ))
                .hint("leave out --via to use the confirmed contact")
            })
        }
        Target::Confirm(ch) => pending
            .iter()
            .find(|c| c.channel == ch)
            .or_else(|| contacts.iter().find(|c| c.channel == ch && !c.confirmed()))
            .cloned()
            .ok_or_else(|| nothing_to_confirm(&user.username)),
    }
}

/// How the sending limits apply to one issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limits<'a> {
    /// Every `issue_limit` holds.
    All,
    /// An agent overrides the short limits for a caller on the line, with a
    /// reason for the audit log; limits over a day or longer still hold (the
    /// ceiling against floods and SMS pumping).
    Override { reason: &'a str },
}

/// Limits at least this long are not overridden.
const DAILY: i64 = 24 * 3600;

/// The refusal when no contact of the user waits for confirmation (exit 4).
pub(crate) fn nothing_to_confirm(username: &str) -> Error {
    error::policy(format!(
        "{username} has no contact waiting for confirmation"
    ))
    .hint(format!(
        "register one first: safecode enroll {username} --phone NUMBER (or --email ADDRESS)"
    ))
}

/// Checks the sending rate limit; on refusal says when the next code may go out.
/// Returns the limits that `Limits::Override` let through, if any.
fn rate_limit(
    tx: &Tx<'_>,
    ctx: &Ctx,
    user: &User,
    now: i64,
    limits_mode: Limits<'_>,
) -> anyhow::Result<Result<Vec<String>, Error>> {
    let limits = &ctx.config.policy.issue_limit;
    let longest = limits.iter().map(|l| l.per.as_i64()).max().unwrap_or(0);
    // Only sends that were delivered (or printed) count: a failed delivery
    // removes its row, so it cannot trap the caller.
    let sends = tx.sends_since(user.id, now - longest)?;
    let mut next: Option<(i64, u32, i64)> = None;
    let mut overridden = Vec::new();
    for l in limits {
        let per = l.per.as_i64();
        let recent: Vec<i64> = sends.iter().copied().filter(|t| *t > now - per).collect();
        if recent.len() >= l.count as usize
            && matches!(limits_mode, Limits::Override { .. })
            && per < DAILY
        {
            overridden.push(format!("{} in {}", l.count, clock::span(per)));
            continue;
        }
        if recent.len() >= l.count as usize {
            // The oldest of the last `count` sends must leave the window first.
            let oldest = recent[l.count as usize - 1];
            let at = oldest + per;
            if next.is_none_or(|(t, _, _)| at > t) {
                next = Some((at, l.count, per));
            }
        }
    }
    Ok(match next {
        None => Ok(overridden),
        Some((at, count, per)) if per >= DAILY && matches!(limits_mode, Limits::Override { .. }) => {
            Err(error::policy(format!(
                "rate limited: {} already had {count} codes in {}, a limit that cannot be overridden; the next may be sent at {} (in {})",
                user.username,
                clock::span(per),
                clock::human(at),
                clock::span(at - now)
            ))
            .hint("send a code by another route only after checking identity in person"))
        }
        Some((at, count, per)) => Err(error::policy(format!(
            "rate limited: {} already had {count} codes in {}; the next may be sent at {} (in {})",
            user.username,
            clock::span(per),
            clock::human(at),
            clock::span(at - now)
        ))
        .hint(match limits_mode {
            Limits::All if per < DAILY => format!(
                "this limit protects the person from floods and the institution from SMS fees; \
                 for a caller on the line: safecode issue {} --override-limit --reason TEXT",
                user.username
            ),
            _ => "this limit protects the person from floods and the institution from SMS fees".into(),
        })),
    })
}

/// Issues a code for `target`, stores its digest, delivers it, and records the
/// outcome. A failed delivery voids the code (exit 5).
pub(crate) fn issue(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    username: &str,
    target: Target,
) -> anyhow::Result<Issued> {
    issue_with(ctx, store, sender, username, target, Limits::All)
}

/// [`issue`] with the sending limits applied as `limits` says.
pub(crate) fn issue_with(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    username: &str,
    target: Target,
    limits: Limits<'_>,
) -> anyhow::Result<Issued> {
    let now = clock::now();
    let ttl = ctx.config.policy.code_ttl.as_i64();
    let len = ctx.config.policy.code_length;
    // Generated before the transaction; it exists only in memory until sent.
    let code = code::generate(len).map_err(|e| error::other(e.to_string()))?;
    let salt = code::new_salt().map_err(|e| error::other(e.to_string()))?;
    let purpose = match target {
        Target::Reset { .. } => Purpose::Reset,
        Target::Confirm(_) => Purpose::Confirm,
    };
    let step = store.write(|tx| {
        let user = find_user(tx, username)?;
        if user.locked_at.is_some() {
            tx.audit(AuditEntry {
                username: Some(&user.username),
                action: "issue",
                outcome: "locked",
                detail: None,
            })?;
            return Ok(Err(locked_error(&user)));
        }
        let (contacts, pending) = tx.contacts_with_pending(user.id)?;
        let mut contact = match pick(&user, &contacts, &pending, target) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let gw = gateway_for(ctx, &contact);
        if let Err(e) = sender.ready_to(contact.channel, &contact.address, gw.as_ref()) {
            // A phone that can never get a code (no carrier, a discontinued
            // gateway): without --via, fall back to a confirmed email; with
            // --via sms, name the way that works.
            let email = other_confirmed_email(&contacts, &contact)
                .filter(|_| matches!(target, Target::Reset { .. }))
                .filter(|em| sender.ready_to(em.channel, &em.address, None).is_ok());
            match (email, target) {
                (Some(em), Target::Reset { via: None }) => contact = em.clone(),
                (Some(_), _) => {
                    return Ok(Err(e.hint(format!(
                        "{} has a confirmed email: safecode issue {} --via email",
                        user.username, user.username
                    ))));
                }
                (None, _) => return Ok(Err(e)),
            }
        }
        match rate_limit(tx, ctx, &user, now, limits)? {
            Err(e) => {
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "issue",
                    outcome: "rate-limited",
                    detail: Some(purpose.as_str().into()),
                })?;
                return Ok(Err(e));
            }
            Ok(overridden) => {
                if let Limits::Override { reason } = limits {
                    tx.audit(AuditEntry {
                        username: Some(&user.username),
                        action: "issue.override-limit",
                        outcome: if overridden.is_empty() {
                            "not-needed"
                        } else {
                            "ok"
                        },
                        detail: Some(format!(
                            "reason: {reason}; {}",
                            if overridden.is_empty() {
                                "no limit was reached".to_string()
                            } else {
                                format!("passed the limit of {}", overridden.join(", "))
                            }
                        )),
                    })?;
                }
            }
        }
        let key = tx.code_key()?;
        let context = code_context(purpose, user.id, &contact.address);
        let digest = code::hash(&key, &salt, &context, &code);
        let only_channel = match target {
            Target::Confirm(ch) => Some(ch),
            Target::Reset { .. } => None,
        };
        let voided = tx.void_live_codes(user.id, purpose, only_channel, "replaced", now)?;
        let code_id = tx.insert_code(&NewCode {
            user_id: user.id,
            purpose,
            channel: contact.channel,
            destination: &contact.address,
            salt: &salt,
            digest: &digest,
            created_at: now,
            expires_at: now + ttl,
        })?;
        let send_id = tx.record_send(user.id, now, purpose, contact.channel)?;
        tx.audit(AuditEntry {
            username: Some(&user.username),
            action: "issue",
            outcome: "created",
            detail: Some(format!(
                "{} code {code_id} to {} {}{}",
                purpose.as_str(),
                contact.channel,
                masked(contact.channel, &contact.address),
                if voided > 0 {
                    format!("; voided {voided} earlier")
                } else {
                    String::new()
                }
            )),
        })?;
        Ok(Ok((user, contact, code_id, send_id)))
    })?;
    let (user, contact, code_id, send_id) = step?;
    let minutes = u64::try_from(ttl / 60).unwrap_or(10);
    let text = match purpose {
        Purpose::Reset => message::reset_code(&org(ctx), contact.channel, code.as_str(), minutes),
        Purpose::Confirm => {
            message::confirm_code(&org(ctx), contact.channel, code.as_str(), minutes)
        }
    };
    drop(code);
    let msg = message_to(ctx, &contact, text);
    let dest = masked(contact.channel, &contact.address);
    match sender.send(&msg) {
        Ok(()) => {
            store.write(|tx| {
                if sender.is_dry_run() {
                    // Counted for the rate limit, but nothing was sent: no fee.
                    tx.mark_send_failed(send_id)?;
                }
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "deliver",
                    // A printed code is a real one (SPEC §2): audited as printed.
                    outcome: if sender.is_dry_run() {
                        "printed"
                    } else {
                        "sent"
                    },
                    detail: Some(format!(
                        "{} code {code_id} to {} {dest}",
                        purpose.as_str(),
                        contact.channel
                    )),
                })
            })?;
            Ok(Issued {
                username: user.username,
                channel: contact.channel,
                destination: dest,
                expires_at: now + ttl,
                dry_run: sender.is_dry_run(),
            })
        }
        Err(e) => {
            let reason = e.message.clone();
            store.write(|tx| {
                tx.void_code(code_id, "delivery failed", clock::now())?;
                // Not a send: it must not use up the person's allowance.
                tx.forget_send(send_id)?;
                tx.audit(AuditEntry {
                    username: Some(&user.username),
                    action: "deliver",
                    outcome: "failed",
                    detail: Some(format!(
                        "{} code {code_id} to {} {dest}: {reason}",
                        purpose.as_str(),
                        contact.channel
                    )),
                })
            })?;
            let hint = match (
                purpose,
                other_confirmed_email(&contacts_after(store, &user)?, &contact),
            ) {
                (Purpose::Reset, Some(_)) => format!(
                    "{} has a confirmed email: safecode issue {} --via email",
                    user.username, user.username
                ),
                _ => e
                    .hint
                    .unwrap_or_else(|| "check the delivery settings with `safecode doctor`".into()),
            };
            Err(error::delivery(format!(
                "could not deliver the code to {dest}: {reason}; the code was voided"
            ))
            .hint(hint)
            .into())
        }
    }
}

/// The user's confirmed email, when `tried` is their phone.
fn other_confirmed_email<'c>(contacts: &'c [Contact], tried: &Contact) -> Option<&'c Contact> {
    if tried.channel != Channel::Sms {
        return None;
    }
    contacts
        .iter()
        .find(|c| c.channel == Channel::Email && c.confirmed())
}

fn contacts_after(store: &mut Store, user: &User) -> anyhow::Result<Vec<Contact>> {
    store.read(|tx| tx.contacts(user.id))
}

/// Binds a digest to one purpose, user and destination: a code's digest cannot be
/// replayed for another purpose or after the contact changed.
pub(crate) fn code_context(purpose: Purpose, user_id: i64, destination: &str) -> String {
    format!("{}:{user_id}:{destination}", purpose.as_str())
}

pub(crate) fn locked_error(user: &User) -> Error {
    error::policy(format!(
        "{} is locked after {} consecutive wrong codes",
        user.username, user.failures
    ))
    .hint(format!(
        "confirm the person's identity, then: safecode user unlock {}",
        user.username
    ))
}

/// The outcome of checking a code.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Matched and consumed.
    Accepted(CodeRow),
    Wrong {
        attempts_left: u32,
        voided: bool,
        locked: bool,
    },
    Expired(i64),
    AlreadyUsed,
    Voided(String),
    NoneOutstanding,
    Locked,
}

impl Verdict {
    /// The error for anything but `Accepted` (exit 7, or 4 when locked), for a
    /// reset code.
    pub fn error(&self, user: &User) -> Option<Error> {
        self.error_for(user, Purpose::Reset)
    }

    /// The error for anything but `Accepted`; the hint names the command that sends
    /// a new code of this purpose.
    pub fn error_for(&self, user: &User, purpose: Purpose) -> Option<Error> {
        let name = &user.username;
        let reissue = match purpose {
            Purpose::Reset => format!("send a new code: safecode issue {name}"),
            Purpose::Confirm => format!("send a new code: safecode confirm {name} --resend"),
        };
        Some(match self {
            Verdict::Accepted(_) => return None,
            Verdict::Wrong { locked: true, .. } => error::rejected(format!(
                "wrong code; {name} is now locked after too many consecutive wrong codes"
            ))
            .hint(format!(
                "after checking identity: safecode user unlock {name}"
            )),
            Verdict::Wrong { voided: true, .. } => {
                error::rejected("wrong code; that was the last attempt, so the code is now void")
                    .hint(reissue)
            }
            Verdict::Wrong { attempts_left, .. } => error::rejected(format!(
                "wrong code; {attempts_left} attempt{} left",
                if *attempts_left == 1 { "" } else { "s" }
            ))
            .hint("ask the person to read the digits again"),
            Verdict::Expired(at) => {
                error::rejected(format!("the code expired at {}", clock::human(*at))).hint(reissue)
            }
            Verdict::AlreadyUsed => {
                error::rejected("that code was already used; codes work once").hint(reissue)
            }
            Verdict::Voided(why) => {
                error::rejected(format!("that code is void ({why})")).hint(reissue)
            }
            Verdict::NoneOutstanding => {
                error::rejected(format!("no code is outstanding for {name}")).hint(reissue)
            }
            Verdict::Locked => locked_error(user),
        })
    }

    fn outcome(&self) -> &'static str {
        match self {
            Verdict::Accepted(_) => "ok",
            Verdict::Wrong { .. } => "wrong",
            Verdict::Expired(_) => "expired",
            Verdict::AlreadyUsed => "used",
            Verdict::Voided(_) => "voided",
            Verdict::NoneOutstanding => "none",
            Verdict::Locked => "locked",
        }
    }
}

/// Checks `typed` against the user's live codes of `purpose` inside the caller's
/// IMMEDIATE transaction: consumes it on a match, otherwise counts the attempt and
/// the consecutive failure, voids the code at `max_attempts` and locks the user at
/// `max_failures`. Every call is audited. The clear code is never stored.
pub(crate) fn check(
    tx: &Tx<'_>,
    ctx: &Ctx,
    user: &User,
    purpose: Purpose,
    typed: &Code,
) -> anyhow::Result<Verdict> {
    let now = clock::now();
    let action = match purpose {
        Purpose::Reset => "verify",
        Purpose::Confirm => "confirm",
    };
    let verdict = verdict(tx, ctx, user, purpose, typed, now)?;
    let detail = match &verdict {
        Verdict::Accepted(c) => Some(format!("code {} via {}", c.id, c.channel)),
        Verdict::Wrong {
            attempts_left,
            voided,
            locked,
        } => Some(format!(
            "{attempts_left} attempts left{}{}",
            if *voided { "; code voided" } else { "" },
            if *locked { "; user locked" } else { "" }
        )),
        Verdict::Voided(why) => Some(why.clone()),
        _ => None,
    };
    tx.audit(AuditEntry {
        username: Some(&user.username),
        action,
        outcome: verdict.outcome(),
        detail,
    })?;
    if let Verdict::Wrong { locked: true, .. } = verdict {
        tx.audit(AuditEntry {
            username: Some(&user.username),
            action: "user.lock",
            outcome: "ok",
            detail: Some(format!(
                "{} consecutive wrong codes",
                ctx.config.policy.max_failures
            )),
        })?;
    }
    Ok(verdict)
}

fn verdict(
    tx: &Tx<'_>,
    ctx: &Ctx,
    user: &User,
    purpose: Purpose,
    typed: &Code,
    now: i64,
) -> anyhow::Result<Verdict> {
    let key = tx.code_key()?;
    if user.locked_at.is_some() {
        return Ok(Verdict::Locked);
    }
    let live = tx.live_codes(user.id, purpose)?;
    let usable: Vec<&CodeRow> = live.iter().filter(|c| c.expires_at > now).collect();
    let max_attempts = ctx.config.policy.max_attempts;
    let rejected = if usable.is_empty() {
        if let Some(c) = live.first() {
            Verdict::Expired(c.expires_at)
        } else {
            match tx.latest_code(user.id, purpose)? {
                None => Verdict::NoneOutstanding,
                Some(c) if c.state == "used" => Verdict::AlreadyUsed,
                Some(c) if c.state == "voided" => {
                    Verdict::Voided(c.void_reason.unwrap_or_else(|| "replaced".into()))
                }
                Some(_) => Verdict::NoneOutstanding,
            }
        }
    } else {
        // Compare against every usable code (at most one per channel) without
        // stopping early, so the time taken does not say which one matched.
        let mut matched: Option<&CodeRow> = None;
        for c in &usable {
            let ctxs = code_context(purpose, user.id, &c.destination);
            if code::matches(&key, &c.salt, &ctxs, typed, &c.digest) && matched.is_none() {
                matched = Some(c);
            }
        }
        if let Some(c) = matched {
            tx.consume_code(c.id, now)?;
            tx.clear_failures(user.id)?;
            return Ok(Verdict::Accepted((*c).clone()));
        }
        let mut left = u32::MAX;
        let mut voided = false;
        for c in &usable {
            let attempts = tx.code_attempt(c.id)?;
            if attempts >= max_attempts {
                tx.void_code(c.id, "too many wrong attempts", now)?;
                voided = true;
            }
            left = left.min(max_attempts.saturating_sub(attempts));
        }
        Verdict::Wrong {
            attempts_left: left,
            voided,
            locked: false,
        }
    };
    // Every rejected entry counts towards the lock, whether or not a code was
    // outstanding: guessing against a void code is still guessing. A replay of a
    // code that already worked is not a guess (two agents, one code): not counted.
    if matches!(rejected, Verdict::AlreadyUsed) {
        return Ok(rejected);
    }
    let failures = tx.add_failure(user.id)?;
    if failures >= ctx.config.policy.max_failures {
        tx.lock_user(user.id, now)?;
        return Ok(Verdict::Wrong {
            attempts_left: match rejected {
                Verdict::Wrong { attempts_left, .. } => attempts_left,
                _ => 0,
            },
            voided: matches!(rejected, Verdict::Wrong { voided: true, .. }),
            locked: true,
        });
    }
    Ok(rejected)
}

/// Parses what a person typed (exit 7 with the reason; no attempt is counted for
/// input that cannot be a code).
pub(crate) fn parse_typed(ctx: &Ctx, typed: &str) -> Result<Code, Error> {
    code::normalize_input(typed, ctx.config.policy.code_length)
        .map_err(|why| error::rejected(format!("not a valid code: {why}")))
}

/// Reads a code from an argument, `-` (stdin's first line) or a prompt.
pub(crate) fn read_code(ctx: &Ctx, arg: Option<&str>, flag: &str) -> anyhow::Result<String> {
    match arg {
        Some("-") => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| error::usage(format!("cannot read the code from stdin: {e}")))?;
            Ok(line.trim().to_string())
        }
        Some(c) => Ok(c.to_string()),
        None if ctx.interactive() => dialoguer::Input::<String>::new()
            .with_prompt("Code")
            .interact_text()
            .map_err(|e| error::other(format!("prompt: {e}")).into()),
        None => Err(error::usage("no code given")
            .hint(format!("pass {flag}, or `-` to read it from stdin"))
            .into()),
    }
}

/// Sends a notice (password changed, contact replaced) to a contact. A failed
/// notice is a warning: the change it reports has already happened.
pub(crate) fn notify(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    username: &str,
    c: &Contact,
    text: message::Text,
    what: &str,
) -> anyhow::Result<bool> {
    let dest = describe_contact(c);
    if let Err(e) = sender.ready(c.channel) {
        ctx.out.note(&format!(
            "warning: no {what} notice to {dest}: {}",
            e.message
        ));
        return Ok(false);
    }
    let msg = message_to(ctx, c, text);
    let result = sender.send(&msg);
    let ok = result.is_ok();
    store.write(|tx| {
        tx.audit(AuditEntry {
            username: Some(username),
            action: "notify",
            outcome: match (ok, sender.is_dry_run()) {
                (true, true) => "printed",
                (true, false) => "sent",
                (false, _) => "failed",
            },
            detail: Some(match &result {
                Ok(()) => format!("{what} to {}", masked(c.channel, &c.address)),
                Err(e) => format!("{what} to {}: {}", masked(c.channel, &c.address), e.message),
            }),
        })
    })?;
    if let Err(e) = result {
        ctx.out.note(&format!(
            "warning: the {what} notice to {dest} failed: {}",
            e.message
        ));
    }
    Ok(ok)
}

/// Notifies every confirmed contact that the password changed; returns the masked
/// destinations reached.
pub(crate) fn notify_password_changed(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    user: &User,
) -> anyhow::Result<Vec<String>> {
    let contacts = store.read(|tx| tx.contacts(user.id))?;
    let mut reached = Vec::new();
    for c in contacts.iter().filter(|c| c.confirmed()) {
        let text = message::password_changed(&org(ctx), c.channel);
        if notify(
            ctx,
            store,
            sender,
            &user.username,
            c,
            text,
            "password-changed",
        )? {
            reached.push(masked(c.channel, &c.address));
        }
    }
    Ok(reached)
}

/// After a contact was replaced or removed: tells the old contact (if it was
/// confirmed) that it no longer receives codes, and every other confirmed contact
/// of the user in force now (not the new one on the same channel) what changed.
/// Returns the masked destinations reached.
pub(crate) fn notify_contact_change(
    ctx: &Ctx,
    store: &mut Store,
    sender: &Dispatcher,
    user: &User,
    old: &Contact,
    removed: bool,
) -> anyhow::Result<Vec<String>> {
    let what = if removed {
        "contact-removed"
    } else {
        "contact-replaced"
    };
    let now = store.read(|tx| tx.contacts(user.id))?;
    let mut to: Vec<(&Contact, bool)> = Vec::new();
    if old.confirmed() {
        to.push((old, true));
    }
    for c in now
        .iter()
        .filter(|c| c.confirmed() && c.channel != old.channel)
    {
        to.push((c, false));
    }
    let mut reached = Vec::new();
    for (c, here) in to {
        let text = message::contact_changed(&org(ctx), c.channel, old.channel, here, removed);
        if notify(ctx, store, sender, &user.username, c, text, what)? {
            reached.push(masked(c.channel, &c.address));
        }
    }
    Ok(reached)
}
