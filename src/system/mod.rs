//! The only place that calls libc: uids, groups, files opened with the caller's
//! rights, ownership checks, core dumps, and the environment of child programs.
//! Everything outside this folder is safe Rust.

mod env;
mod file;
mod terminal;
mod user;

pub use env::{CHILD_LANG, CHILD_PATH, apply_child_env, child_env};
pub use file::{Untrusted, check_root_owned, open_as, with_rights_of};
pub use terminal::restore_cursor_on_interrupt;
pub use user::{
    Account, account_by_name, account_by_uid, effective_uid, group_id, group_ids, group_name,
    group_names, real_uid,
};

/// Done first thing in `run`: files we create (database, -wal, -shm) are private
/// whatever the caller's umask, and no core dump or debugger attach can copy a
/// code, a password or a key out of this process's memory.
pub fn harden() {
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct we pass; prctl(PR_SET_DUMPABLE) takes
    // plain integers. Failure leaves the defaults, which is all we can do.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Whether core dumps are off and the process is not dumpable (for `doctor`
/// and the tests).
pub fn hardened() -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 1,
        rlim_max: 1,
    };
    // SAFETY: getrlimit writes into the struct we pass; prctl(PR_GET_DUMPABLE)
    // takes plain integers.
    let (rc, dumpable) = unsafe {
        (
            libc::getrlimit(libc::RLIMIT_CORE, &mut lim),
            libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0),
        )
    };
    rc == 0 && lim.rlim_cur == 0 && dumpable == 0
}

/// Whether a process with this pid exists (signal 0 asks without sending).
pub fn process_exists(pid: u32) -> bool {
    match libc::pid_t::try_from(pid) {
        // SAFETY: kill(2) with signal 0 takes plain integers and touches no memory.
        Ok(pid) => unsafe { libc::kill(pid, 0) == 0 },
        Err(_) => false,
    }
}

/// Sends SIGKILL to a process group (a child started with `process_group(0)`,
/// whose group id is its pid).
pub fn kill_process_group(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: kill(2) takes plain integers and touches no memory of ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}
