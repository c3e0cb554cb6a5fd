//! SafeCodes, sends (for the rate limit), failure counters and reset windows.
//! Codes are stored only as salted HMAC digests; the clear code never reaches SQL.

use rusqlite::{OptionalExtension, Row, params};

use super::{SqlContext, Tx};
use crate::channel::Channel;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A password reset.
    Reset,
    /// Confirming a newly registered contact.
    Confirm,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Confirm => "confirm",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub channel: Channel,
    pub destination: String,
    pub salt: Vec<u8>,
    pub digest: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: u32,
    /// `live`, `used` or `voided`.
    pub state: String,
    pub void_reason: Option<String>,
}

/// A new code's stored form.
pub struct NewCode<'a> {
    pub user_id: i64,
    pub purpose: Purpose,
    pub channel: Channel,
    pub destination: &'a str,
    pub salt: &'a [u8],
    pub digest: &'a [u8],
    pub created_at: i64,
    pub expires_at: i64,
}

const CODE_COLS: &str = "id, user_id, purpose, channel, destination, salt, digest, created_at, \
                         expires_at, attempts, state, void_reason";

fn code_from(r: &Row<'_>) -> rusqlite::Result<CodeRow> {
    let ch: String = r.get(3)?;
    Ok(CodeRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        purpose: r.get(2)?,
        channel: ch.parse().map_err(|e: String| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?,
        destination: r.get(4)?,
        salt: r.get(5)?,
        digest: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
        attempts: r.get(9)?,
        state: r.get(10)?,
        void_reason: r.get(11)?,
    })
}

impl Tx<'_> {
    /// Send times for a user since `since`, newest first (for the rate limit).
    pub fn sends_since(&self, user_id: i64, since: i64) -> anyhow::Result<Vec<i64>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT at FROM sends WHERE user_id = ?1 AND at > ?2 ORDER BY at DESC")
            .db()?;
        let rows = st.query_map(params![user_id, since], |r| r.get(0)).db()?;
        rows.collect::<Result<Vec<i64>, _>>().db()
    }

    /// Records a send attempt; returns its id so the outcome can be filled in.
    pub fn record_send(
        &self,
        user_id: i64,
        at: i64,
        purpose: Purpose,
        channel: Channel,
    ) -> anyhow::Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO sends (user_id, at, purpose, channel, ok) VALUES (?1, ?2, ?3, ?4, 1)",
            )
            .db()?
            .execute(params![user_id, at, purpose.as_str(), channel.as_str()])
            .db()?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Removes the record of a send whose delivery failed: it counts neither for
    /// the rate limit nor for fees (the audit log keeps the failure).
    pub fn forget_send(&self, send_id: i64) -> anyhow::Result<()> {
        self.tx
            .execute("DELETE FROM sends WHERE id = ?1", [send_id])
            .db()?;
        Ok(())
    }

    pub fn mark_send_failed(&self, send_id: i64) -> anyhow::Result<()> {
        self.tx
            .execute("UPDATE sends SET ok = 0 WHERE id = ?1", [send_id])
            .db()?;
        Ok(())
    }

    /// Voids the user's live codes of a purpose (optionally only for one channel).
    pub fn void_live_codes(
        &self,
        user_id: i64,
        purpose: Purpose,
        channel: Option<Channel>,
        reason: &str,
        now: i64,
    ) -> anyhow::Result<usize> {
        self.tx
            .prepare_cached(
                "UPDATE codes SET state = 'voided', void_reason = ?4, closed_at = ?5 \
                 WHERE user_id = ?1 AND purpose = ?2 AND state = 'live' \
                 AND (?3 IS NULL OR channel = ?3)",
            )
            .db()?
            .execute(params![
                user_id,
                purpose.as_str(),
                channel.map(Channel::as_str),
                reason,
                now
            ])
            .db()
    }

    /// Voids the user's live codes of any purpose sent to one address: the contact
    /// there changed or went away, so a code it received must not work.
    pub fn void_codes_to(
        &self,
        user_id: i64,
        channel: Channel,
        address: &str,
        reason: &str,
        now: i64,
    ) -> anyhow::Result<usize> {
        self.tx
            .prepare_cached(
                "UPDATE codes SET state = 'voided', void_reason = ?4, closed_at = ?5 \
                 WHERE user_id = ?1 AND state = 'live' AND channel = ?2 AND destination = ?3",
            )
            .db()?
            .execute(params![user_id, channel.as_str(), address, reason, now])
            .db()
    }

    /// Closes the user's open reset windows (a contact changed: whoever verified a
    /// code must verify again). Returns how many were open.
    pub fn close_windows(&self, user_id: i64, now: i64) -> anyhow::Result<usize> {
        self.tx
            .prepare_cached(
                "UPDATE reset_windows SET used_at = ?2 \
                 WHERE user_id = ?1 AND used_at IS NULL AND expires_at > ?2",
            )
            .db()?
            .execute(params![user_id, now])
            .db()
    }

    pub fn insert_code(&self, c: &NewCode<'_>) -> anyhow::Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO codes (user_id, purpose, channel, destination, salt, digest, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .db()?
            .execute(params![
                c.user_id,
                c.purpose.as_str(),
                c.channel.as_str(),
                c.destination,
                c.salt,
                c.digest,
                c.created_at,
                c.expires_at
            ])
            .db()?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn void_code(&self, code_id: i64, reason: &str, now: i64) -> anyhow::Result<()> {
        self.tx
            .execute(
                "UPDATE codes SET state = 'voided', void_reason = ?2, closed_at = ?3 \
                 WHERE id = ?1 AND state = 'live'",
                params![code_id, reason, now],
            )
            .db()?;
        Ok(())
    }

    /// Live (not used, not voided) codes of a purpose, newest first. They may have
    /// expired: the caller compares `expires_at` with its clock.
    pub fn live_codes(&self, user_id: i64, purpose: Purpose) -> anyhow::Result<Vec<CodeRow>> {
        let mut st = self
            .tx
            .prepare_cached(&format!(
                "SELECT {CODE_COLS} FROM codes WHERE user_id = ?1 AND purpose = ?2 \
                 AND state = 'live' ORDER BY id DESC"
            ))
            .db()?;
        let rows = st
            .query_map(params![user_id, purpose.as_str()], code_from)
            .db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }

    /// The most recent code of a purpose in any state (to explain a rejection).
    pub fn latest_code(&self, user_id: i64, purpose: Purpose) -> anyhow::Result<Option<CodeRow>> {
        self.tx
            .prepare_cached(&format!(
                "SELECT {CODE_COLS} FROM codes WHERE user_id = ?1 AND purpose = ?2 \
                 ORDER BY id DESC LIMIT 1"
            ))
            .db()?
            .query_row(params![user_id, purpose.as_str()], code_from)
            .optional()
            .db()
    }

    /// Records one wrong entry against a code; returns the new attempt count.
    pub fn code_attempt(&self, code_id: i64) -> anyhow::Result<u32> {
        self.tx
            .query_row(
                "UPDATE codes SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts",
                [code_id],
                |r| r.get(0),
            )
            .db()
    }

    /// Marks a live code used. Returns false if it was no longer live, which inside
    /// an IMMEDIATE transaction cannot happen, but is checked anyway.
    pub fn consume_code(&self, code_id: i64, now: i64) -> anyhow::Result<bool> {
        let n = self
            .tx
            .execute(
                "UPDATE codes SET state = 'used', closed_at = ?2 WHERE id = ?1 AND state = 'live'",
                params![code_id, now],
            )
            .db()?;
        Ok(n == 1)
    }

    /// One more consecutive failure; returns the new count.
    pub fn add_failure(&self, user_id: i64) -> anyhow::Result<u32> {
        self.tx
            .query_row(
                "UPDATE users SET failures = failures + 1 WHERE id = ?1 RETURNING failures",
                [user_id],
                |r| r.get(0),
            )
            .db()
    }

    pub fn clear_failures(&self, user_id: i64) -> anyhow::Result<()> {
        self.tx
            .execute("UPDATE users SET failures = 0 WHERE id = ?1", [user_id])
            .db()?;
        Ok(())
    }

    pub fn lock_user(&self, user_id: i64, now: i64) -> anyhow::Result<()> {
        self.tx
            .execute(
                "UPDATE users SET locked_at = ?2 WHERE id = ?1 AND locked_at IS NULL",
                params![user_id, now],
            )
            .db()?;
        Ok(())
    }

    /// Opens a reset window, closing any earlier open one.
    pub fn open_window(
        &self,
        user_id: i64,
        code_id: i64,
        now: i64,
        until: i64,
    ) -> anyhow::Result<()> {
        self.tx
            .execute(
                "UPDATE reset_windows SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
                params![user_id, now],
            )
            .db()?;
        self.tx
            .execute(
                "INSERT INTO reset_windows (user_id, code_id, opened_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![user_id, code_id, now, until],
            )
            .db()?;
        Ok(())
    }

    /// The open, unused reset window at `now`: (id, expires_at).
    pub fn open_window_at(&self, user_id: i64, now: i64) -> anyhow::Result<Option<(i64, i64)>> {
        self.tx
            .query_row(
                "SELECT id, expires_at FROM reset_windows WHERE user_id = ?1 AND used_at IS NULL \
                 AND opened_at <= ?2 AND expires_at > ?2 ORDER BY id DESC LIMIT 1",
                params![user_id, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .db()
    }

    /// Uses up a window (one password change per window).
    pub fn use_window(&self, window_id: i64, now: i64) -> anyhow::Result<bool> {
        let n = self
            .tx
            .execute(
                "UPDATE reset_windows SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                params![window_id, now],
            )
            .db()?;
        Ok(n == 1)
    }
}
