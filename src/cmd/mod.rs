//! One module per subcommand; each has `fn run(args, &Ctx) -> anyhow::Result<u8>`
//! returning the exit status (0 unless the command has its own, like `check`).

mod audit;
mod authenticate;
mod backup;
mod carriers;
mod check;
mod codes;
mod confirm;
mod doctor;
mod enroll;
mod export;
mod find;
pub mod generate;
mod import;
mod init;
mod issue;
mod password;
mod prompt;
mod purge;
mod reach;
mod reset;
mod set_password;
mod skip;
mod stats;
mod unenroll;
mod user;
mod verify;

use serde::Serialize;

use crate::Ctx;
use crate::channel::Channel;
use crate::cli::Command;
use crate::clock;
use crate::contact;
use crate::enrollment::State;
use crate::error;
use crate::store::{Contact, Tx, User};

pub fn run(command: Command, ctx: &Ctx) -> anyhow::Result<u8> {
    match command {
        Command::Init => init::run(ctx),
        Command::User(c) => user::run(c, ctx),
        Command::Enroll(a) => enroll::run(a, ctx),
        Command::Unenroll(a) => unenroll::run(a, ctx),
        Command::Skip(a) => skip::run(a, ctx),
        Command::Check(a) => check::run(a, ctx),
        Command::Prompt(a) => prompt::run(a, ctx),
        Command::Carriers => carriers::run(ctx),
        Command::Confirm(a) => confirm::run(a, ctx),
        Command::Issue(a) => issue::run(a, ctx),
        Command::Verify(a) => verify::run(a, ctx),
        Command::SetPassword(a) => set_password::run(a, ctx),
        Command::Reset(a) => reset::run(a, ctx),
        Command::Authenticate(a) => authenticate::run(a, ctx),
        Command::Import(a) => import::run(a, ctx),
        Command::Export(a) => export::run(a, ctx),
        Command::Purge(a) => purge::run(a, ctx),
        Command::Stats(a) => stats::run(a, ctx),
        Command::Audit(a) => audit::run(a, ctx),
        Command::Doctor => doctor::run(ctx),
        Command::Backup(a) => backup::run(a, ctx),
        // Through sudo (an admin), the files are written with the caller's rights.
        Command::Generate(a) if ctx.caller.via == crate::access::Via::Sudo => {
            crate::system::with_rights_of(&ctx.caller.account, || generate::run(&a, &ctx.out))
                .map_err(|e| error::other(format!("generate: {e}")))?
        }
        Command::Generate(a) => generate::run(&a, &ctx.out),
    }
}

/// What a command says after notices went out: with `--dry-run` they were only
/// printed, and saying "notified" would be a lie (SPEC §2).
pub(crate) fn notified(ctx: &Ctx, reached: &[String]) -> String {
    if ctx.global.dry_run {
        format!("Printed, not sent: the notice to {}.", reached.join(", "))
    } else {
        format!("Notified {}.", reached.join(", "))
    }
}

/// Validates a username argument (exit 2 with the reason).
pub(crate) fn valid_username(name: &str) -> Result<(), error::Error> {
    contact::validate_username(name).map_err(|why| {
        error::usage(format!(
            "invalid username `{}`: {why}",
            contact::printable(name)
        ))
    })
}

/// Finds a user or fails with exit 3.
pub(crate) fn find_user(tx: &Tx<'_>, name: &str) -> anyhow::Result<User> {
    valid_username(name)?;
    tx.user(name)?.ok_or_else(|| {
        error::not_found(format!("no user `{}`", contact::printable(name)))
            .hint("`safecode user list` shows who is registered; `safecode user add` adds one")
            .into()
    })
}

/// A display name from the command line or CSV: no control characters, no
/// bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C: they make
/// one name display as another) and no line or paragraph separators (U+2028/2029),
/// bounded.
pub(crate) fn clean_name(name: &str) -> Result<Option<String>, String> {
    if name.chars().any(char::is_control) {
        return Err("contains control characters".into());
    }
    if let Some(c) = name.chars().find(|&c| crate::output::is_unprintable(c)) {
        return Err(format!(
            "contains U+{:04X}, a bidirectional control or line separator",
            u32::from(c)
        ));
    }
    let t = name.trim();
    if t.chars().count() > 200 {
        return Err("longer than 200 characters".into());
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

#[derive(Debug, Serialize)]
pub(crate) struct PhoneView {
    pub number: String,
    pub carrier: Option<String>,
    pub confirmed: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct EmailView {
    pub address: String,
    pub confirmed: bool,
    pub preferred: bool,
}

/// A pending replacement as `--json` shows it: it takes over from the confirmed
/// contact on its channel once confirmed.
#[derive(Debug, Serialize)]
pub(crate) struct PendingView {
    pub channel: Channel,
    pub address: String,
    pub carrier: Option<String>,
    pub since: String,
}

/// A user as `--json` shows it (SPEC §2: stable snake_case names, RFC 3339 times).
#[derive(Debug, Serialize)]
pub(crate) struct UserView {
    pub username: String,
    pub name: Option<String>,
    pub state: State,
    pub skips: u32,
    pub skips_left: u32,
    pub phone: Option<PhoneView>,
    pub email: Option<EmailView>,
    /// Replacements waiting for their confirmation code.
    pub pending: Vec<PendingView>,
    pub locked: bool,
    pub failures: u32,
    pub has_password: bool,
    pub password_changed_at: Option<String>,
    pub must_change_password: bool,
    pub created_at: String,
}

impl UserView {
    pub fn new(u: &User, contacts: &[Contact], pending: &[Contact], max_skips: u32) -> UserView {
        let phone = contacts
            .iter()
            .find(|c| c.channel == Channel::Sms)
            .map(|c| PhoneView {
                number: c.address.clone(),
                carrier: c.carrier.clone(),
                confirmed: c.confirmed(),
            });
        let email = contacts
            .iter()
            .find(|c| c.channel == Channel::Email)
            .map(|c| EmailView {
                address: c.address.clone(),
                confirmed: c.confirmed(),
                preferred: c.preferred,
            });
        UserView {
            username: u.username.clone(),
            name: u.name.clone(),
            state: State::of(contacts, u.skips, max_skips),
            skips: u.skips,
            skips_left: max_skips.saturating_sub(u.skips),
            phone,
            email,
            pending: pending
                .iter()
                .map(|p| PendingView {
                    channel: p.channel,
                    address: p.address.clone(),
                    carrier: p.carrier.clone(),
                    since: clock::rfc3339(p.created_at),
                })
                .collect(),
            locked: u.locked_at.is_some(),
            failures: u.failures,
            has_password: u.password_hash.is_some(),
            password_changed_at: u.password_changed_at.map(clock::rfc3339),
            must_change_password: u.must_change_password,
            created_at: clock::rfc3339(u.created_at),
        }
    }
}

/// A pending replacement masked for people: `+1 ***-***-0123 (pending confirmation)`.
pub(crate) fn describe_pending(c: &Contact) -> String {
    let masked = match c.channel {
        Channel::Sms => contact::mask_phone(&c.address),
        Channel::Email => contact::mask_email(&c.address),
    };
    match &c.carrier {
        Some(car) => format!("{masked} ({car}, pending confirmation)"),
        None => format!("{masked} (pending confirmation)"),
    }
}

/// A contact masked for people: `+1 ***-***-2000 (verizon, confirmed)`.
pub(crate) fn describe_contact(c: &Contact) -> String {
    let masked = match c.channel {
        Channel::Sms => contact::mask_phone(&c.address),
        Channel::Email => contact::mask_email(&c.address),
    };
    let mut notes = Vec::new();
    if let Some(car) = &c.carrier {
        notes.push(car.clone());
    }
    if c.preferred {
        notes.push("affiliate".into());
    }
    notes.push(
        if c.confirmed() {
            "confirmed"
        } else {
            "unconfirmed"
        }
        .into(),
    );
    format!("{masked} ({})", notes.join(", "))
}
