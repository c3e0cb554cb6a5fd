//! `safecode verify USER [CODE]`: check a reset code; success opens the reset window.

use serde_json::json;

use super::codes::{self, Verdict};
use super::find_user;
use crate::Ctx;
use crate::cli::VerifyArgs;
use crate::clock;
use crate::store::Purpose;

pub fn run(a: VerifyArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    super::valid_username(&a.user)?;
    let typed = codes::read_code(ctx, a.code.as_deref(), "the code as an argument")?;
    let code = codes::parse_typed(ctx, &typed)?;
    let mut store = ctx.open()?;
    let window = ctx.config.policy.reset_window.as_i64();
    let (user, verdict, until) = store.write(|tx| {
        let user = find_user(tx, &a.user)?;
        let v = codes::check(tx, ctx, &user, Purpose::Reset, &code)?;
        let mut until = 0;
        if let Verdict::Accepted(c) = &v {
            let now = clock::now();
            until = now + window;
            tx.open_window(user.id, c.id, now, until)?;
        }
        Ok((user, v, until))
    })?;
    if let Some(e) = verdict.error(&user) {
        return Err(e.into());
    }
    if ctx.out.json {
        ctx.out.json(&json!({
            "username": user.username,
            "verified": true,
            "reset_window_until": clock::rfc3339(until),
        }))?;
    } else {
        ctx.out.say(&format!(
            "Code accepted for {}. The password may be changed once until {} (in {}).",
            user.username,
            clock::human(until),
            clock::span(until - clock::now())
        ))?;
    }
    Ok(0)
}
