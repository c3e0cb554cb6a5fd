//! `safecode stats`: enrollment and code figures, for people, `--json`, or
//! node_exporter's textfile collector (`--prometheus`).
//!
//! Where the figures come from: codes issued = audit `issue`/`created`; verified =
//! audit `verify`/`ok`; rejected = audit `verify` with any other outcome; failed to
//! deliver = audit `deliver`/`failed`; SMS sent = `sends` on channel sms accepted by
//! the transport; expired = codes still `live` past their expiry, from the codes
//! table, so a `purge` removes them from the figure (run `stats` before `purge`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::Ctx;
use crate::cli::StatsArgs;
use crate::clock;
use crate::error;
use crate::store::Tx;

#[derive(Debug, Serialize)]
struct Users {
    enrolled: u64,
    may_skip: u64,
    must_register: u64,
    /// Locked after too many wrong codes (counted beside their enrollment state).
    locked: u64,
}

#[derive(Debug, Serialize)]
struct ContactCount {
    channel: String,
    carrier: Option<String>,
    confirmed: bool,
    count: u64,
}

#[derive(Debug, Serialize)]
struct Codes {
    issued: u64,
    verified: u64,
    rejected: u64,
    expired: u64,
    failed_to_deliver: u64,
    sms_sent: u64,
}

#[derive(Debug, Serialize)]
struct Stats {
    at: String,
    users: Users,
    contacts: Vec<ContactCount>,
    last_24h: Codes,
    last_30d: Codes,
}

const WINDOWS: [(&str, i64); 2] = [("24h", 86_400), ("30d", 30 * 86_400)];

fn codes(tx: &Tx<'_>, since: i64, now: i64) -> anyhow::Result<Codes> {
    Ok(Codes {
        issued: tx.audit_count("issue", Some("created"), None, since)?,
        verified: tx.audit_count("verify", Some("ok"), None, since)?,
        rejected: tx.audit_count("verify", None, Some("ok"), since)?,
        expired: tx.codes_expired_since(since, now)?,
        failed_to_deliver: tx.audit_count("deliver", Some("failed"), None, since)?,
        sms_sent: tx.sends_ok_since("sms", since)?,
    })
}

pub fn run(a: StatsArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    if a.prometheus && ctx.out.json {
        return Err(
            error::usage("--json and --prometheus are two different formats")
                .hint("pass one of them")
                .into(),
        );
    }
    let mut store = ctx.open()?;
    let now = clock::now();
    let max_skips = ctx.config.policy.max_skips;
    let s = store.read(|tx| {
        let (enrolled, may_skip, must_register) = tx.users_by_state(max_skips)?;
        let locked = tx.users_locked()?;
        let contacts = tx
            .contacts_by_channel()?
            .into_iter()
            .map(|(channel, carrier, confirmed, count)| ContactCount {
                channel,
                carrier: (!carrier.is_empty()).then_some(carrier),
                confirmed,
                count,
            })
            .collect();
        Ok(Stats {
            at: clock::rfc3339(now),
            users: Users {
                enrolled,
                may_skip,
                must_register,
                locked,
            },
            contacts,
            last_24h: codes(tx, now - WINDOWS[0].1, now)?,
            last_30d: codes(tx, now - WINDOWS[1].1, now)?,
        })
    })?;
    if a.prometheus {
        ctx.out.data(&prometheus(&s))?;
        return Ok(0);
    }
    if ctx.out.json {
        ctx.out.json(&s)?;
        return Ok(0);
    }
    let mut t = ctx.out.new_table(&["users", "count"]);
    t.add_row(["enrolled".to_string(), s.users.enrolled.to_string()]);
    t.add_row(["may skip".to_string(), s.users.may_skip.to_string()]);
    t.add_row([
        "must register".to_string(),
        s.users.must_register.to_string(),
    ]);
    t.add_row(["locked".to_string(), s.users.locked.to_string()]);
    ctx.out.table(t)?;
    let mut t = ctx
        .out
        .new_table(&["contacts", "carrier", "confirmed", "count"]);
    for c in &s.contacts {
        t.add_row([
            c.channel.clone(),
            c.carrier.clone().unwrap_or_else(|| "-".into()),
            if c.confirmed { "yes" } else { "no" }.to_string(),
            c.count.to_string(),
        ]);
    }
    ctx.out.table(t)?;
    let mut t = ctx.out.new_table(&["codes", "24 h", "30 days"]);
    type Figure = fn(&Codes) -> u64;
    let rows: [(&str, Figure); 6] = [
        ("issued", |c| c.issued),
        ("verified", |c| c.verified),
        ("rejected", |c| c.rejected),
        ("expired unused", |c| c.expired),
        ("failed to deliver", |c| c.failed_to_deliver),
        ("SMS sent", |c| c.sms_sent),
    ];
    for (label, f) in rows {
        t.add_row([
            label.to_string(),
            f(&s.last_24h).to_string(),
            f(&s.last_30d).to_string(),
        ]);
    }
    ctx.out.table(t)?;
    Ok(0)
}

/// Label values escaped as the exposition format wants (`\`, `"`, newline).
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn prometheus(s: &Stats) -> String {
    let mut o = String::new();
    let mut gauge = |name: &str, help: &str, samples: Vec<(String, u64)>| {
        let _ = writeln!(o, "# HELP safecode_{name} {help}");
        let _ = writeln!(o, "# TYPE safecode_{name} gauge");
        for (labels, v) in samples {
            if labels.is_empty() {
                let _ = writeln!(o, "safecode_{name} {v}");
            } else {
                let _ = writeln!(o, "safecode_{name}{{{labels}}} {v}");
            }
        }
    };
    gauge(
        "users",
        "Users by enrollment state.",
        vec![
            ("state=\"enrolled\"".into(), s.users.enrolled),
            ("state=\"may-skip\"".into(), s.users.may_skip),
            ("state=\"must-register\"".into(), s.users.must_register),
        ],
    );
    gauge(
        "users_locked",
        "Users locked after too many consecutive wrong codes (`safecode user unlock`).",
        vec![(String::new(), s.users.locked)],
    );
    gauge(
        "contacts",
        "Registered contacts by channel, carrier and confirmation.",
        s.contacts
            .iter()
            .map(|c| {
                (
                    format!(
                        "channel=\"{}\",carrier=\"{}\",confirmed=\"{}\"",
                        label(&c.channel),
                        label(c.carrier.as_deref().unwrap_or("")),
                        c.confirmed
                    ),
                    c.count,
                )
            })
            .collect(),
    );
    let per_window = |f: fn(&Codes) -> u64| {
        vec![
            (format!("window=\"{}\"", WINDOWS[0].0), f(&s.last_24h)),
            (format!("window=\"{}\"", WINDOWS[1].0), f(&s.last_30d)),
        ]
    };
    gauge(
        "codes_issued",
        "Reset and confirmation codes issued in the window.",
        per_window(|c| c.issued),
    );
    gauge(
        "codes_verified",
        "Successful reset code verifications in the window.",
        per_window(|c| c.verified),
    );
    gauge(
        "codes_rejected",
        "Rejected reset code verifications (wrong, expired, used, none, locked) in the window.",
        per_window(|c| c.rejected),
    );
    gauge(
        "codes_expired",
        "Codes that expired unused in the window (not yet purged).",
        per_window(|c| c.expired),
    );
    gauge(
        "codes_delivery_failed",
        "Codes whose delivery failed in the window.",
        per_window(|c| c.failed_to_deliver),
    );
    gauge(
        "sms_sent",
        "SMS messages accepted by the transport in the window (fees).",
        per_window(|c| c.sms_sent),
    );
    o
}
