//! `safecode check USER`: the login script's question. Exit 0 enrolled, 10 may skip,
//! 11 must register.

use serde_json::json;

use super::find_user;
use crate::Ctx;
use crate::cli::SelfUserArg;
use crate::enrollment::State;
use crate::error::{EXIT_MAY_SKIP, EXIT_MUST_REGISTER};

pub fn run(a: SelfUserArg, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    let max = ctx.config.policy.max_skips;
    let (user, state) = store.read(|tx| {
        let u = find_user(tx, &a.user)?;
        let contacts = tx.contacts(u.id)?;
        let state = State::of(&contacts, u.skips, max);
        Ok((u, state))
    })?;
    let left = max.saturating_sub(user.skips);
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "state": state,
            "skips": user.skips,
            "skips_left": left,
        }))?;
    } else {
        let text = match state {
            State::Enrolled => format!("{} is enrolled.", user.username),
            State::MaySkip => format!(
                "{} is not enrolled and may skip {left} more time{}.",
                user.username,
                if left == 1 { "" } else { "s" }
            ),
            State::MustRegister => format!("{} must register now.", user.username),
        };
        ctx.out.say(&text)?;
    }
    Ok(match state {
        State::Enrolled => 0,
        State::MaySkip => EXIT_MAY_SKIP,
        State::MustRegister => EXIT_MUST_REGISTER,
    })
}
