//! What `doctor` asks of the database. Opened without the checks [`Store::open`]
//! makes, so that a database `open` would refuse (wrong mode, old schema) can still
//! be examined and reported on.

use std::path::Path;

use rusqlite::OpenFlags;

use super::{Store, sql_err};
use crate::error::Error;
use crate::who::Who;

/// Codes and reset windows that `purge` would delete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeBacklog {
    /// All codes no longer usable (used, voided or expired).
    pub codes: u64,
    /// All reset windows that are used or expired.
    pub windows: u64,
    /// Of those, how many closed before the `stale_before` time asked about.
    pub stale: u64,
}

impl Store {
    /// Opens an existing database for inspection, without the schema, mode or
    /// version checks of [`Store::open`]; the callers only read.
    ///
    /// Not `SQLITE_OPEN_READ_ONLY`: a read-only connection to a WAL database leaves
    /// the `-wal` / `-shm` files it creates behind, and SQLite gives them the
    /// database's mode. A read-write connection removes them when it closes. Without
    /// write permission SQLite falls back to read-only by itself.
    pub fn inspect(path: &Path, who: Who) -> Result<Store, Error> {
        Store::connect(path, who, OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    /// `PRAGMA integrity_check`: empty when the file is sound, else SQLite's
    /// findings (at most `limit`).
    pub fn integrity_problems(&self, limit: u32) -> Result<Vec<String>, Error> {
        let sql = format!("PRAGMA integrity_check({limit})");
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(|e| sql_err(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| sql_err(&self.path, e))?;
        let mut problems = Vec::new();
        for row in rows {
            let line = row.map_err(|e| sql_err(&self.path, e))?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    /// Counts what `purge` would delete at `now`; `stale` counts what closed
    /// before `stale_before` (a backlog that old means purge is not being run).
    pub fn purge_backlog(&self, now: i64, stale_before: i64) -> Result<PurgeBacklog, Error> {
        let (codes, stale_codes): (i64, i64) = self
            .conn
            .query_row(
                "SELECT COUNT(*), \
                        COALESCE(SUM(COALESCE(closed_at, expires_at) < ?2), 0) \
                 FROM codes WHERE state <> 'live' OR expires_at <= ?1",
                [now, stale_before],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| sql_err(&self.path, e))?;
        let (windows, stale_windows): (i64, i64) = self
            .conn
            .query_row(
                "SELECT COUNT(*), \
                        COALESCE(SUM(COALESCE(used_at, expires_at) < ?2), 0) \
                 FROM reset_windows WHERE used_at IS NOT NULL OR expires_at <= ?1",
                [now, stale_before],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| sql_err(&self.path, e))?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(PurgeBacklog {
            codes: n(codes),
            windows: n(windows),
            stale: n(stale_codes) + n(stale_windows),
        })
    }
}
