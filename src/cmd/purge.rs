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

/// Batches between WAL checkpoints (see [`Store::defer_checkpoints`]).
const BATCHES_PER_CHECKPOINT: u32 = 20;

/// Deletes every purgeable row of one kind, batch by batch.
fn purge_all(store: &mut Store, kind: PurgeKind, cutoff: i64, now: i64) -> anyhow::Result<u64> {
    let mut after = 0i64;
    let mut total = 0u64;
    let mut batches = 0u32;
    loop {
        let (n, upper) = store.purge_batch(kind, after, cutoff, now)?;
        total += n;
        batches += 1;
        if batches.is_multiple_of(BATCHES_PER_CHECKPOINT) {
            store.checkpoint()?;
        }
        match upper {
            Some(id) => after = id,
            None => {
                store.checkpoint()?;
                return Ok(total);
            }
        }
    }
}

pub fn run(a: PurgeArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let older = age("--older-than", a.older_than.as_deref())?.unwrap_or(0);
    // The audit log is kept at least `[audit] retention` (default 400d, never
    // below 30d): `--audit-older-than 0s` must not wipe it without a word.
    let retention = ctx.config.audit.retention.as_i64();
    let asked = age("--audit-older-than", a.audit_older_than.as_deref())?;
    let audit_older = asked.map(|d| d.max(retention));
    let kept_note = match asked {
        Some(d) if d < retention => format!(
            " Audit rows younger than {} ([audit] retention) were kept.",
            clock::span(retention)
        ),
        _ => String::new(),
    };
    let mut store = ctx.open()?;
    store.defer_checkpoints()?;
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
            "Purged {} codes, {} reset windows, {} audit rows.{kept_note}",
            p.codes, p.reset_windows, p.audit_rows
        ))?;
    }
    Ok(0)
}
