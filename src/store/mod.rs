//! The only place that speaks SQL. Everything above it calls domain operations on a
//! [`Tx`], so that another backend (PostgreSQL, for desks on several hosts) can
//! later implement the same operations.
//!
//! Every read-modify-write runs in one `BEGIN IMMEDIATE` transaction ([`Store::write`]):
//! the write lock is taken up front, so two agents never deadlock upgrading a read
//! lock, and with WAL plus a busy timeout they wait instead of failing with
//! `database is locked`.

mod audit;
mod backup;
mod bulk;
mod changes;
mod codes;
mod find;
mod health;
mod users;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{self, Error};
use crate::who::Who;

pub use audit::{AuditEntry, AuditRow, GENESIS as AUDIT_GENESIS};
pub use backup::BackupOutcome;
pub use bulk::{BulkWriter, ExportRow, ImportNotice, PURGE_BATCH, PurgeKind};
pub use changes::{UnfinishedChange, window_tag};
pub use codes::{CodeRow, NewCode, Purpose};
pub use find::{FindTerms, Found};
pub use health::PurgeBacklog;
pub use users::{Contact, ContactSink, User, UserFilter};

/// The whole schema, split into versions by `-- version N` lines.
const SCHEMA: &str = include_str!("../../schema.sql");

/// How long a writer waits for another before giving up. SPEC: at least 5 s; a
/// large import holds the lock longer, so agents get more.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Store {
    conn: Connection,
    path: PathBuf,
    who: Who,
}

/// A write transaction with the acting user attached, so every change can be audited
/// in the same transaction as the change itself.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    who: &'a Who,
}

/// What `init` did.
#[derive(Debug, Clone, Copy)]
pub struct InitOutcome {
    pub created: bool,
    pub from_version: i64,
    pub to_version: i64,
}

/// Schema sections as (version, sql).
fn schema_versions() -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    for line in SCHEMA.lines() {
        if let Some(v) = line.strip_prefix("-- version ")
            && let Ok(n) = v.trim().parse()
        {
            out.push((n, String::new()));
            continue;
        }
        if let Some((_, sql)) = out.last_mut() {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    out
}

/// The schema version this binary writes.
pub fn latest_version() -> i64 {
    schema_versions().last().map(|(v, _)| *v).unwrap_or(0)
}

pub(crate) fn sql_err(path: &Path, e: rusqlite::Error) -> Error {
    let msg = e.to_string();
    if msg.contains("file is not a database") || msg.contains("not a database") {
        return error::other(format!("{} is not a safecode database", path.display()))
            .hint("check --db / SAFECODE_DB; `safecode init` creates a new one");
    }
    if msg.contains("readonly") || msg.contains("read-only") {
        return error::other(format!("database {} is read-only", path.display())).hint(format!(
            "chmod 600 {} (and check the directory is writable)",
            path.display()
        ));
    }
    error::other(format!("database {}: {msg}", path.display()))
}

impl Store {
    /// Opens an existing database. Never creates one: a mistyped `--db` must not
    /// silently start an empty database.
    pub fn open(path: &Path, who: Who) -> Result<Store, Error> {
        let meta = std::fs::metadata(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                error::not_found(format!("database {} does not exist", path.display())).hint(
                    format!("run `safecode init --db {}` to create it", path.display()),
                )
            } else {
                error::other(format!("cannot read {}: {e}", path.display()))
            }
        })?;
        if !meta.is_file() {
            return Err(error::other(format!("{} is not a file", path.display())));
        }
        check_private(path)?;
        if meta.mode() & 0o200 == 0 {
            return Err(
                error::other(format!("database {} is read-only", path.display()))
                    .hint(format!("chmod 600 {}", path.display())),
            );
        }
        let store = Store::connect(path, who, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let version = store.version()?;
        let latest = latest_version();
        if version == 0 {
            return Err(error::other(format!(
                "{} is not a safecode database (no schema)",
                path.display()
            ))
            .hint("run `safecode init` to create the schema"));
        }
        if version < latest {
            return Err(error::other(format!(
                "database schema is version {version}, this safecode needs {latest}"
            ))
            .hint("run `safecode init` to upgrade it"));
        }
        if version > latest {
            return Err(error::other(format!(
                "database schema is version {version}, newer than this safecode ({latest})"
            ))
            .hint("upgrade safecode"));
        }
        Ok(store)
    }

    /// Creates the database or upgrades its schema.
    pub fn init(path: &Path, who: Who) -> Result<(Store, InitOutcome), Error> {
        let created = !path.exists();
        if created {
            match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                    return Err(error::not_found(format!(
                        "directory {} does not exist",
                        dir.display()
                    ))
                    .hint(format!(
                        "create it first: mkdir -p -m 700 {}",
                        dir.display()
                    )));
                }
                _ => {}
            }
        } else {
            check_private(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut store = Store::connect(path, who, flags)?;
        if created {
            // The umask is already 077; this also covers a umask we did not set.
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| error::other(format!("chmod {}: {e}", path.display())))?;
        }
        let p = path.to_path_buf();
        // A newer schema is refused before anything is written to the file.
        let found = store.version()?;
        if found > latest_version() {
            return Err(newer_schema(found));
        }
        store
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| sql_err(&p, e))?;
        let from = store.version()?;
        let tx = store
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_err(&p, e))?;
        // Re-read inside the lock: two `init`s at once must not both apply a version.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| sql_err(&p, e))?;
        if current > latest_version() {
            return Err(newer_schema(current));
        }
        let mut to = current;
        for (v, sql) in schema_versions() {
            if v > current {
                tx.execute_batch(&sql).map_err(|e| sql_err(&p, e))?;
                tx.pragma_update(None, "user_version", v)
                    .map_err(|e| sql_err(&p, e))?;
                to = v;
            }
        }
        let has_key: bool = tx
            .query_row("SELECT 1 FROM meta WHERE key = 'code_key'", [], |_| Ok(()))
            .map(|_| true)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(false),
                e => Err(e),
            })
            .map_err(|e| sql_err(&p, e))?;
        if !has_key {
            let key = crate::code::new_key().map_err(|e| error::other(e.to_string()))?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('code_key', ?1)",
                [&key[..]],
            )
            .map_err(|e| sql_err(&p, e))?;
        }
        tx.commit().map_err(|e| sql_err(&p, e))?;
        Ok((
            store,
            InitOutcome {
                created,
                from_version: from,
                to_version: to,
            },
        ))
    }

    fn connect(path: &Path, who: Who, flags: OpenFlags) -> Result<Store, Error> {
        // No SQLITE_OPEN_URI, and a name SQLite cannot read as a URI either (the
        // bundled SQLite is built with SQLITE_USE_URI, which turns URIs on whatever
        // the flags say): `--db file:x.db` must open the file of that name, the one
        // whose mode was checked, not `x.db` or `file:x.db?mode=memory`.
        let flags = flags | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let literal = literal_path(path);
        let conn = Connection::open_with_flags(&literal, flags).map_err(|e| sql_err(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| sql_err(path, e))?;
        // secure_delete: deleted code digests and password hashes are overwritten on
        // disk, not left in free pages.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = NORMAL;",
        )
        .map_err(|e| sql_err(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            who,
        })
    }

    /// The schema version recorded in the file.
    pub fn version(&self) -> Result<i64, Error> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| sql_err(&self.path, e))
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed if `f` returns Ok,
    /// rolled back otherwise.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, anyhow::Error>,
    ) -> Result<T, anyhow::Error> {
        self.transact(TransactionBehavior::Immediate, |tx| Ok((f(tx)?, true)))
    }

    /// Like [`Store::write`], but `f` decides: `(value, true)` commits, `(value,
    /// false)` rolls back and still returns the value (an import that found invalid
    /// rows reports them, writes nothing).
    pub fn write_if<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, bool), anyhow::Error>,
    ) -> Result<T, anyhow::Error> {
        self.transact(TransactionBehavior::Immediate, f)
    }

    /// Runs `f` in a read transaction (a consistent snapshot under WAL).
    pub fn read<T>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, anyhow::Error>,
    ) -> Result<T, anyhow::Error> {
        self.transact(TransactionBehavior::Deferred, |tx| Ok((f(tx)?, true)))
    }

    fn transact<T>(
        &mut self,
        behavior: TransactionBehavior,
        f: impl FnOnce(&Tx<'_>) -> Result<(T, bool), anyhow::Error>,
    ) -> Result<T, anyhow::Error> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(behavior)
            .map_err(|e| sql_err(&path, e))?;
        let tx = Tx { tx, who: &self.who };
        // An Err from `f` drops the transaction, which rolls it back.
        let (out, commit) = f(&tx)?;
        if commit {
            tx.tx.commit().map_err(|e| sql_err(&path, e))?;
        } else {
            tx.tx.rollback().map_err(|e| sql_err(&path, e))?;
        }
        Ok(out)
    }

    /// The raw connection, for the few maintenance commands (`doctor`, `purge`) that
    /// manage their own transactions.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

impl Tx<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    /// The per-database key that code digests are computed with.
    pub fn code_key(&self) -> Result<Vec<u8>, rusqlite::Error> {
        self.tx
            .query_row("SELECT value FROM meta WHERE key = 'code_key'", [], |r| {
                r.get(0)
            })
    }
}

fn newer_schema(found: i64) -> Error {
    error::other(format!(
        "database schema is version {found}, newer than this safecode ({}); nothing was changed",
        latest_version()
    ))
    .hint("upgrade safecode: this version cannot use that database")
}

/// `path` in a form SQLite opens literally: a relative path gets a leading `./`, so a
/// name beginning `file:` is a file name, never a URI.
pub(crate) fn literal_path(path: &Path) -> PathBuf {
    if path.is_absolute() || path.starts_with(".") {
        path.to_path_buf()
    } else {
        Path::new(".").join(path)
    }
}

/// Refuses a database, or its `-wal` / `-shm` side files, that others can read or
/// write: it holds password hashes and code digests.
pub fn check_private(path: &Path) -> Result<(), Error> {
    let mut files = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm"] {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        files.push(PathBuf::from(s));
    }
    for f in files {
        if let Ok(m) = std::fs::metadata(&f)
            && m.mode() & 0o077 != 0
        {
            return Err(error::other(format!(
                "{} is readable or writable by others (mode {:o})",
                f.display(),
                m.mode() & 0o777
            ))
            .hint(format!("chmod 600 {}", f.display())));
        }
    }
    Ok(())
}

/// Maps a rusqlite error inside a transaction closure to an anyhow error with the
/// database context; used with `?` in the domain operations.
pub(crate) trait SqlContext<T> {
    fn db(self) -> Result<T, anyhow::Error>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn db(self) -> Result<T, anyhow::Error> {
        self.map_err(|e| anyhow::anyhow!("database: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_has_versions_in_order() {
        let v = schema_versions();
        assert!(!v.is_empty());
        for (i, (n, sql)) in v.iter().enumerate() {
            assert_eq!(*n, i as i64 + 1);
            assert!(sql.contains("CREATE") || sql.contains("ALTER"));
        }
    }

    #[test]
    fn relative_names_are_never_uris() {
        assert_eq!(
            literal_path(Path::new("file:x.db")),
            Path::new("./file:x.db")
        );
        assert_eq!(
            literal_path(Path::new("/tmp/file:x.db")),
            Path::new("/tmp/file:x.db")
        );
        assert_eq!(literal_path(Path::new("./a.db")), Path::new("./a.db"));
        assert_eq!(literal_path(Path::new("d/a.db")), Path::new("./d/a.db"));
    }

    #[test]
    fn schema_applies_to_an_empty_database() {
        let c = Connection::open_in_memory().unwrap();
        for (_, sql) in schema_versions() {
            c.execute_batch(&sql).unwrap();
        }
    }
}
