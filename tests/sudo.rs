//! Through real sudo (SPEC §7): real Unix users and groups made by the test, a
//! sudoers drop-in built from `examples/sudoers` and checked with `visudo -cf`,
//! a root-owned `/etc/safecode`. Every attack runs as the unprivileged caller
//! and its marker file must never appear.
//!
//! The tests need root (CI runs them as root) and skip with a printed reason
//! otherwise. They change global state (users, /etc/safecode, /etc/sudoers.d),
//! so each holds an flock on /tmp/safecode-etc.lock, and [`Site`]'s Drop removes
//! everything it made, also when an assertion fails.
//!
//! The sudoers drop-in adds the worst a site could do, keeping the caller's
//! SAFECODE_*, HOME and XDG_CONFIG_HOME variables, so that the attacks through
//! the environment really reach safecode.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::{Done, bin, servers};

mod attacks;

const LOCK: &str = "/tmp/safecode-etc.lock";
const ETC: &str = "/etc/safecode";
const PHONE: &str = "+16174322000";

static SEQ: AtomicU32 = AtomicU32::new(0);

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `None` (and a printed reason) when the tests cannot run here.
fn site() -> Option<Site> {
    if !is_root() {
        eprintln!("skipped: the sudo tests need root (they create users and /etc/safecode)");
        return None;
    }
    for (tool, package) in [
        ("sudo", "sudo"),
        ("visudo", "sudo"),
        ("useradd", "passwd"),
        ("runuser", "util-linux"),
        ("sqlite3", "sqlite3"),
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(found, "{tool} not found: apt-get install {package}");
    }
    Some(Site::new())
}

fn sh(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_mode(path: &Path, text: &str, mode: u32) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A deployment as the README describes it, made for one test and removed after.
struct Site {
    _lock: fs::File,
    dir: PathBuf,
    bin: PathBuf,
    db: PathBuf,
    sms_log: PathBuf,
    env_log: PathBuf,
    /// Written by the attackers' programs if they ever run as root.
    marker: PathBuf,
    group: String,
    agent: String,
    user: String,
    admin: String,
    users: Vec<String>,
    groups: Vec<String>,
    sudoers: Option<PathBuf>,
    etc_backup: Option<PathBuf>,
    etc_ours: bool,
}

impl Site {
    fn new() -> Site {
        let lock = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(LOCK)
            .unwrap();
        // SAFETY: flock on a descriptor we own; blocks until the other suites let go.
        assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
        let id = format!(
            "{}{}",
            std::process::id() % 100_000,
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        let dir = PathBuf::from(format!("/tmp/safecode-sudo-{id}"));
        let mut s = Site {
            _lock: lock,
            bin: dir.join("bin/safecode"),
            db: dir.join("db/safecode.db"),
            sms_log: dir.join("out/sms.log"),
            env_log: dir.join("out/env.log"),
            marker: dir.join("out/pwned"),
            dir,
            group: format!("scdesk{id}"),
            agent: format!("scag{id}"),
            user: format!("scme{id}"),
            admin: format!("scad{id}"),
            users: Vec::new(),
            groups: Vec::new(),
            sudoers: None,
            etc_backup: None,
            etc_ours: false,
        };
        s.build();
        s
    }

    fn build(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
        for d in ["", "bin", "db", "out", "home"] {
            let p = self.dir.join(d);
            fs::create_dir_all(&p).unwrap();
            let mode = if d == "db" { 0o700 } else { 0o755 };
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
        }
        // A root-owned copy of the binary every test user can reach.
        fs::copy(bin(), &self.bin).unwrap();
        fs::set_permissions(&self.bin, fs::Permissions::from_mode(0o755)).unwrap();
        write_mode(
            &self.dir.join("bin/send-sms"),
            &format!(
                "#!/bin/sh\n{{ echo \"TO $1\"; cat; echo; }} >> '{}'\nenv >> '{}'\necho --- >> '{}'\n",
                self.sms_log.display(),
                self.env_log.display(),
                self.env_log.display()
            ),
            0o755,
        );

        sh("groupadd", &[&self.group]);
        self.groups.push(self.group.clone());
        let (agent, user, admin) = (self.agent.clone(), self.user.clone(), self.admin.clone());
        for (name, groups) in [
            (&agent, Some(&self.group)),
            (&user, None),
            (&admin, Some(&self.group)),
        ] {
            let home = self.dir.join("home").join(name);
            let home_s = home.display().to_string();
            let mut args = vec!["-M", "-N", "-s", "/bin/sh", "-d", &home_s];
            if let Some(g) = groups {
                args.extend(["-G", g.as_str()]);
            }
            args.push(name);
            sh("useradd", &args);
            self.users.push(name.clone());
            fs::create_dir_all(home.join(".config/safecode")).unwrap();
            sh("chown", &["-R", &format!("{name}:"), &home_s]);
            self.plant_evil(name);
        }

        // /etc/safecode, root-owned; any existing one is put back afterwards.
        if Path::new(ETC).exists() {
            let backup = PathBuf::from(format!("{ETC}.test-backup-{}", std::process::id()));
            fs::rename(ETC, &backup).unwrap();
            self.etc_backup = Some(backup);
        }
        fs::create_dir(ETC).unwrap();
        self.etc_ours = true;
        fs::set_permissions(ETC, fs::Permissions::from_mode(0o755)).unwrap();
        self.write_config("");

        // The example drop-in, pointed at this binary and this group.
        let example =
            fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sudoers")).unwrap();
        let text = example
            .replace("/usr/bin/safecode", &self.bin.display().to_string())
            .replace("%safecode-agents", &format!("%{}", self.group))
            .replace("%safecode-admins", &format!("%{}x", self.group))
            + &format!(
                "\n# The worst a site could do: keep the caller's variables.\n\
                 Defaults!{} env_keep += \"SAFECODE_CONFIG SAFECODE_DB SAFECODE_DRY_RUN SAFECODE_SMS_TOKEN HOME XDG_CONFIG_HOME CALLER_SECRET\"\n",
                self.bin.display()
            );
        let staged = self.dir.join("sudoers");
        write_mode(&staged, &text, 0o440);
        sh("visudo", &["-cf", &staged.display().to_string()]);
        let dest = PathBuf::from(format!(
            "/etc/sudoers.d/safecode-test-{}",
            self.dir
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "-")
        ));
        fs::copy(&staged, &dest).unwrap();
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o440)).unwrap();
        self.sudoers = Some(dest);

        self.root(&["init"]).ok();
        self.root(&["user", "add", &user]).ok();
        self.root(&["user", "add", "carol"]).ok();
        self.root(&["enroll", "carol", "--phone", PHONE, "--confirmed"])
            .ok();
    }

    /// The attacker's config (an [sms] command of theirs that writes the
    /// marker, a send limit of four billion) at ~/evil.toml and as their XDG file.
    fn plant_evil(&self, name: &str) {
        let home = self.dir.join("home").join(name);
        let script = home.join("evil.sh");
        write_mode(
            &script,
            &format!(
                "#!/bin/sh\ncat >/dev/null\nid > '{}'\n",
                self.marker.display()
            ),
            0o755,
        );
        let evil = format!(
            "database = \"{}\"\n[policy]\nissue_limit = [{{ count = 4000000000, per = \"1s\" }}]\n[sms]\nprovider = \"command\"\ncommand = \"{}\"\n",
            self.db.display(),
            script.display()
        );
        fs::write(home.join("evil.toml"), &evil).unwrap();
        fs::write(home.join(".config/safecode/config.toml"), &evil).unwrap();
        sh(
            "chown",
            &["-R", &format!("{name}:"), &home.display().to_string()],
        );
    }

    fn write_config(&self, extra: &str) {
        write_mode(
            &Path::new(ETC).join("config.toml"),
            &format!(
                "database = \"{}\"\n[access]\nadmins = [\"{}\"]\nagents = [\"%{}\"]\n[sms]\nprovider = \"command\"\ncommand = \"{}\"\n{extra}",
                self.db.display(),
                self.admin,
                self.group,
                self.dir.join("bin/send-sms").display()
            ),
            0o600,
        );
    }

    fn home(&self, name: &str) -> PathBuf {
        self.dir.join("home").join(name)
    }

    /// safecode as root itself (no SUDO_USER), with a clean environment.
    fn root(&self, args: &[&str]) -> Run {
        let mut c = Command::new(&self.bin);
        c.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", "/root")
            .args(args);
        Run::new(c, args)
    }

    /// `sudo -n safecode ARGS` as `user`, with these variables in their environment.
    fn sudo(&self, user: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut c = Command::new("runuser");
        let home = format!("HOME={}", self.home(user).display());
        c.args(["-u", user, "--", "env", "-i", "PATH=/usr/bin:/bin", &home]);
        for (k, v) in env {
            c.arg(format!("{k}={v}"));
        }
        c.args(["sudo", "-n"]).arg(&self.bin).args(args);
        c.current_dir(self.home(user));
        Run::new(c, args)
    }

    fn uid(&self, name: &str) -> u32 {
        let out = Command::new("id").args(["-u", name]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    fn sql(&self, q: &str) -> String {
        let out = crate::common::tool("sqlite3", "sqlite3")
            .arg(&self.db)
            .arg(q)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// How many refusals the audit log holds for this caller acting in `role`.
    fn refusals(&self, caller: &str, role: &str) -> usize {
        self.sql(&format!(
            "SELECT count(*) FROM audit WHERE action = 'access' AND outcome = 'refused' \
             AND os_user = '{caller} (sudo, {role})'"
        ))
        .parse()
        .unwrap()
    }

    /// Asserts exit 8 naming the role, and one more audited refusal.
    fn refused(&self, user: &str, role: &str, env: &[(&str, &str)], args: &[&str]) -> Done {
        let before = self.refusals(user, role);
        let d = self.sudo(user, env, args).code(8);
        assert!(d.stderr.contains(&format!("({role})")), "{}", d.stderr);
        assert!(d.stderr.contains("not permitted"), "{}", d.stderr);
        assert!(d.stderr.contains("\nhint: "), "{}", d.stderr);
        assert_eq!(
            self.refusals(user, role),
            before + 1,
            "refusal of {args:?} not audited"
        );
        self.no_marker();
        d
    }

    fn no_marker(&self) {
        assert!(
            !self.marker.exists(),
            "the attacker's program ran as root: {}",
            fs::read_to_string(&self.marker).unwrap_or_default()
        );
    }

    /// The code in the last SMS sent.
    fn last_code(&self) -> String {
        let log = fs::read_to_string(&self.sms_log).unwrap();
        let last = log.rsplit("TO ").next().unwrap();
        servers::code_in(last, 6)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        // Grants first, then accounts, then files; each step whatever failed before.
        if let Some(p) = self.sudoers.take() {
            let _ = fs::remove_file(p);
        }
        for u in self.users.drain(..) {
            let _ = Command::new("userdel").arg(&u).output();
        }
        for g in self.groups.drain(..) {
            let _ = Command::new("groupdel").arg(&g).output();
        }
        if self.etc_ours {
            let _ = fs::remove_dir_all(ETC);
        }
        if let Some(b) = self.etc_backup.take() {
            let _ = fs::rename(b, ETC);
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// One command, run by the first assertion (the assertions of `common::Run`).
struct Run {
    cmd: Command,
    args: String,
    stdin: Option<String>,
}

impl Run {
    fn new(cmd: Command, args: &[&str]) -> Run {
        Run {
            cmd,
            args: args.join(" "),
            stdin: None,
        }
    }

    fn stdin(mut self, s: &str) -> Run {
        self.stdin = Some(s.into());
        self
    }

    fn exec(mut self) -> Done {
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.cmd.spawn().unwrap();
        if let Some(s) = self.stdin.take() {
            let _ = child.stdin.take().unwrap().write_all(s.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        Done {
            args: self.args,
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    }

    fn code(self, code: i32) -> Done {
        let d = self.exec();
        assert_eq!(
            d.code, code,
            "`safecode {}` exited {} (wanted {code})\n--- stdout\n{}\n--- stderr\n{}",
            d.args, d.code, d.stdout, d.stderr
        );
        assert!(!d.stderr.contains("panicked"), "{}", d.stderr);
        d
    }

    fn ok(self) -> Done {
        self.code(0)
    }
}

#[test]
fn sudo_agent_cannot_choose_the_configuration_database_or_printer() {
    let Some(s) = site() else { return };
    let a = s.agent.clone();
    let evil = s.home(&a).join("evil.toml").display().to_string();
    // The attack: the agent's own config, whose [sms] command would run as root.
    s.refused(&a, "agent", &[], &["--config", &evil, "issue", "carol"]);
    s.refused(&a, "agent", &[], &["issue", "carol", "--config", &evil]);
    s.refused(
        &a,
        "agent",
        &[("SAFECODE_CONFIG", &evil)],
        &["issue", "carol"],
    );
    s.refused(
        &a,
        "agent",
        &[],
        &["--db", "/tmp/other.db", "check", "carol"],
    );
    s.refused(&a, "agent", &[("SAFECODE_DB", "/tmp/other.db")], &["stats"]);
    // A printed code is a real one.
    s.refused(&a, "agent", &[], &["--dry-run", "issue", "carol"]);
    s.refused(
        &a,
        "agent",
        &[("SAFECODE_DRY_RUN", "1")],
        &["issue", "carol"],
    );
    // HOME (kept by this site) holds an XDG config: not read, the system's
    // command sends the code.
    let xdg = s.home(&a).join(".config").display().to_string();
    s.sudo(&a, &[("XDG_CONFIG_HOME", &xdg)], &["issue", "carol"])
        .ok()
        .stdout_has("Sent a SafeCode");
    assert!(
        fs::read_to_string(&s.sms_log)
            .unwrap()
            .contains(&format!("TO {PHONE}"))
    );
    s.no_marker();
    assert_eq!(s.sql("SELECT count(*) FROM codes"), "1");
}

#[test]
fn sudo_untrusted_files_root_would_rely_on_are_refused() {
    let Some(s) = site() else { return };
    let a = s.agent.clone();
    let conf = Path::new(ETC).join("config.toml");
    // A configuration others may write names the programs root runs.
    fs::set_permissions(&conf, fs::Permissions::from_mode(0o666)).unwrap();
    s.sudo(&a, &[], &["check", "carol"])
        .code(1)
        .stderr_has("refusing configuration");
    fs::set_permissions(&conf, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(ETC, fs::Permissions::from_mode(0o777)).unwrap();
    s.sudo(&a, &[], &["check", "carol"])
        .code(1)
        .stderr_has("writable by group or others");
    fs::set_permissions(ETC, fs::Permissions::from_mode(0o755)).unwrap();
    // An [sms] command the agent owns (a site's mistake) is never run as root.
    let theirs = s.home(&a).join("evil.sh");
    fs::write(
        &conf,
        fs::read_to_string(&conf).unwrap().replace(
            &s.dir.join("bin/send-sms").display().to_string(),
            &theirs.display().to_string(),
        ),
    )
    .unwrap();
    let d = s.sudo(&a, &[], &["issue", "carol"]).exec();
    assert_ne!(d.code, 0, "{d:?}");
    assert!(d.stderr.contains("refusing [sms] command"), "{}", d.stderr);
    s.no_marker();
    s.write_config("");
    // A database someone else owns.
    sh("chown", &[&a, &s.db.display().to_string()]);
    s.sudo(&a, &[], &["check", "carol"])
        .code(1)
        .stderr_has("refusing database");
    sh("chown", &["root", &s.db.display().to_string()]);
    s.sudo(&a, &[], &["check", "carol"]).ok();
}

#[test]
fn sudo_import_opens_files_with_the_callers_rights() {
    let Some(s) = site() else { return };
    let admin = s.admin.clone();
    // The leak: /etc/shadow's first line as an "unknown column".
    let d = s
        .sudo(&admin, &[], &["import", "/etc/shadow", "--check"])
        .code(1);
    assert!(d.stderr.contains("ermission denied"), "{}", d.stderr);
    assert!(
        !d.stderr.contains("root:") && !d.stdout.contains("root:"),
        "{d:?}"
    );
    // An agent may not import at all.
    s.refused(
        &s.agent,
        "agent",
        &[],
        &["import", "/etc/shadow", "--check"],
    );
    // The admin's own file works, and an error quotes only a short prefix.
    let own = s.home(&admin).join("c.csv");
    fs::write(
        &own,
        "username,averyveryverylongcolumnnamethatgoesonandon\nx,y\n",
    )
    .unwrap();
    sh("chown", &[&admin, &own.display().to_string()]);
    let d = s
        .sudo(
            &admin,
            &[],
            &["import", &own.display().to_string(), "--check"],
        )
        .code(6);
    assert!(
        d.stderr.contains("averyveryverylongcolumnn…"),
        "{}",
        d.stderr
    );
    assert!(!d.stderr.contains("goesonandon"), "{}", d.stderr);
    let good = s.home(&admin).join("ok.csv");
    fs::write(&good, "username,phone\ndan,6174322001\n").unwrap();
    sh("chown", &[&admin, &good.display().to_string()]);
    s.sudo(&admin, &[], &["import", &good.display().to_string()])
        .ok();
    assert_eq!(
        s.sql("SELECT count(*) FROM users WHERE username = 'dan'"),
        "1"
    );
    assert!(
        s.sql("SELECT os_user FROM audit ORDER BY id DESC LIMIT 1")
            .ends_with("(sudo, admin)")
    );
    // An admin's own configuration would choose what root runs: refused; one
    // root keeps is theirs to choose.
    let evil = s.home(&admin).join("evil.toml").display().to_string();
    s.sudo(&admin, &[], &["--config", &evil, "issue", "carol"])
        .code(1)
        .stderr_has("refusing configuration");
    s.no_marker();
    let kept = Path::new(ETC).join("other.toml");
    fs::copy(Path::new(ETC).join("config.toml"), &kept).unwrap();
    s.sudo(
        &admin,
        &[],
        &["--config", &kept.display().to_string(), "check", "carol"],
    )
    .ok();
    // A backup is written with the admin's rights: into their home, owned by
    // them; never over a file of root's.
    let mine = s.home(&admin).join("backup.db");
    s.sudo(&admin, &[], &["backup", &mine.display().to_string()])
        .ok();
    assert_eq!(
        std::os::unix::fs::MetadataExt::uid(&fs::metadata(&mine).unwrap()),
        s.uid(&admin)
    );
    let roots = Path::new(ETC).join("config.toml");
    let before = fs::read(&roots).unwrap();
    let d = s
        .sudo(&admin, &[], &["backup", &roots.display().to_string()])
        .code(1);
    assert!(d.stderr.contains("ermission denied"), "{}", d.stderr);
    assert_eq!(fs::read(&roots).unwrap(), before);
    let d = s.sudo(&admin, &[], &["generate", "man", ETC]).code(1);
    assert!(d.stderr.contains("ermission denied"), "{}", d.stderr);
    assert!(!Path::new(ETC).join("safecode.1").exists());
    // An admin may print a code; what they are told is that it was printed, not
    // sent, and the audit log says so.
    let d = s.sudo(&admin, &[], &["--dry-run", "issue", "carol"]).ok();
    assert!(d.stdout.contains("not sent (dry run): sms to"), "{d:?}");
    assert!(d.stdout.contains("Printed, not sent: a SafeCode"), "{d:?}");
    assert!(!d.stdout.contains("Sent "), "{d:?}");
    assert_eq!(
        s.sql("SELECT outcome FROM audit WHERE action = 'deliver' ORDER BY id DESC LIMIT 1"),
        "printed"
    );
}

#[test]
fn sudo_sms_command_sees_none_of_the_callers_variables() {
    let Some(s) = site() else { return };
    let env = [
        ("CALLER_SECRET", "hunter2"),
        ("SAFECODE_SMS_TOKEN", "tok-of-the-caller"),
    ];
    s.sudo(&s.agent, &env, &["issue", "carol"]).ok();
    let seen = fs::read_to_string(&s.env_log).unwrap();
    for line in seen.lines().filter(|l| *l != "---") {
        let name = line.split('=').next().unwrap();
        assert!(
            ["PATH", "LANG", "PWD", "SHLVL", "_", "OLDPWD"].contains(&name),
            "the command saw {line}"
        );
    }
    assert!(
        seen.contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        "{seen}"
    );
    assert!(
        !seen.contains("hunter2") && !seen.contains("tok-of") && !seen.contains("SUDO_"),
        "{seen}"
    );
}

#[test]
fn sudo_agent_resets_anyone_and_is_refused_admin_commands() {
    let Some(s) = site() else { return };
    let a = s.agent.clone();
    s.sudo(&a, &[], &["user", "add", "erin"]).ok();
    s.sudo(
        &a,
        &[],
        &["enroll", "erin", "--phone", "6174325555", "--confirmed"],
    )
    .ok();
    s.sudo(&a, &[], &["issue", "erin"]).ok();
    let code = s.last_code();
    s.sudo(&a, &[], &["verify", "erin", &code]).ok();
    s.sudo(&a, &[], &["set-password", "erin", "--password-stdin"])
        .stdin("violet tangerine submarine 1987\n")
        .ok()
        .stdout_has("Password changed for erin");
    s.sudo(&a, &[], &["user", "show", "carol"]).ok();
    let d = s.sudo(&a, &[], &["doctor"]).exec();
    assert!(
        d.stdout
            .contains(&format!("ok    access: you are {a} (sudo, agent)")),
        "{d:?}"
    );
    assert!(
        d.stdout
            .contains(&format!("ok    access groups: group {} exists", s.group)),
        "{d:?}"
    );
    assert!(
        d.stdout
            .contains(&format!("ok    access groups: user {} exists", s.admin)),
        "{d:?}"
    );
    assert!(d.stdout.contains("ok    config owner:"), "{d:?}");
    assert!(d.stdout.contains("ok    sms command owner:"), "{d:?}");
    assert!(d.stdout.contains("ok    core dumps: off"), "{d:?}");
    s.sudo(&a, &[], &["audit", "erin"])
        .ok()
        .stdout_has(&format!("{a} (sudo, agent)"));
    for args in [
        &["import", "/dev/null"][..],
        &["export"],
        &["purge"],
        &["init"],
        &["user", "remove", "carol", "--yes"],
        &["--dry-run", "issue", "carol"],
        &["generate", "man", "/tmp"],
        &["authenticate", "carol"],
        &["skip", "carol"],
    ] {
        s.refused(&a, "agent", &[], args);
    }
    assert_eq!(
        s.sql("SELECT count(*) FROM users WHERE username = 'carol'"),
        "1"
    );
    assert_eq!(
        s.sql("SELECT username || ' ' || detail FROM audit WHERE action = 'access' AND detail LIKE 'user remove%'"),
        format!("carol user remove: not permitted: {a} (agent) may not run `user remove`")
    );
}

#[test]
fn sudo_self_user_acts_only_on_their_own_account() {
    let Some(s) = site() else { return };
    let me = s.user.clone();
    s.sudo(&me, &[], &["check"]).code(10);
    s.sudo(&me, &[], &["skip"]).ok();
    s.sudo(&me, &[], &["check", &me]).code(10);
    assert_eq!(
        s.sql(&format!("SELECT skips FROM users WHERE username = '{me}'")),
        "1"
    );
    s.sudo(&me, &[], &["enroll", "--phone", "6174329999"]).ok();
    let code = s.last_code();
    s.sudo(&me, &[], &["confirm", &me, &code]).ok();
    s.sudo(&me, &[], &["check"]).ok();
    // Anyone else's account, vouching, choosing files: refused and audited.
    s.refused(&me, "self", &[], &["check", "carol"]);
    s.refused(&me, "self", &[], &["skip", "carol"]);
    s.refused(
        &me,
        "self",
        &[],
        &["enroll", "carol", "--phone", "6174320000"],
    );
    s.refused(
        &me,
        "self",
        &[],
        &["enroll", "--phone", "6174320000", "--confirmed"],
    );
    s.refused(&me, "self", &[], &["confirm", "carol", "123456"]);
    s.refused(&me, "self", &[], &["authenticate", "carol"]);
    let evil = s.home(&me).join("evil.toml").display().to_string();
    s.refused(&me, "self", &[], &["check", "--config", &evil]);
    s.refused(
        &me,
        "self",
        &[],
        &["enroll", "--phone", "6174320000", "--dry-run"],
    );
    assert_eq!(
        s.sql("SELECT skips FROM users WHERE username = 'carol'"),
        "0"
    );
    // sudo itself grants nothing else.
    let d = s.sudo(&me, &[], &["issue", "carol"]).exec();
    assert_eq!(d.code, 1, "{d:?}");
    assert!(d.stderr.starts_with("sudo:"), "{}", d.stderr);
    assert_eq!(
        s.sql(&format!(
            "SELECT os_user FROM audit WHERE action = 'skip' AND username = '{me}'"
        )),
        format!("{me} (sudo, self)")
    );
}

#[test]
fn sudo_login_script_fails_closed() {
    let Some(s) = site() else { return };
    let script = s.dir.join("bin/login.sh");
    let text =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/login.sh")).unwrap();
    write_mode(
        &script,
        &text.replace(
            "SAFECODE=/usr/bin/safecode",
            &format!("SAFECODE={}", s.bin.display()),
        ),
        0o755,
    );
    let login = |user: &str| {
        let out = Command::new("runuser")
            .args(["-u", user, "--", "env", "-i", "PATH=/usr/bin:/bin", "sh"])
            .arg(&script)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let me = s.user.clone();
    // May skip, but no terminal for the dialog: denied.
    assert_eq!(login(&me).0, 1);
    s.root(&["enroll", &me, "--phone", "6174321111", "--confirmed"])
        .ok();
    assert_eq!(login(&me), (0, String::new()));
    // `check` failing with exit 1 (here a database others may read) denies.
    fs::set_permissions(&s.db, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, err) = login(&me);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("status 1"), "{err}");
    fs::set_permissions(&s.db, fs::Permissions::from_mode(0o600)).unwrap();
    // Not in the database at all (exit 3): denied.
    let (code, err) = login(&s.agent);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("status 3"), "{err}");
}

#[test]
fn sudo_password_targets_take_nothing_from_the_callers_environment() {
    let Some(s) = site() else { return };
    let out = s.dir.join("out/pw");
    let prog = s.dir.join("bin/set-password");
    write_mode(
        &prog,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{o}.args'\ncat > '{o}.stdin'\nenv > '{o}.env'\n",
            o = out.display()
        ),
        0o755,
    );
    s.write_config(&format!(
        "[password]\ntarget = \"command\"\ncommand = \"{}\"\n",
        prog.display()
    ));
    let a = s.agent.clone();
    let env = [
        ("CALLER_SECRET", "hunter2"),
        ("SAFECODE_LDAP_PASSWORD", "caller-chosen"),
    ];
    s.sudo(&a, &[], &["user", "add", "finn"]).ok();
    s.sudo(
        &a,
        &[],
        &["enroll", "finn", "--phone", "6174325556", "--confirmed"],
    )
    .ok();
    s.sudo(&a, &[], &["issue", "finn"]).ok();
    let code = s.last_code();
    s.sudo(&a, &env, &["verify", "finn", &code]).ok();
    s.sudo(&a, &env, &["set-password", "finn", "--password-stdin"])
        .stdin("violet tangerine submarine 1987\n")
        .ok();
    assert_eq!(
        fs::read_to_string(out.with_extension("args")).unwrap(),
        "finn\n"
    );
    assert_eq!(
        fs::read_to_string(out.with_extension("stdin")).unwrap(),
        "violet tangerine submarine 1987\n"
    );
    let seen = fs::read_to_string(out.with_extension("env")).unwrap();
    for line in seen.lines() {
        let name = line.split('=').next().unwrap();
        assert!(
            ["PATH", "LANG", "PWD", "SHLVL", "_", "OLDPWD"].contains(&name),
            "the password program saw {line}"
        );
    }
    // The LDAP service password is never taken from the caller's environment.
    s.write_config(
        "[password]\ntarget = \"ldap\"\n[password.ldap]\nurl = \"ldap://127.0.0.1:9\"\n\
         base_dn = \"dc=example,dc=org\"\nbind_dn = \"cn=safecode,dc=example,dc=org\"\n",
    );
    s.sudo(&a, &[], &["issue", "finn"]).ok();
    let code = s.last_code();
    s.sudo(&a, &env, &["verify", "finn", &code]).ok();
    let d = s
        .sudo(&a, &env, &["set-password", "finn", "--password-stdin"])
        .stdin("ochre lantern bramble 2024\n")
        .code(1);
    assert!(
        d.stderr
            .contains("under sudo the LDAP service password is read only from"),
        "{d:?}"
    );
    s.no_marker();
}
