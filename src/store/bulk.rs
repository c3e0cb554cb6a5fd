//! Bulk operations: the export query, purge in short batches, and the figures
//! behind `stats`. Import itself uses the ordinary per-user operations in
//! `users.rs` (prepared once, cached) inside one transaction.

use std::cell::{RefCell, RefMut};

use rusqlite::{OptionalExtension, Statement, params};

use super::users::{ContactSink, PUT_CONTACT};
use super::{Contact, SqlContext, Store, Tx, User, sql_err};
use crate::clock;
use crate::error::{self, Error};

/// One user as `export` writes it (the import columns plus confirmation flags).
#[derive(Debug, Clone, Default)]
pub struct ExportRow {
    pub username: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub carrier: Option<String>,
    pub phone_confirmed: bool,
    pub email: Option<String>,
    pub email_confirmed: bool,
}

/// What one purge batch removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeKind {
    /// Codes used, voided, or expired while live.
    Codes,
    /// Reset windows used or expired.
    Windows,
    /// Audit rows older than the cutoff (a prefix of the chain only).
    Audit,
}

/// Rows deleted per short transaction: agents wait at most one batch.
pub const PURGE_BATCH: i64 = 10_000;

// A code or window is purgeable only once it can no longer be used: closed (used or
// voided) or past its expiry. `?1` is the cutoff (now - --older-than), `?2` now.
const CODES_DONE: &str = "((state <> 'live' AND COALESCE(closed_at, expires_at) <= ?1) \
     OR (state = 'live' AND expires_at < ?2 AND expires_at <= ?1))";
const WINDOWS_DONE: &str = "((used_at IS NOT NULL AND used_at <= ?1) \
     OR (used_at IS NULL AND expires_at < ?2 AND expires_at <= ?1))";

impl Tx<'_> {
    /// Every user with their contacts, by username, passed to `each` one at a time
    /// (the export streams; it never holds the whole table).
    pub fn each_export_row(
        &self,
        mut each: impl FnMut(ExportRow) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut st = self
            .tx
            .prepare(
                "SELECT u.username, u.name, p.address, p.carrier, p.confirmed_at IS NOT NULL, \
                 e.address, e.confirmed_at IS NOT NULL \
                 FROM users u \
                 LEFT JOIN contacts p ON p.user_id = u.id AND p.channel = 'sms' \
                 LEFT JOIN contacts e ON e.user_id = u.id AND e.channel = 'email' \
                 ORDER BY u.username",
            )
            .db()?;
        let mut rows = st.query([]).db()?;
        while let Some(r) = rows.next().db()? {
            each(ExportRow {
                username: r.get(0).db()?,
                name: r.get(1).db()?,
                phone: r.get(2).db()?,
                carrier: r.get(3).db()?,
                phone_confirmed: r.get::<_, Option<bool>>(4).db()?.unwrap_or(false),
                email: r.get(5).db()?,
                email_confirmed: r.get::<_, Option<bool>>(6).db()?.unwrap_or(false),
            })?;
        }
        Ok(())
    }

    /// Starts an import's record of the usernames it has seen: a temporary table,
    /// kept in a file by [`Store::bulk_mode`], so duplicates are found in bounded
    /// memory whatever the size of the file.
    ///
    /// Also starts the list of change notices to send once the import has
    /// committed (a replaced contact is told, SPEC §1): on disk too, so a file that
    /// replaces a million phones does not hold a million notices in memory.
    fn start_seen_usernames(&self) -> anyhow::Result<()> {
        self.tx
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS import_seen \
                 (username TEXT PRIMARY KEY COLLATE NOCASE) WITHOUT ROWID; \
                 DELETE FROM temp.import_seen; \
                 CREATE TEMP TABLE IF NOT EXISTS import_notices \
                 (id INTEGER PRIMARY KEY, username TEXT NOT NULL, channel TEXT NOT NULL, \
                  address TEXT NOT NULL, carrier TEXT, confirmed INTEGER NOT NULL); \
                 DELETE FROM temp.import_notices;",
            )
            .db()
    }

    fn count(&self, sql: &str, p: impl rusqlite::Params) -> anyhow::Result<u64> {
        let n: i64 = self.tx.query_row(sql, p, |r| r.get(0)).db()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Users as (enrolled, may-skip, must-register).
    pub fn users_by_state(&self, max_skips: u32) -> anyhow::Result<(u64, u64, u64)> {
        let (e, s, m): (i64, i64, i64) = self
            .tx
            .query_row(
                "SELECT coalesce(sum(enrolled), 0), \
                 coalesce(sum(NOT enrolled AND skips < ?1), 0), \
                 coalesce(sum(NOT enrolled AND skips >= ?1), 0) FROM ( \
                   SELECT u.skips, EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = u.id \
                     AND c.confirmed_at IS NOT NULL) AS enrolled FROM users u)",
                [max_skips],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .db()?;
        let n = |x: i64| u64::try_from(x).unwrap_or(0);
        Ok((n(e), n(s), n(m)))
    }

    /// Users locked after too many consecutive wrong codes.
    pub fn users_locked(&self) -> anyhow::Result<u64> {
        self.count("SELECT count(*) FROM users WHERE locked_at IS NOT NULL", [])
    }

    /// Contacts as (channel, carrier or "", confirmed, count).
    pub fn contacts_by_channel(&self) -> anyhow::Result<Vec<(String, String, bool, u64)>> {
        let mut st = self
            .tx
            .prepare(
                "SELECT channel, coalesce(carrier, ''), confirmed_at IS NOT NULL, count(*) \
                 FROM contacts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            )
            .db()?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                ))
            })
            .db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }

    /// Audit rows of an action since a time, with an outcome (`Some`) or with any
    /// outcome except `except` (`None` plus except).
    pub fn audit_count(
        &self,
        action: &str,
        outcome: Option<&str>,
        except: Option<&str>,
        since: i64,
    ) -> anyhow::Result<u64> {
        self.count(
            "SELECT count(*) FROM audit WHERE at >= ?1 AND action = ?2 \
             AND (?3 IS NULL OR outcome = ?3) AND (?4 IS NULL OR outcome <> ?4)",
            params![since, action, outcome, except],
        )
    }

    /// Codes that expired unused (still `live` past their expiry) since a time.
    /// Purge deletes them, so this counts those not yet purged.
    pub fn codes_expired_since(&self, since: i64, now: i64) -> anyhow::Result<u64> {
        self.count(
            "SELECT count(*) FROM codes WHERE state = 'live' AND expires_at >= ?1 AND expires_at < ?2",
            params![since, now],
        )
    }

    /// Sends accepted by the transport on a channel since a time (SMS fees).
    pub fn sends_ok_since(&self, channel: &str, since: i64) -> anyhow::Result<u64> {
        self.count(
            "SELECT count(*) FROM sends WHERE channel = ?1 AND ok = 1 AND at >= ?2",
            params![channel, since],
        )
    }
}

/// An import's per-row statements, prepared once and held for the whole
/// transaction: no statement-cache lookup (hashing the SQL text) per row.
pub struct BulkWriter<'t> {
    tx: &'t Tx<'t>,
    seen: RefCell<Statement<'t>>,
    add_user: RefCell<Statement<'t>>,
    put_contact: RefCell<Statement<'t>>,
    notice: RefCell<Statement<'t>>,
}

/// A contact an import replaced, to be told after the commit.
#[derive(Debug, Clone)]
pub struct ImportNotice {
    pub id: i64,
    pub username: String,
    pub old: Contact,
}

fn held<'s, 't>(st: &'s RefCell<Statement<'t>>) -> anyhow::Result<RefMut<'s, Statement<'t>>> {
    st.try_borrow_mut()
        .map_err(|_| error::other("import statement already in use").into())
}

impl<'t> BulkWriter<'t> {
    /// Starts the record of usernames seen (a temporary table) and
    /// prepares the statements.
    pub fn new(tx: &'t Tx<'t>) -> anyhow::Result<BulkWriter<'t>> {
        tx.start_seen_usernames()?;
        let prep = |sql: &str| tx.tx.prepare(sql).db().map(RefCell::new);
        Ok(BulkWriter {
            tx,
            seen: prep("INSERT OR IGNORE INTO temp.import_seen (username) VALUES (?1)")?,
            add_user: prep(
                "INSERT INTO users (username, name, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO NOTHING",
            )?,
            put_contact: prep(PUT_CONTACT)?,
            notice: prep(
                "INSERT INTO temp.import_notices (username, channel, address, carrier, confirmed) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
        })
    }

    /// Records that `old`, a contact of `username`, was replaced: the notice goes
    /// out after the commit ([`Store::import_notices`]). Rolled back with the import.
    pub fn note_replaced(&self, username: &str, old: &Contact) -> anyhow::Result<()> {
        held(&self.notice)?
            .execute(params![
                username,
                old.channel.as_str(),
                old.address,
                old.carrier,
                old.confirmed()
            ])
            .db()?;
        Ok(())
    }

    /// The transaction, for everything else.
    pub fn tx(&self) -> &'t Tx<'t> {
        self.tx
    }

    /// Records a username as seen by this import; false if it was seen before
    /// (case-insensitively, as usernames compare).
    pub fn first_sighting(&self, username: &str) -> anyhow::Result<bool> {
        let n = held(&self.seen)?.execute([username]).db()?;
        Ok(n == 1)
    }

    /// Adds a user unless one with that name (case-insensitively) exists: the new
    /// user, or `None` when it already existed. An import tries this first, so a new
    /// user costs one statement and no lookup.
    pub fn add_user_if_new(
        &self,
        username: &str,
        name: Option<&str>,
    ) -> anyhow::Result<Option<User>> {
        let now = clock::now();
        // No RETURNING: SQLite buffers returned rows in an ephemeral table, a
        // B-tree opened and freed per statement; the rowid is at hand anyway.
        let added = held(&self.add_user)?
            .execute(params![username, name, now])
            .db()?;
        // The schema's defaults, as the row now stands.
        Ok((added == 1).then(|| User {
            id: self.tx.tx.last_insert_rowid(),
            username: username.to_string(),
            name: name.map(str::to_string),
            password_hash: None,
            password_changed_at: None,
            must_change_password: false,
            skips: 0,
            failures: 0,
            locked_at: None,
            created_at: now,
            updated_at: now,
        }))
    }
}

impl ContactSink for BulkWriter<'_> {
    fn put_contact(&self, user: &User, c: &Contact) -> anyhow::Result<()> {
        held(&self.put_contact)?
            .execute(params![
                user.id,
                c.channel.as_str(),
                c.address,
                c.carrier,
                c.preferred,
                c.confirmed_at,
                c.created_at
            ])
            .db()?;
        if user.updated_at == clock::now() {
            return Ok(());
        }
        self.tx.touch(user.id)
    }
}

impl Store {
    /// The next notices an import recorded, after id `after`, at most `limit`.
    pub fn import_notices(&self, after: i64, limit: i64) -> Result<Vec<ImportNotice>, Error> {
        let e = |e| sql_err(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT id, username, channel, address, carrier, confirmed \
                 FROM temp.import_notices WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .map_err(e)?;
        let rows = st
            .query_map(params![after, limit], |r| {
                let ch: String = r.get(2)?;
                let channel = ch.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        2,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?;
                Ok(ImportNotice {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    old: Contact {
                        channel,
                        address: r.get(3)?,
                        carrier: r.get(4)?,
                        preferred: false,
                        confirmed_at: r.get::<_, bool>(5)?.then_some(0),
                        created_at: 0,
                    },
                })
            })
            .map_err(e)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(e)
    }

    /// Settings for a bulk import, outside any transaction: temporary tables in a
    /// file rather than memory, and bounded page caches, so memory stays flat for
    /// a file of any size.
    pub fn bulk_mode(&self) -> Result<(), Error> {
        self.conn
            .execute_batch(
                "PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -2048; \
                 PRAGMA main.cache_size = -8192;",
            )
            .map_err(|e| sql_err(&self.path, e))
    }

    /// Leaves WAL checkpoints to [`Store::checkpoint`]. Purge's short transactions
    /// otherwise each trigger one that copies much the same pages back into the
    /// database: 1M codes took 1.7x as long as one DELETE.
    pub fn defer_checkpoints(&self) -> Result<(), Error> {
        self.conn
            .execute_batch("PRAGMA wal_autocheckpoint = 0;")
            .map_err(|e| sql_err(&self.path, e))
    }

    /// Copies what it can of the WAL into the database without waiting for readers
    /// or blocking writers.
    pub fn checkpoint(&self) -> Result<(), Error> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|e| sql_err(&self.path, e))
    }

    /// Deletes at most [`PURGE_BATCH`] rows of one kind after id `after`, in its own
    /// short `BEGIN IMMEDIATE` transaction; returns (deleted, last id covered), or
    /// `None` for the id when nothing is left to look at.
    ///
    /// Batches walk the primary key upwards, so each is a range scan, and the
    /// "can no longer be used" condition is evaluated inside the write lock: a code
    /// that an agent is verifying right now is either still live (kept) or already
    /// closed by that agent's committed transaction.
    pub fn purge_batch(
        &mut self,
        kind: PurgeKind,
        after: i64,
        cutoff: i64,
        now: i64,
    ) -> Result<(u64, Option<i64>), Error> {
        let path = self.path.clone();
        let e = |e| sql_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(e)?;
        let (table, cond) = match kind {
            PurgeKind::Codes => ("codes", CODES_DONE.to_string()),
            PurgeKind::Windows => ("reset_windows", WINDOWS_DONE.to_string()),
            // Only a prefix of the chain may go: everything before the first row that
            // is recent enough, so a clock that once ran backwards cannot punch a hole.
            // The newest row always stays, so the chain goes on from it instead of
            // starting again at the genesis hash as if the log were new.
            PurgeKind::Audit => (
                "audit",
                "(?2 IS NOT NULL AND id < coalesce((SELECT min(id) FROM audit WHERE at >= ?1), \
                 (SELECT max(id) FROM audit)))"
                    .to_string(),
            ),
        };
        let upper: Option<i64> = tx
            .query_row(
                &format!(
                    "SELECT id FROM {table} WHERE id > ?3 AND {cond} ORDER BY id LIMIT 1 OFFSET ?4"
                ),
                params![cutoff, now, after, PURGE_BATCH - 1],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)?;
        let n = tx
            .execute(
                &format!("DELETE FROM {table} WHERE id > ?3 AND id <= ?4 AND {cond}"),
                params![cutoff, now, after, upper.unwrap_or(i64::MAX)],
            )
            .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok((u64::try_from(n).unwrap_or(0), upper))
    }
}
