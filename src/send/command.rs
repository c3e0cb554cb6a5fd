//! SMS through a local command (SPEC §3): `[sms] command` runs with the E.164
//! number as its only argument and the body on stdin (without a trailing
//! newline); exit status 0 means the message was accepted.
//!
//! The body is never an argument, where any user could read it (and the code in
//! it) with `ps`. The command runs in its own process group so that, when it
//! outlives `[sms] timeout`, it is killed together with anything it started.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::{Check, Message, Sender, Status, quote, timeout_of};
use crate::config::SmsConfig;
use crate::error::{self, Error};
use crate::system;

/// Bytes of the command's output kept for the error message.
const MAX_OUTPUT: u64 = 16 * 1024;
/// How often to look whether the command has finished.
const POLL: Duration = Duration::from_millis(20);
/// How long to wait for the output pipes to close once the command has exited
/// (a daemon it started may hold them open).
const DRAIN_GRACE: Duration = Duration::from_millis(500);

pub struct CommandSender {
    program: PathBuf,
    timeout: Duration,
}

impl CommandSender {
    pub fn new(program: impl Into<PathBuf>, timeout: Duration) -> CommandSender {
        CommandSender {
            program: program.into(),
            timeout,
        }
    }

    /// From `[sms] command` and `[sms] timeout`. Errors are configuration errors.
    pub fn from_config(sms: &SmsConfig) -> Result<CommandSender, Error> {
        let program = sms.command.clone().ok_or_else(|| {
            error::other("[sms] provider = \"command\" needs [sms] command = \"/path/to/program\"")
                .hint("the program gets the number as its argument and the text on stdin; exit 0 means sent")
        })?;
        Ok(CommandSender::new(program, timeout_of(sms.timeout)))
    }

    /// Running as root, the program must be one only root could have changed:
    /// an absolute path, owned by root, not writable by group or others, in
    /// directories likewise (SPEC §7).
    fn trusted(&self) -> Result<(), Error> {
        if system::effective_uid() != 0 {
            return Ok(());
        }
        let p = &self.program;
        if !p.is_absolute() {
            return Err(error::other(format!(
                "[sms] command {} must be an absolute path when safecode runs as root",
                p.display()
            ))
            .hint("write the full path, e.g. command = \"/usr/local/bin/send-sms\""));
        }
        system::check_root_owned(p).map_err(|u| {
            error::other(format!("refusing [sms] command {}: {u}", p.display())).hint(format!(
                "a program root runs must be root's: chown root:root {q} && chmod go-w {q}",
                q = u.path.display()
            ))
        })
    }

    /// Whether the program exists, is executable (when given as a path) and,
    /// running as root, is root's.
    pub fn preflight(&self) -> Result<(), Error> {
        let p = &self.program;
        if p.components().count() <= 1 && !p.is_absolute() {
            // A bare name, looked up in the children's fixed PATH when run.
            return self.trusted();
        }
        let meta = std::fs::metadata(p).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "does not exist".to_string()
            } else {
                format!("cannot be read: {e}")
            };
            error::other(format!("[sms] command {} {why}", p.display()))
        })?;
        if !meta.is_file() {
            return Err(error::other(format!(
                "[sms] command {} is not a file",
                p.display()
            )));
        }
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(
                error::other(format!("[sms] command {} is not executable", p.display()))
                    .hint(format!("chmod +x {}", p.display())),
            );
        }
        self.trusted()
    }

    pub fn check(&self, name: &str) -> Check {
        match self.preflight() {
            Ok(()) => Check::new(
                name,
                Status::Ok,
                format!(
                    "command {} (not run by doctor; time limit {} s)",
                    self.program.display(),
                    self.timeout.as_secs()
                ),
            ),
            Err(e) => Check::new(name, Status::Fail, e.message),
        }
    }

    fn name(&self) -> String {
        self.program.display().to_string()
    }

    /// Runs the command for one message.
    pub fn run(&self, number: &str, body: &str) -> Result<(), Error> {
        // Checked again here (preflight ran before the code was made): at send
        // time a program that fails it is a delivery that cannot happen.
        self.trusted().map_err(|e| Error {
            kind: error::Kind::Delivery,
            message: format!("cannot run: {}", e.message),
            hint: e.hint,
        })?;
        let mut cmd = Command::new(&self.program);
        cmd.arg(number);
        // Not the caller's environment, nor our secrets: a fixed allow-list.
        system::apply_child_env(&mut cmd);
        match run_program(cmd, body.as_bytes().to_vec(), self.timeout) {
            Ok(()) => Ok(()),
            Err(RunFailure::Spawn(e)) => Err(error::delivery(format!(
                "cannot run [sms] command {}: {e}",
                self.name()
            ))),
            Err(RunFailure::Wait(e)) => Err(error::delivery(format!(
                "cannot wait for [sms] command {}: {e}",
                self.name()
            ))),
            Err(RunFailure::TimedOut) => Err(error::delivery(format!(
                "[sms] command {} did not finish within {} s and was killed",
                self.name(),
                self.timeout.as_secs()
            ))
            .hint("raise [sms] timeout if the command is slow but works")),
            Err(RunFailure::Exited {
                status,
                stderr,
                stdout,
            }) => {
                let said = if !stderr.trim().is_empty() {
                    quote(&stderr, 200)
                } else if !stdout.trim().is_empty() {
                    quote(&stdout, 200)
                } else {
                    "(no output)".to_string()
                };
                Err(error::delivery(format!(
                    "[sms] command {} failed ({}): {said}",
                    self.name(),
                    describe(status)
                )))
            }
        }
    }

    pub fn program(&self) -> &Path {
        &self.program
    }
}

impl Sender for CommandSender {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        self.run(&msg.to, &msg.text.body)
    }
}

/// Why a program run by [`run_program`] did not succeed.
#[derive(Debug)]
pub(crate) enum RunFailure {
    Spawn(std::io::Error),
    Wait(std::io::Error),
    /// Still running at the time limit: killed with its process group.
    TimedOut,
    /// Exited non-zero (or by a signal), with the start of what it printed.
    Exited {
        status: ExitStatus,
        stderr: String,
        stdout: String,
    },
}

/// Runs a prepared command (program, arguments, environment) with `input` on its
/// stdin, in its own process group, for at most `timeout`; on the time limit the
/// whole group is killed. Shared by `[sms] command` and `[password] command`.
/// `input` is wiped from memory once written.
pub(crate) fn run_program(
    mut cmd: Command,
    input: Vec<u8>,
    timeout: Duration,
) -> Result<(), RunFailure> {
    let input = zeroize::Zeroizing::new(input);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(RunFailure::Spawn)?;
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    if let Some(mut stdin) = child.stdin.take() {
        // A command that exits without reading is its own affair (broken pipe).
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let status = match wait(&mut child, timeout) {
        Ok(s) => s,
        Err(e) => {
            kill_group(&mut child);
            return Err(e);
        }
    };
    if status.success() {
        return Ok(());
    }
    let collect = |rx: Option<mpsc::Receiver<Vec<u8>>>| {
        rx.and_then(|rx| rx.recv_timeout(DRAIN_GRACE).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    Err(RunFailure::Exited {
        status,
        stderr: collect(stderr),
        stdout: collect(stdout),
    })
}

fn wait(child: &mut Child, timeout: Duration) -> Result<ExitStatus, RunFailure> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => return Err(RunFailure::Wait(e)),
        }
        if Instant::now() >= deadline {
            return Err(RunFailure::TimedOut);
        }
        thread::sleep(POLL);
    }
}

/// Reads a pipe to its end on a thread, keeping the first [`MAX_OUTPUT`] bytes.
fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = pipe.by_ref().take(MAX_OUTPUT).read_to_end(&mut kept);
        // Keep reading so that a chatty command never blocks on a full pipe.
        let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        let _ = tx.send(kept);
    });
    rx
}

/// Kills the command and everything in its process group, and reaps it.
fn kill_group(child: &mut Child) {
    // The group id is the child's pid (process_group(0)), which we have not
    // reaped yet, so it cannot have been reused.
    system::kill_process_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

pub(crate) fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        (None, None) => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use crate::message::{self, Channel, Org};

    fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn sms(to: &str) -> Message {
        let org = Org {
            name: "HMS",
            helpdesk: "(617) 432-2000",
        };
        Message {
            channel: Channel::Sms,
            to: to.into(),
            gateway: None,
            text: message::reset_code(&org, Channel::Sms, "0123456789", 10),
        }
    }

    #[test]
    fn passes_the_number_as_only_argument_and_the_body_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let cmd = script(
            dir.path(),
            "send-sms",
            &format!(
                "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > '{o}.args'\ncat > '{o}.stdin'\n\
                 printf '%s' \"${{SAFECODE_SMTP_PASSWORD-unset}}\" > '{o}.env'\n",
                o = out.display()
            ),
        );
        let s = CommandSender::new(&cmd, Duration::from_secs(5));
        s.preflight().unwrap();
        let msg = sms("+16174322000");
        s.send(&msg).unwrap();
        let args = std::fs::read_to_string(out.with_extension("args")).unwrap();
        assert_eq!(args, "1\n+16174322000\n");
        let stdin = std::fs::read_to_string(out.with_extension("stdin")).unwrap();
        assert_eq!(stdin, msg.text.body);
        assert_eq!(
            std::fs::read_to_string(out.with_extension("env")).unwrap(),
            "unset"
        );
    }

    #[test]
    fn a_failure_quotes_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let cmd = script(
            dir.path(),
            "fail",
            "#!/bin/sh\ncat >/dev/null\necho 'some progress' \necho '  provider said:\n  number blocked  ' >&2\nexit 3\n",
        );
        let e = CommandSender::new(&cmd, Duration::from_secs(5))
            .send(&sms("+16174322000"))
            .unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("exit status 3"), "{}", e.message);
        assert!(
            e.message.ends_with(": provider said: number blocked"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains(&cmd.display().to_string()),
            "{}",
            e.message
        );
    }

    #[test]
    fn long_stderr_is_cut_and_stdout_used_when_stderr_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cmd = script(
            dir.path(),
            "chatty",
            "#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' x >&2\nexit 1\n",
        );
        let e = CommandSender::new(&cmd, Duration::from_secs(5))
            .send(&sms("+16174322000"))
            .unwrap_err();
        assert!(
            e.message.ends_with(&format!("{}…", "x".repeat(200))),
            "{}",
            e.message
        );
        let cmd = script(dir.path(), "quiet", "#!/bin/sh\necho 'out only'\nexit 2\n");
        let e = CommandSender::new(&cmd, Duration::from_secs(5))
            .send(&sms("+16174322000"))
            .unwrap_err();
        assert!(
            e.message.ends_with("(exit status 2): out only"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_slow_command_is_killed_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("sleep.pid");
        let cmd = script(
            dir.path(),
            "slow",
            &format!(
                "#!/bin/sh\nsleep 30 &\necho $! > '{}'\nwait\n",
                pidfile.display()
            ),
        );
        let start = Instant::now();
        let e = CommandSender::new(&cmd, Duration::from_secs(1))
            .send(&sms("+16174322000"))
            .unwrap_err();
        let took = start.elapsed();
        // Only a lower bound: the limit was applied. No upper wall-clock bound
        // (flaky on a shared machine).
        assert!(took >= Duration::from_millis(950), "{took:?}");
        assert_eq!(e.kind, Kind::Delivery);
        assert!(
            e.message.contains("did not finish within 1 s"),
            "{}",
            e.message
        );
        // The grandchild went with it.
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            if !crate::system::process_exists(pid) {
                break;
            }
            assert!(Instant::now() < deadline, "sleep {pid} survived");
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn missing_or_unexecutable_commands() {
        let dir = tempfile::tempdir().unwrap();
        let missing = CommandSender::new(dir.path().join("nope"), Duration::from_secs(1));
        let e = missing.preflight().unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("does not exist"), "{}", e.message);
        let e = missing.send(&sms("+16174322000")).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("cannot run"), "{}", e.message);
        let p = dir.path().join("plain");
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = CommandSender::new(&p, Duration::from_secs(1))
            .preflight()
            .unwrap_err();
        assert!(e.message.contains("not executable"), "{}", e.message);
        assert!(e.hint.unwrap().starts_with("chmod +x"));
        assert_eq!(
            CommandSender::new(&p, Duration::from_secs(1))
                .check("sms")
                .status,
            Status::Fail
        );
    }
}
