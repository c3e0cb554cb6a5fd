//! `safecode issue USER [--via sms|email]`: send a reset SafeCode.

use super::codes::{self, Target};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::{IssueArgs, Via};
use crate::clock;
use crate::error;

pub(crate) fn via(v: Option<Via>) -> Option<Channel> {
    v.map(|v| match v {
        Via::Sms => Channel::Sms,
        Via::Email => Channel::Email,
    })
}

pub fn run(a: IssueArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let limits = match (a.override_limit, a.reason.as_deref().map(str::trim)) {
        (false, _) => codes::Limits::All,
        (true, Some(r)) if !r.is_empty() && !r.chars().any(char::is_control) => {
            if r.chars().count() > 200 {
                return Err(error::usage("--reason is longer than 200 characters").into());
            }
            codes::Limits::Override { reason: r }
        }
        (true, _) => {
            return Err(
                error::usage("--override-limit needs a --reason for the audit log")
                    .hint("e.g. --reason 'caller on the line, ticket 4711'")
                    .into(),
            );
        }
    };
    let sender = codes::sender(ctx);
    let mut store = ctx.open()?;
    let issued = codes::issue_with(
        ctx,
        &mut store,
        &sender,
        &a.user,
        Target::Reset { via: via(a.via) },
        limits,
    )?;
    if ctx.out.json {
        ctx.out.json(&issued)?;
    } else {
        ctx.out.say(&format!(
            "{} a SafeCode to {} for {}; it expires at {} (in {}).",
            if issued.dry_run {
                "Printed, not sent:"
            } else {
                "Sent"
            },
            issued.destination,
            issued.username,
            clock::human(issued.expires_at),
            clock::span(issued.expires_at - clock::now())
        ))?;
    }
    Ok(0)
}
