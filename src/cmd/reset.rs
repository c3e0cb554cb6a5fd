//! `safecode reset USER [--via …]`: the service desk's interactive flow in one
//! command: issue a code, take the code the caller reads back (with the attempts
//! the policy allows), take the new password (hidden, twice), set it.

use dialoguer::Input;

use super::codes::{self, Target, Verdict};
use super::find_user;
use super::set_password::{self, Source};
use crate::Ctx;
use crate::cli::ResetArgs;
use crate::clock;
use crate::error;
use crate::store::Purpose;

pub fn run(a: ResetArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    if !ctx.interactive() {
        return Err(error::usage("`reset` needs a terminal on stdin and stderr")
            .hint("in scripts use `safecode issue`, `safecode verify` and `safecode set-password`")
            .into());
    }
    let sender = codes::sender(ctx);
    let mut store = ctx.open()?;
    let issued = codes::issue(
        ctx,
        &mut store,
        &sender,
        &a.user,
        Target::Reset {
            via: super::issue::via(a.via),
        },
    )?;
    eprintln!(
        "{} a SafeCode to {}; it expires at {} (in {}).",
        if issued.dry_run {
            "Printed, not sent:"
        } else {
            "Sent"
        },
        issued.destination,
        clock::human(issued.expires_at),
        clock::span(issued.expires_at - clock::now())
    );
    let window = ctx.config.policy.reset_window.as_i64();
    loop {
        let typed: String = Input::new()
            .with_prompt("Code the caller reads back")
            .interact_text()
            .map_err(|e| error::other(format!("prompt: {e}")))?;
        let code = match codes::parse_typed(ctx, &typed) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}; try again.", e.message);
                continue;
            }
        };
        let (user, verdict) = store.write(|tx| {
            let user = find_user(tx, &a.user)?;
            let v = codes::check(tx, ctx, &user, Purpose::Reset, &code)?;
            if let Verdict::Accepted(c) = &v {
                let now = clock::now();
                tx.open_window(user.id, c.id, now, now + window)?;
            }
            Ok((user, v))
        })?;
        match verdict {
            Verdict::Accepted(_) => {
                eprintln!("Code accepted.");
                break;
            }
            Verdict::Wrong {
                attempts_left,
                voided: false,
                locked: false,
            } => {
                eprintln!(
                    "Wrong code; {attempts_left} attempt{} left.",
                    if attempts_left == 1 { "" } else { "s" }
                );
            }
            other => {
                if let Some(e) = other.error(&user) {
                    return Err(e.into());
                }
            }
        }
    }
    let changed = set_password::change(ctx, &mut store, &a.user, Source::Prompt, None)?;
    let reached = codes::notify_password_changed(ctx, &mut store, &sender, &changed.user)?;
    ctx.out
        .say(&format!("Password changed for {}.", changed.user.username))?;
    if !reached.is_empty() {
        ctx.out.say(&super::notified(ctx, &reached))?;
    }
    Ok(0)
}
