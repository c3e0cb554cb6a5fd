//! The command target: `[password] command` is a site program that sets the
//! password where it lives (Kerberos `kadmin`, `chpasswd`, `samba-tool`; see
//! `examples/`). It gets the username as its only argument and the new password
//! on stdin followed by a newline: never in argv (any user can read it with `ps`)
//! and never in the environment (`/proc/PID/environ`, inherited by children).
//!
//! Exit 0 means the password was set; exit 4 that the site's own policy refused it
//! (safecode exits 4 with the program's first stderr line); anything else is a
//! failure (exit 1). The program runs in its own process group, with the fixed
//! child environment of `system::apply_child_env` (under root only PATH and LANG;
//! never a `SAFECODE_*` variable), and is killed with everything it started at
//! `[password] command_timeout`.
//!
//! The program runs as safecode does, as root under sudo, so as root it and every
//! directory above it must be root's and not writable by group or others
//! (`system::check_root_owned`); in direct use it must be the user's or root's,
//! and neither it nor its directory writable by group or others.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{Account, Change, PasswordTarget, current_euid};
use crate::config::{PasswordConfig, Secs};
use crate::error::{self, Error};
use crate::send::command::{RunFailure, describe, run_program};
use crate::send::{Check, Status, quote};

/// Exit status by which a program says the site's policy refused the password.
pub const EXIT_REFUSED: i32 = 4;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub struct CommandTarget {
    program: PathBuf,
    timeout: Duration,
}

impl CommandTarget {
    pub fn new(program: impl Into<PathBuf>, timeout: Duration) -> CommandTarget {
        CommandTarget {
            program: program.into(),
            timeout,
        }
    }

    pub fn from_config(p: &PasswordConfig) -> Result<CommandTarget, Error> {
        let program = p.command.clone().ok_or_else(|| {
            error::other(
                "[password] target = \"command\" needs [password] command = \"/path/to/program\"",
            )
        })?;
        let timeout = match p.command_timeout {
            Some(Secs(s)) if s > 0 => Duration::from_secs(s),
            _ => DEFAULT_TIMEOUT,
        };
        Ok(CommandTarget::new(program, timeout))
    }

    fn name(&self) -> String {
        self.program.display().to_string()
    }

    /// The program must exist, be a regular executable file, and be safe to run
    /// with safecode's rights: owned by root or by the user running safecode, and
    /// neither it nor its directory writable by group or others.
    pub fn preflight(&self) -> Result<(), Error> {
        safe_program(&self.program, current_euid())
    }
}

/// Checks that `path` is a program safe to run as `euid` (see [`CommandTarget`]).
pub(crate) fn safe_program(path: &Path, euid: u32) -> Result<(), Error> {
    let shown = path.display();
    if !path.is_absolute() {
        return Err(error::other(format!(
            "[password] command {shown} must be an absolute path"
        )));
    }
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            error::other(format!("[password] command {shown} does not exist"))
        } else {
            error::other(format!("[password] command {shown} cannot be read: {e}"))
        }
    })?;
    if !meta.is_file() {
        return Err(error::other(format!(
            "[password] command {shown} is not a file"
        )));
    }
    if meta.mode() & 0o111 == 0 {
        return Err(
            error::other(format!("[password] command {shown} is not executable"))
                .hint(format!("chmod 755 {shown}")),
        );
    }
    if euid == 0 {
        // As root: the program and every directory above it must be root's.
        return crate::system::check_root_owned(path).map_err(|u| {
            error::other(format!("refusing [password] command {shown}: {u}")).hint(format!(
                "a program root runs must be root's: chown root:root {q} && chmod go-w {q}",
                q = u.path.display()
            ))
        });
    }
    let owner_ok = |uid: u32| uid == 0 || uid == euid;
    let mut checked: Vec<(PathBuf, std::fs::Metadata)> = vec![(path.to_path_buf(), meta)];
    if let Some(dir) = path.parent()
        && let Ok(m) = std::fs::metadata(dir)
    {
        checked.push((dir.to_path_buf(), m));
    }
    for (p, m) in checked {
        let is_dir = m.is_dir();
        // A sticky directory (like /tmp) does not let others replace our file.
        let writable_by_others = m.mode() & 0o022 != 0 && !(is_dir && m.mode() & 0o1000 != 0);
        if !owner_ok(m.uid()) {
            return Err(error::other(format!(
                "[password] command: {} is owned by uid {}, not by root",
                p.display(),
                m.uid()
            ))
            .hint(format!("chown root: {}", p.display())));
        }
        if writable_by_others {
            return Err(error::other(format!(
                "[password] command: {} is writable by group or others (mode {:o})",
                p.display(),
                m.mode() & 0o7777
            ))
            .hint(format!("chmod go-w {}", p.display())));
        }
    }
    Ok(())
}

/// The first line of what the program said, cleaned and cut short.
fn first_line(stderr: &str, stdout: &str) -> String {
    let pick = |s: &str| {
        s.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| quote(l, 200))
    };
    pick(stderr)
        .or_else(|| pick(stdout))
        .unwrap_or_else(|| "(no output)".to_string())
}

impl PasswordTarget for CommandTarget {
    fn kind(&self) -> &'static str {
        "command"
    }

    fn set_password(&self, username: &str, password: &str) -> Result<Change, Error> {
        self.preflight()?;
        let mut cmd = Command::new(&self.program);
        cmd.arg(username).current_dir("/");
        // A fixed allow-list (PATH and LANG under root), never our environment,
        // which under sudo is the caller's and holds our secrets.
        crate::system::apply_child_env(&mut cmd);
        let mut input = Vec::with_capacity(password.len() + 1);
        input.extend_from_slice(password.as_bytes());
        input.push(b'\n');
        match run_program(cmd, input, self.timeout) {
            Ok(()) => Ok(Change::Applied),
            Err(RunFailure::Spawn(e)) => Err(error::other(format!(
                "cannot run [password] command {}: {e}",
                self.name()
            ))),
            Err(RunFailure::Wait(e)) => Err(error::other(format!(
                "cannot wait for [password] command {}: {e}",
                self.name()
            ))),
            Err(RunFailure::TimedOut) => Err(error::other(format!(
                "[password] command {} did not finish within {} s and was killed",
                self.name(),
                self.timeout.as_secs()
            ))
            .hint("raise [password] command_timeout if the program is slow but works")),
            Err(RunFailure::Exited {
                status,
                stderr,
                stdout,
            }) => {
                let said = first_line(&stderr, &stdout);
                let message = format!(
                    "[password] command {} failed ({}): {said}",
                    self.name(),
                    describe(status)
                );
                Err(if status.code() == Some(EXIT_REFUSED) {
                    error::policy(message)
                } else {
                    error::other(message)
                })
            }
        }
    }

    fn authenticate(&self, _account: &Account<'_>, _candidate: &str) -> Result<bool, Error> {
        Err(error::other(
            "the command target sets passwords but cannot check them",
        )
        .hint("`safecode authenticate` works with target = \"builtin\" or \"ldap\"; check the password where it lives (e.g. kinit)"))
    }

    fn check(&self) -> Vec<Check> {
        vec![match self.preflight() {
            Ok(()) => Check::new(
                "password target",
                Status::Ok,
                format!(
                    "command {} (safe ownership; not run by doctor; time limit {} s)",
                    self.name(),
                    self.timeout.as_secs()
                ),
            ),
            Err(e) => Check::new(
                "password target",
                Status::Fail,
                match e.hint {
                    Some(h) => format!("{} (hint: {h})", e.message),
                    None => e.message,
                },
            ),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn script(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn unsafe_programs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let me = current_euid();
        let ok = script(dir.path(), "ok", "#!/bin/sh\n", 0o755);
        safe_program(&ok, me).unwrap();
        let gw = script(dir.path(), "gw", "#!/bin/sh\n", 0o775);
        let e = safe_program(&gw, me).unwrap_err();
        assert!(
            e.message.contains("writable by group or others"),
            "{}",
            e.message
        );
        let plain = script(dir.path(), "plain", "#!/bin/sh\n", 0o644);
        assert!(
            safe_program(&plain, me)
                .unwrap_err()
                .message
                .contains("not executable")
        );
        assert!(safe_program(Path::new("relative/prog"), me).is_err());
        assert!(
            safe_program(&dir.path().join("missing"), me)
                .unwrap_err()
                .message
                .contains("does not exist")
        );
        // Owned by someone else than root or the running user.
        if me == 0 {
            std::os::unix::fs::chown(&ok, Some(65534), None).unwrap();
            let e = safe_program(&ok, 0).unwrap_err();
            assert!(e.message.contains("owned by uid 65534"), "{}", e.message);
        }
        // A directory others may write to lets them swap the program.
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let inside = script(&open, "prog", "#!/bin/sh\n", 0o755);
        assert!(safe_program(&inside, me).is_err());
    }

    #[test]
    fn first_line_prefers_stderr() {
        assert_eq!(
            first_line("\n  kadmin: Password is too short\nmore\n", "x"),
            "kadmin: Password is too short"
        );
        assert_eq!(first_line("", "only out\n"), "only out");
        assert_eq!(first_line("", ""), "(no output)");
        assert_eq!(first_line("a\u{1b}[31mb", ""), "a?[31mb");
    }
}
