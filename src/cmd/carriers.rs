//! `safecode carriers`: the built-in carrier table plus the config's additions.

use crate::Ctx;
use crate::contact;

pub fn run(ctx: &Ctx) -> anyhow::Result<u8> {
    let list = contact::carriers(&ctx.config.carriers);
    if ctx.out.json {
        ctx.out.json(&list)?;
        return Ok(0);
    }
    let mut t = ctx
        .out
        .new_table(&["Carrier", "Name", "SMS gateway", "Status"]);
    for c in &list {
        // The config's carriers are someone's typing too.
        ctx.out.row(
            &mut t,
            [
                c.id.clone(),
                c.name.clone(),
                c.gateway.clone(),
                if c.active { "works" } else { "discontinued" }.to_string(),
            ],
        );
    }
    ctx.out.table(t)?;
    Ok(0)
}
