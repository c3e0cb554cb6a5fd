//! `safecode audit [USER]`: the audit log, newest first; `--verify` walks the chain.

use serde_json::json;

use super::valid_username;
use crate::Ctx;
use crate::cli::AuditArgs;
use crate::clock;
use crate::config::parse_duration;
use crate::contact::printable;
use crate::error;

/// The first 12 hex digits of a hash, enough to compare with a mirror by eye.
fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

pub fn run(a: AuditArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    if a.verify {
        let (checked, bad) = store.read(|tx| tx.audit_verify())?;
        let start = store.read(|tx| tx.audit_chain_start())?;
        // Where the chain starts: a purge removes a prefix, so say from where the
        // rows checked run, and what the first one links back to.
        let start_text = match &start {
            None => "the log is empty".to_string(),
            Some((id, prev, hash)) if prev == crate::store::AUDIT_GENESIS => {
                format!(
                    "the chain starts at row {id} (hash {}), the first row ever written",
                    short(hash)
                )
            }
            Some((id, prev, hash)) => format!(
                "the chain starts at row {id} (hash {}), after rows purged up to hash {}",
                short(hash),
                short(prev)
            ),
        };
        return match bad {
            None => {
                if ctx.out.json {
                    ctx.out.json(&json!({
                        "ok": true,
                        "rows_checked": checked,
                        "first_row": start.as_ref().map(|(id, _, _)| *id),
                        "first_hash": start.as_ref().map(|(_, _, h)| h.clone()),
                        "first_prev_hash": start.as_ref().map(|(_, p, _)| p.clone()),
                    }))?;
                } else {
                    ctx.out.say(&format!(
                        "Audit log intact: {checked} rows checked; {start_text}."
                    ))?;
                }
                Ok(0)
            }
            Some((row, why)) => {
                if ctx.out.json {
                    ctx.out.json(&json!({
                        "ok": false, "rows_checked": checked, "first_bad_row": row.id, "reason": why,
                    }))?;
                }
                Err(error::other(format!(
                    "audit row {} ({} {} {}): {why}",
                    row.id,
                    clock::rfc3339(row.at),
                    printable(&row.action),
                    printable(row.username.as_deref().unwrap_or("-")),
                ))
                .hint("the audit log was changed outside safecode; keep a copy of the database for the investigation")
                .into())
            }
        };
    }
    if let Some(u) = &a.user {
        valid_username(u)?;
    }
    let since = match a.since.as_deref() {
        Some(t) => Some(
            clock::now().saturating_sub(
                parse_duration(t)
                    .map_err(|why| error::usage(format!("--since: {why}")))?
                    .as_i64(),
            ),
        ),
        None => None,
    };
    let limit = match a.limit {
        Some(0) => None,
        Some(n) => Some(n),
        None => Some(50),
    };
    let rows = store.read(|tx| tx.audit_rows(a.user.as_deref(), since, limit))?;
    if ctx.out.json {
        ctx.out.json(&rows)?;
        return Ok(0);
    }
    if rows.is_empty() {
        ctx.out.say("No audit rows.")?;
        return Ok(0);
    }
    let mut t = ctx.out.new_table(&[
        "id", "at", "os user", "actor", "user", "action", "outcome", "detail",
    ]);
    for r in &rows {
        t.add_row([
            r.id.to_string(),
            clock::human(r.at),
            printable(&r.os_user),
            printable(r.actor.as_deref().unwrap_or("")),
            printable(r.username.as_deref().unwrap_or("")),
            printable(&r.action),
            printable(&r.outcome),
            printable(r.detail.as_deref().unwrap_or("")),
        ]);
    }
    ctx.out.table(t)?;
    Ok(0)
}
