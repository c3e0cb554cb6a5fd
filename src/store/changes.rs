//! What the password-change flow and `authenticate` need beyond codes and windows:
//! releasing a claimed window after an outside target failed, recording a change
//! an outside target made, finding changes that started without an outcome, and
//! the cost that stored hashes use.

use rusqlite::{OptionalExtension, params};

use super::{SqlContext, Store, Tx, sql_err};
use crate::clock;
use crate::error::Error;

/// A `password.set started` audit row with no `ok` or `failed` row after it for
/// the same window: safecode stopped between asking the target and recording
/// its answer.
#[derive(Debug, Clone)]
pub struct UnfinishedChange {
    pub at: i64,
    pub username: Option<String>,
    pub detail: Option<String>,
}

/// The `window N:` tag that pairs a change's `started` row with its outcome.
pub fn window_tag(window_id: i64) -> String {
    format!("window {window_id}:")
}

impl Tx<'_> {
    /// Gives back a window claimed for a change whose target failed, so that the
    /// change can be retried within the window's time. Not when a newer window
    /// was opened meanwhile (only the newest one admits a change), nor when a
    /// contact of the user changed since the claim (a contact change closes the
    /// user's windows: whoever verified must verify again).
    /// `since_audit_id` is the audit row of the claim (see [`Tx::last_audit_id`]).
    pub fn release_window(&self, window_id: i64, since_audit_id: i64) -> anyhow::Result<bool> {
        let n = self
            .tx
            .execute(
                "UPDATE reset_windows SET used_at = NULL WHERE id = ?1 AND used_at IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM reset_windows w WHERE w.user_id = reset_windows.user_id \
                     AND w.id > reset_windows.id) \
                 AND NOT EXISTS (SELECT 1 FROM audit a JOIN users u ON u.id = reset_windows.user_id \
                     WHERE a.username = u.username COLLATE NOCASE AND a.action LIKE 'contact.%' \
                     AND a.id > ?2)",
                params![window_id, since_audit_id],
            )
            .db()?;
        Ok(n == 1)
    }

    /// The id of the newest audit row (the one this transaction just wrote).
    pub fn last_audit_id(&self) -> anyhow::Result<i64> {
        self.tx
            .query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))
            .db()
    }

    /// Opens a reset window for a code just accepted and returns its id.
    pub fn open_window_id(
        &self,
        user_id: i64,
        code_id: i64,
        now: i64,
        until: i64,
    ) -> anyhow::Result<i64> {
        self.open_window(user_id, code_id, now, until)?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Records a password an outside target now holds: the change time and the
    /// must-change flag; any builtin hash left from before is no longer the
    /// password and is dropped.
    pub fn record_outside_password(&self, user_id: i64, must_change: bool) -> anyhow::Result<()> {
        let now = clock::now();
        self.tx
            .execute(
                "UPDATE users SET password_hash = NULL, password_changed_at = ?2, \
                 must_change_password = ?3, updated_at = ?2 WHERE id = ?1",
                params![user_id, now, must_change],
            )
            .db()?;
        Ok(())
    }

    /// Replaces a stored hash by a stronger one of the same password, unless it
    /// changed meanwhile. The change time and flags stay as they are.
    pub fn rehash_password(&self, user_id: i64, old: &str, new: &str) -> anyhow::Result<bool> {
        let n = self
            .tx
            .execute(
                "UPDATE users SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2",
                params![user_id, old, new],
            )
            .db()?;
        Ok(n == 1)
    }

    /// One more consecutive failure for the user of that name, if there is one:
    /// the same statement runs for a name that does not exist. Returns the new
    /// count and the user's id.
    pub fn add_failure_named(&self, username: &str) -> anyhow::Result<Option<(u32, i64)>> {
        self.tx
            .query_row(
                "UPDATE users SET failures = failures + 1 WHERE username = ?1 \
                 RETURNING failures, id",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .db()
    }

    /// Up to 64 stored hashes, for the cost most of them use. Read on every
    /// `authenticate`, whether the user exists or not.
    pub fn sample_password_hashes(&self) -> anyhow::Result<Vec<String>> {
        let mut st = self
            .tx
            .prepare_cached(
                "SELECT password_hash FROM users WHERE password_hash IS NOT NULL LIMIT 64",
            )
            .db()?;
        let rows = st.query_map([], |r| r.get(0)).db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }
}

impl Store {
    /// Password changes that started at an outside target and have no outcome.
    pub fn unfinished_password_changes(&self) -> Result<Vec<UnfinishedChange>, Error> {
        let sql = "SELECT s.at, s.username, s.detail FROM audit s \
             WHERE s.action = 'password.set' AND s.outcome = 'started' \
             AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.id > s.id \
                 AND o.action = 'password.set' AND o.outcome IN ('ok', 'failed') \
                 AND o.username IS s.username \
                 AND substr(o.detail, 1, instr(s.detail, ':')) = substr(s.detail, 1, instr(s.detail, ':'))) \
             ORDER BY s.id";
        let mut st = self.conn.prepare(sql).map_err(|e| sql_err(&self.path, e))?;
        let rows = st
            .query_map([], |r| {
                Ok(UnfinishedChange {
                    at: r.get(0)?,
                    username: r.get(1)?,
                    detail: r.get(2)?,
                })
            })
            .map_err(|e| sql_err(&self.path, e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| sql_err(&self.path, e))
    }
}
