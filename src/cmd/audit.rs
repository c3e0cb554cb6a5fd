//! `safecode audit [USER]`: the audit log, newest first; `--verify` walks the chain.

use serde_json::json;

use super::valid_username;
use crate::Ctx;
use crate::cli::AuditArgs;
use crate::clock;
use crate::config::parse_duration;
use crate::contact::printable;
use crate::error;

pub fn run(a: AuditArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    if a.verify {
        let (checked, bad) = store.read(|tx| tx.audit_verify())?;
        return match bad {
            None => {
                if ctx.out.json {
                    ctx.out
                        .json(&json!({"ok": true, "rows_checked": checked}))?;
                } else {
                    ctx.out
                        .say(&format!("Audit log intact: {checked} rows checked."))?;
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
