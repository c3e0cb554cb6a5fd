//! `safecode issue USER [--via sms|email]`: send a reset SafeCode.

use super::codes::{self, Target};
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::{IssueArgs, Via};
use crate::clock;

pub(crate) fn via(v: Option<Via>) -> Option<Channel> {
    v.map(|v| match v {
        Via::Sms => Channel::Sms,
        Via::Email => Channel::Email,
    })
}

pub fn run(a: IssueArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let sender = codes::sender(ctx);
    let mut store = ctx.open()?;
    let issued = codes::issue(
        ctx,
        &mut store,
        &sender,
        &a.user,
        Target::Reset { via: via(a.via) },
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
