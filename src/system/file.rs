//! Files under privilege: opening a file with the caller's rights, and checking
//! that a file root relies on (configuration, database, a program it runs) could
//! not have been written by anyone but root.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::user::{Account, group_ids};

/// Opens `path` for reading with the rights of `account`, not ours: the kernel
/// checks the open against the account's uid, gid and groups, so a caller of
/// `sudo safecode import /etc/shadow` gets "permission denied" exactly as they
/// would without sudo. There is no check-then-open window to race.
///
/// How ([`with_rights_of`]): a short-lived thread switches its own filesystem ids (fsuid, fsgid and
/// supplementary groups, which Linux keeps per thread when set by the raw system
/// calls) to the account's, opens the file and ends; the rest of the process
/// keeps its ids, and the descriptor is shared with it.
pub fn open_as(path: &Path, account: &Account) -> io::Result<File> {
    with_rights_of(account, || File::open(path))?
}

/// Runs `f` on a short-lived thread whose filesystem ids are the account's: every
/// file it opens, creates or renames is checked (and created) as theirs. What
/// was opened before keeps working; the rest of the process is untouched.
pub fn with_rights_of<T: Send>(account: &Account, f: impl FnOnce() -> T + Send) -> io::Result<T> {
    let groups = group_ids(account);
    let (uid, gid) = (account.uid, account.gid);
    std::thread::scope(|scope| {
        scope
            .spawn(move || -> io::Result<T> {
                become_for_files(uid, gid, &groups)?;
                Ok(f())
            })
            .join()
            .map_err(|_| io::Error::other("the thread working with the caller's rights failed"))?
    })
}

/// Sets this thread's filesystem credentials; fails rather than leave any as
/// they were.
fn become_for_files(uid: u32, gid: u32, groups: &[u32]) -> io::Result<()> {
    let n = libc::c_long::try_from(groups.len()).map_err(io::Error::other)?;
    // SAFETY: raw system calls on plain integers and a pointer to `groups`, valid
    // for `n` entries. glibc's wrappers are avoided on purpose: they change the
    // ids of every thread, these change only the calling one.
    unsafe {
        if libc::syscall(libc::SYS_setgroups, n, groups.as_ptr()) != 0 {
            return Err(io::Error::last_os_error());
        }
        libc::syscall(libc::SYS_setfsgid, libc::c_long::from(gid));
        libc::syscall(libc::SYS_setfsuid, libc::c_long::from(uid));
        // Both calls return the previous value; an invalid id (-1) changes
        // nothing, so it reads back the current one.
        let now_gid = libc::syscall(libc::SYS_setfsgid, -1 as libc::c_long);
        let now_uid = libc::syscall(libc::SYS_setfsuid, -1 as libc::c_long);
        if now_uid != libc::c_long::from(uid) || now_gid != libc::c_long::from(gid) {
            return Err(io::Error::other(
                "cannot take the caller's rights to open the file",
            ));
        }
    }
    Ok(())
}

/// Why root may not rely on a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    /// The file or directory at fault (after resolving symbolic links).
    pub path: PathBuf,
    pub why: String,
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.path.display(), self.why)
    }
}

/// Checks that `path` and every directory above it are owned by root and not
/// writable by group or others (a directory with the sticky bit, like /tmp, may
/// be: nobody else can replace root's entries in it). Symbolic links are
/// resolved first, so the check is on what would really be read or run.
pub fn check_root_owned(path: &Path) -> Result<(), Untrusted> {
    let real = std::fs::canonicalize(path).map_err(|e| Untrusted {
        path: path.to_path_buf(),
        why: format!("cannot be resolved: {e}"),
    })?;
    for p in real.ancestors() {
        let meta = std::fs::metadata(p).map_err(|e| Untrusted {
            path: p.to_path_buf(),
            why: format!("cannot be read: {e}"),
        })?;
        let sticky_dir = meta.is_dir() && meta.mode() & 0o1000 != 0;
        if let Some(why) = fault(meta.uid(), meta.mode(), !sticky_dir) {
            return Err(Untrusted {
                path: p.to_path_buf(),
                why,
            });
        }
    }
    Ok(())
}

/// What is wrong with an owner and mode, if anything.
fn fault(uid: u32, mode: u32, check_write: bool) -> Option<String> {
    if uid != 0 {
        return Some(format!("is owned by uid {uid}, not root"));
    }
    if check_write && mode & 0o022 != 0 {
        return Some(format!(
            "is writable by group or others (mode {:o})",
            mode & 0o7777
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_and_mode_faults() {
        assert_eq!(fault(0, 0o100644, true), None);
        assert_eq!(fault(0, 0o100600, true), None);
        assert!(fault(1000, 0o100644, true).unwrap().contains("uid 1000"));
        assert!(fault(0, 0o100664, true).unwrap().contains("mode 664"));
        assert!(fault(0, 0o100646, true).unwrap().contains("mode 646"));
        // /tmp: root's sticky directory, writable by all, is allowed.
        assert_eq!(fault(0, 0o41777, false), None);
    }

    #[test]
    fn system_files_are_root_owned() {
        check_root_owned(Path::new("/bin/sh")).unwrap();
        let e = check_root_owned(Path::new("/no/such/file")).unwrap_err();
        assert!(e.why.contains("cannot be resolved"), "{e}");
    }

    #[test]
    fn open_as_root_reads_what_root_can() {
        if super::super::user::effective_uid() != 0 {
            return;
        }
        let root = super::super::user::account_by_uid(0).unwrap();
        assert!(open_as(Path::new("/etc/passwd"), &root).is_ok());
    }

    #[test]
    fn open_as_nobody_cannot_read_a_private_file() {
        if super::super::user::effective_uid() != 0 {
            return;
        }
        let Some(nobody) = super::super::user::account_by_name("nobody") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "x").unwrap();
        std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let e = open_as(&secret, &nobody).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        // Our own rights are untouched afterwards.
        assert!(File::open(&secret).is_ok());
        assert_eq!(super::super::user::effective_uid(), 0);
    }
}
