//! The append-only audit log with its hash chain.
//!
//! Each row stores the previous row's hash and its own:
//! `hash = SHA-256(prev_hash || 0x1f || at || 0x1f || os_user || ... )`. Changing,
//! inserting or deleting a row in the middle breaks the chain at that row. Purging
//! old rows removes a prefix; the purge itself is recorded as a row.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{SqlContext, Tx};
use crate::clock;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a command records. No secrets: never a code, never a password.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub username: Option<&'a str>,
    /// e.g. `user.add`, `enroll`, `issue`, `verify`.
    pub action: &'a str,
    /// e.g. `ok`, `refused`, `wrong`, `expired`.
    pub outcome: &'a str,
    /// Free text without secrets: masked destinations, counts, reasons.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    #[serde(serialize_with = "ser_time")]
    pub at: i64,
    pub os_user: String,
    pub actor: Option<String>,
    pub username: Option<String>,
    pub action: String,
    pub outcome: String,
    pub detail: Option<String>,
    #[serde(skip)]
    pub prev_hash: String,
    #[serde(skip)]
    pub hash: String,
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&clock::rfc3339(*t))
}

/// The chained hash of one row.
#[allow(clippy::too_many_arguments)]
pub fn row_hash(
    prev: &str,
    at: i64,
    os_user: &str,
    actor: Option<&str>,
    username: Option<&str>,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at.to_string(),
        os_user,
        actor.unwrap_or("\u{0}"),
        username.unwrap_or("\u{0}"),
        action,
        outcome,
        detail.unwrap_or("\u{0}"),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl AuditRow {
    pub fn computed_hash(&self) -> String {
        row_hash(
            &self.prev_hash,
            self.at,
            &self.os_user,
            self.actor.as_deref(),
            self.username.as_deref(),
            &self.action,
            &self.outcome,
            self.detail.as_deref(),
        )
    }
}

impl Tx<'_> {
    /// Appends one row. Runs inside the caller's write transaction, so the chain
    /// is serialised and the row commits or rolls back with the change it records.
    pub fn audit(&self, e: AuditEntry<'_>) -> anyhow::Result<()> {
        let prev: String = self
            .tx
            .prepare_cached("SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
            .db()?
            .query_row([], |r| r.get(0))
            .optional()
            .db()?
            .unwrap_or_else(|| GENESIS.to_string());
        let at = clock::now();
        let who = self.who;
        let hash = row_hash(
            &prev,
            at,
            &who.os_user,
            who.actor.as_deref(),
            e.username,
            e.action,
            e.outcome,
            e.detail.as_deref(),
        );
        self.tx
            .prepare_cached(
                "INSERT INTO audit (at, os_user, actor, username, action, outcome, detail, prev_hash, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .db()?
            .execute(params![
                at,
                who.os_user,
                who.actor,
                e.username,
                e.action,
                e.outcome,
                e.detail,
                prev,
                hash
            ])
            .db()?;
        Ok(())
    }

    /// Audit rows, newest first.
    pub fn audit_rows(
        &self,
        username: Option<&str>,
        since: Option<i64>,
        limit: Option<u32>,
    ) -> anyhow::Result<Vec<AuditRow>> {
        let mut st = self
            .tx
            .prepare(
                "SELECT id, at, os_user, actor, username, action, outcome, detail, prev_hash, hash \
                 FROM audit WHERE (?1 IS NULL OR username = ?1 COLLATE NOCASE) \
                 AND (?2 IS NULL OR at >= ?2) ORDER BY id DESC LIMIT ?3",
            )
            .db()?;
        let lim = limit.map(i64::from).unwrap_or(-1);
        let rows = st.query_map(params![username, since, lim], row_from).db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }

    /// Where the chain starts: the oldest row's id, the hash it links to (the
    /// genesis hash unless older rows were purged) and its own hash.
    pub fn audit_chain_start(&self) -> anyhow::Result<Option<(i64, String, String)>> {
        self.tx
            .query_row(
                "SELECT id, prev_hash, hash FROM audit ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .db()
    }

    /// Walks the chain oldest first; returns the first row that does not match, and
    /// how many rows were checked.
    pub fn audit_verify(&self) -> anyhow::Result<(u64, Option<(AuditRow, &'static str)>)> {
        let mut st = self
            .tx
            .prepare(
                "SELECT id, at, os_user, actor, username, action, outcome, detail, prev_hash, hash \
                 FROM audit ORDER BY id",
            )
            .db()?;
        let mut rows = st.query([]).db()?;
        let mut prev: Option<String> = None;
        let mut n = 0u64;
        while let Some(r) = rows.next().db()? {
            let row = row_from(r).db()?;
            n += 1;
            if let Some(p) = &prev
                && *p != row.prev_hash
            {
                return Ok((
                    n,
                    Some((
                        row,
                        "does not follow the previous row (a row was removed or inserted)",
                    )),
                ));
            }
            if row.computed_hash() != row.hash {
                return Ok((
                    n,
                    Some((
                        row,
                        "its contents do not match its hash (the row was changed)",
                    )),
                ));
            }
            prev = Some(row.hash.clone());
        }
        Ok((n, None))
    }
}

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get(1)?,
        os_user: r.get(2)?,
        actor: r.get(3)?,
        username: r.get(4)?,
        action: r.get(5)?,
        outcome: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}
