//! The test harness: a [`TestEnv`] owns a temp directory with a database and a
//! config file, and runs the real binary against them. Each test reads like a
//! specification:
//!
//! ```ignore
//! let env = TestEnv::new();
//! env.run(["check", "bob"]).code(10).stdout_has("may skip");
//! ```

#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub mod directory;
pub mod servers;

/// Tests that start dozens of processes hold this for reading; a test that
/// compares timings holds it for writing, so that it never measures beside a
/// burst of 50-200 processes on a 2-core machine.
pub static BURSTS: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// A burst of processes may start (see [`BURSTS`]).
pub fn burst() -> std::sync::RwLockReadGuard<'static, ()> {
    BURSTS.read().unwrap_or_else(|e| e.into_inner())
}

/// Nothing bursts while this is held (see [`BURSTS`]).
pub fn quiet() -> std::sync::RwLockWriteGuard<'static, ()> {
    BURSTS.write().unwrap_or_else(|e| e.into_inner())
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_safecode"))
}

pub struct TestEnv {
    pub dir: TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
}

impl TestEnv {
    /// A temp directory with an initialised database and an empty config.
    pub fn new() -> TestEnv {
        let env = TestEnv::bare();
        env.run(["init"]).ok();
        env
    }

    /// A temp directory with an empty config and no database.
    pub fn bare() -> TestEnv {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("safecode.db");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").unwrap();
        TestEnv { dir, db, config }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Replaces the config file.
    pub fn config(&self, toml: &str) -> &Self {
        std::fs::write(&self.config, toml).unwrap();
        self
    }

    /// The binary with this environment's database, config and a clean environment.
    pub fn command(&self) -> Command {
        let mut c = Command::new(bin());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().to_string();
            if k.starts_with("SAFECODE_")
                || k == "SUDO_USER"
                || k.starts_with("FAKETIME")
                || k == "LD_PRELOAD"
            {
                c.env_remove(k);
            }
        }
        c.env("SAFECODE_DB", &self.db)
            .env("SAFECODE_CONFIG", &self.config)
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        c
    }

    /// A run of the binary with these arguments; executed by the first assertion.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let mut cmd = self.command();
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        cmd.args(&args);
        Run {
            cmd,
            args,
            stdin: None,
        }
    }

    /// Runs `sqlite3` on the database and returns its trimmed stdout.
    pub fn sql(&self, sql: &str) -> String {
        let out = tool("sqlite3", "sqlite3")
            .arg(&self.db)
            .arg(sql)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sqlite3 {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Forgets every recorded send, so a test may issue more codes than the send
    /// limit allows. The limit cannot be configured away (its ceiling is 10 per
    /// 15 minutes, 50 per day): only a test with write access to the file can.
    pub fn forget_sends(&self) -> &Self {
        self.sql("DELETE FROM sends");
        self
    }

    /// Adds a user (`user add`; enroll never creates one).
    pub fn user(&self, user: &str) -> &Self {
        self.run(["user", "add", user]).ok();
        self
    }

    /// Adds a user (unless it exists) with a confirmed phone.
    pub fn enrolled(&self, user: &str) -> &Self {
        self.run(["user", "add", user]).exec();
        self.run(["enroll", user, "--phone", "+16174322000", "--confirmed"])
            .ok();
        self
    }
}

pub struct Run {
    cmd: Command,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
}

impl Run {
    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Run {
        self.stdin = Some(input.as_ref().to_vec());
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Run {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(mut self, k: &str) -> Run {
        self.cmd.env_remove(k);
        self
    }

    /// Runs under `faketime` with the clock moved by `offset` (e.g. "+11m").
    pub fn faketime(self, offset: &str) -> Run {
        let lib = faketime_lib();
        self.env("LD_PRELOAD", lib)
            .env("FAKETIME", offset)
            .env("FAKETIME_DONT_RESET", "1")
            .env("FAKETIME_NO_CACHE", "1")
    }

    pub fn exec(mut self) -> Done {
        use std::io::Write;
        use std::process::Stdio;
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.cmd.spawn().expect("spawn safecode");
        if let Some(input) = self.stdin.take() {
            let mut si = child.stdin.take().unwrap();
            // The binary may exit before reading everything; that is not our failure.
            let _ = si.write_all(&input);
        }
        let out = child.wait_with_output().unwrap();
        Done {
            args: self
                .args
                .iter()
                .map(|a| a.to_string_lossy().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    /// Asserts exit status 0.
    pub fn ok(self) -> Done {
        self.code(0)
    }

    /// Asserts the exit status.
    pub fn code(self, code: i32) -> Done {
        let d = self.exec();
        assert_eq!(
            d.code, code,
            "`safecode {}` exited {} (wanted {code})\n--- stdout\n{}\n--- stderr\n{}",
            d.args, d.code, d.stdout, d.stderr
        );
        if code != 0 && !(code == 10 || code == 11 || code == 12) && code != 2 {
            // Our own failures are one `safecode:` line plus an optional hint.
            assert!(
                d.stderr.starts_with("safecode: "),
                "stderr should start with `safecode: `: {}",
                d.stderr
            );
            assert!(!d.stderr.contains("panicked"), "panic: {}", d.stderr);
            let lines = d
                .stderr
                .lines()
                .filter(|l| !l.starts_with("hint: "))
                .count();
            assert_eq!(lines, 1, "one error line wanted: {}", d.stderr);
        }
        d
    }
}

#[derive(Debug)]
pub struct Done {
    pub args: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Done {
    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(
            self.stdout.contains(s),
            "`safecode {}` stdout lacks {s:?}:\n{}",
            self.args,
            self.stdout
        );
        self
    }
    pub fn stdout_lacks(&self, s: &str) -> &Self {
        assert!(
            !self.stdout.contains(s),
            "`safecode {}` stdout has {s:?}:\n{}",
            self.args,
            self.stdout
        );
        self
    }
    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(
            self.stderr.contains(s),
            "`safecode {}` stderr lacks {s:?}:\n{}",
            self.args,
            self.stderr
        );
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// A command for a tool from a Debian package. A missing tool fails the test with
/// one line naming the package (`scripts/test` installs them all), not a bare
/// `No such file or directory` from spawn.
pub fn tool(program: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false);
    if !found {
        panic!("{program} not found: apt-get install {package} (scripts/test installs it)");
    }
    Command::new(program)
}

/// The libfaketime preload library.
pub fn faketime_lib() -> PathBuf {
    for p in [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
    ] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("libfaketime.so.1 not found: apt-get install libfaketime (scripts/test installs it)");
}

/// File mode bits.
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The code in printed dry-run blocks (the last block's code): the one run of
/// 6–10 digits in a body line.
pub fn code_in(text: &str) -> String {
    let mut found = None;
    for line in text.lines() {
        if line.starts_with("---") {
            continue;
        }
        for tok in line.split(|c: char| !c.is_ascii_digit()) {
            if (6..=10).contains(&tok.len()) && !line.contains(&format!("+{tok}")) {
                found = Some(tok.to_string());
            }
        }
    }
    found.unwrap_or_else(|| panic!("no code in:\n{text}"))
}

impl TestEnv {
    /// Issues a reset code in dry-run and returns it.
    pub fn issue(&self, user: &str) -> String {
        let d = self.run(["--dry-run", "issue", user]).ok();
        code_in(&d.stdout)
    }

    /// Issue, verify and set a password in one go.
    pub fn with_password(&self, user: &str, password: &str) -> &Self {
        let code = self.issue(user);
        self.run(["verify", user, &code]).ok();
        self.run(["--dry-run", "set-password", user, "--password-stdin"])
            .stdin(format!("{password}\n"))
            .ok();
        self
    }
}
