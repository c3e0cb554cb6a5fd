//! `safecode backup FILE`: a consistent copy of the database while agents work,
//! through SQLite's online backup API, checked before it takes the file's name.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::{Store, sql_err};
use crate::error::{self, Error};

/// Waits of 50 ms for a lock before giving up (as long as the busy timeout).
const BUSY_WAITS: u32 = 600;

/// What a verified backup holds.
#[derive(Debug, Clone, Copy)]
pub struct BackupOutcome {
    pub bytes: u64,
    pub audit_rows: u64,
}

impl Store {
    /// Copies the database to `dest` in one read transaction (writers carry on
    /// under WAL), into a new 0600 file beside `dest`; opens the copy and walks
    /// its audit chain and integrity check, and only then renames it to `dest`
    /// (replacing an older backup of that name). A failed check leaves `dest` as
    /// it was.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupOutcome, Error> {
        let tmp = temp_beside(dest);
        let result = self.copy_and_check(&tmp, dest);
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn copy_and_check(&self, tmp: &Path, dest: &Path) -> Result<BackupOutcome, Error> {
        let shown = dest.display();
        // Created private (0600) and new before SQLite opens it: the copy holds
        // password hashes and code digests.
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(tmp)
            .map_err(|e| error::other(format!("cannot create {}: {e}", tmp.display())))?;
        {
            // Literally that file, never a URI (see `Store::connect`).
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let mut to = Connection::open_with_flags(super::literal_path(tmp), flags)
                .map_err(|e| sql_err(tmp, e))?;
            let b = Backup::new(&self.conn, &mut to).map_err(|e| sql_err(tmp, e))?;
            // All pages in one step: one read transaction, so the copy is one
            // consistent snapshot however busy the source is.
            let mut waits = 0;
            loop {
                match b
                    .step(-1)
                    .map_err(|e| error::other(format!("backup to {shown}: {e}")))?
                {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Another connection holds a lock for a moment: wait, as
                    // busy_timeout would.
                    _ if waits < BUSY_WAITS => {
                        waits += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => {
                        return Err(error::other(format!(
                            "backup to {shown}: the database stayed locked"
                        )));
                    }
                }
            }
        }
        let mut copy = Store::open(tmp, self.who.clone())
            .map_err(|e| error::other(format!("the backup does not open: {}", e.message)))?;
        let problems = copy.integrity_problems(5)?;
        if !problems.is_empty() {
            return Err(error::other(format!(
                "the backup fails its integrity check: {}",
                problems.join("; ")
            )));
        }
        let (rows, bad) = copy
            .read(|tx| tx.audit_verify())
            .map_err(|e| error::other(format!("checking the backup's audit log: {e:#}")))?;
        if let Some((row, why)) = bad {
            return Err(error::other(format!(
                "the backup's audit log does not verify at row {}: {why}",
                row.id
            ))
            .hint("the database's own log is changed: run `safecode audit --verify`"));
        }
        drop(copy);
        let bytes = std::fs::metadata(tmp).map(|m| m.len()).unwrap_or(0);
        if let Ok(f) = std::fs::File::open(tmp) {
            let _ = f.sync_all();
        }
        std::fs::rename(tmp, dest)
            .map_err(|e| error::other(format!("cannot rename the backup to {shown}: {e}")))?;
        Ok(BackupOutcome {
            bytes,
            audit_rows: rows,
        })
    }
}

/// `dir/.name.tmp-PID` beside `dest`, so the final rename stays on one file system.
fn temp_beside(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "safecode-backup".into());
    dest.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}
