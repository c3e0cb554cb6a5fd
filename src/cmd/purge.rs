//! `safecode purge`: deletes codes and reset windows that can no longer be used,
//! and optionally old audit rows, in short batches so agents are never held up.

use serde::Serialize;

use crate::Ctx;
use crate::cli::PurgeArgs;
use crate::clock;
use crate::config::parse_duration;
use crate::error;
use crate::store::{AuditEntry, PurgeKind, Store};

#[derive(Debug, Default, Serialize)]
struct Purged {
    codes: u64,
    reset_windows: u64,
    audit_rows: u64,
}

fn age(flag: &str, v: Option<&str>) -> Result<Option<i64>, error::Error> {
    v.map(|t| {
        parse_duration(t)
            .map(|s| s.as_i64())
            .map_err(|why| error::usage(format!("{flag}: {why}")))
    })
    .transpose()
}

/// Deletes every purgeable row of one kind, batch by batch.
fn purge_all(store: &mut Store, kind: PurgeKind, cutoff: i64, now: i64) -> anyhow::Result<u64> {
    let mut after = 0i64;
    let mut total = 0u64;
    loop {
        let (n, upper) = store.purge_batch(kind, after, cutoff, now)?;
        total += n;
        match upper {
            Some(id) => after = id,
            None => return Ok(total),
        }
    }
}

pub fn run(a: PurgeArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let older = age("--older-than", a.older_than.as_deref())?.unwrap_or(0);
    let audit_older = age("--audit-older-than", a.audit_older_than.as_deref())?;
    let mut store = ctx.open()?;
    let now = clock::now();
    let cutoff = now.saturating_sub(older);
    let mut p = Purged {
        codes: purge_all(&mut store, PurgeKind::Codes, cutoff, now)?,
        reset_windows: purge_all(&mut store, PurgeKind::Windows, cutoff, now)?,
        audit_rows: 0,
    };
    if let Some(d) = audit_older {
        p.audit_rows = purge_all(&mut store, PurgeKind::Audit, now.saturating_sub(d), now)?;
    }
    store.write(|tx| {
        tx.audit(AuditEntry {
            username: None,
            action: "purge",
            outcome: "ok",
            detail: Some(format!(
                "codes {}, reset windows {}, audit rows {} (older than {}{})",
                p.codes,
                p.reset_windows,
                p.audit_rows,
                clock::span(older),
                audit_older
                    .map(|d| format!("; audit older than {}", clock::span(d)))
                    .unwrap_or_default()
            )),
        })
    })?;
    if ctx.out.json {
        ctx.out.json(&p)?;
    } else {
        ctx.out.say(&format!(
            "Purged {} codes, {} reset windows, {} audit rows.",
            p.codes, p.reset_windows, p.audit_rows
        ))?;
    }
    Ok(0)
}
