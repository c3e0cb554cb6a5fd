//! Password targets (SPEC §8) against the real thing: a slapd started per test on
//! a free loopback port (exop, AD `unicodePwd`, StartTLS and ldaps:// with a test
//! CA, ppolicy refusals, a server stopped or frozen mid-change, 50 racing
//! changes), the example wrappers against `chpasswd --root` on a temp root and a
//! throwaway MIT KDC, and failing, hanging, slow and crashing programs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::TestEnv;
use crate::common::directory::{
    Kdc, PEOPLE, REALM, SERVICE_DN, SERVICE_PW, Slapd, SlapdOptions, need,
};

const OLD: &str = "vellum-quorum-tundra-mosaic";
const NEW: &str = "lantern-bramble-cobalt-fjord";
const NEWER: &str = "orchid-gravel-sextant-plume";

fn private_file(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// A database with `alice` enrolled, pointed at a directory at `url`.
fn ldap_env(url: &str, extra: &str) -> TestEnv {
    let env = TestEnv::new();
    let pw = env.path("ldap.secret");
    private_file(&pw, &format!("{SERVICE_PW}\n"));
    env.config(&format!(
        "[password]\ntarget = \"ldap\"\n[password.ldap]\nurl = \"{url}\"\nbase_dn = \"{PEOPLE}\"\n\
         bind_dn = \"{SERVICE_DN}\"\nbind_password_file = \"{}\"\ndoctor_user = \"alice\"\n{extra}",
        pw.display()
    ));
    env.enrolled("alice");
    env
}

fn set_with_code(env: &TestEnv, user: &str, password: &str) -> crate::common::Run {
    let code = env.issue(user);
    env.run([
        "--dry-run",
        "set-password",
        user,
        "--code",
        &code,
        "--password-stdin",
    ])
    .stdin(format!("{password}\n"))
}

fn audit(env: &TestEnv) -> String {
    env.sql("SELECT action || ' ' || outcome || ' ' || coalesce(detail, '') FROM audit WHERE action LIKE 'password%' ORDER BY id")
}

#[test]
fn ldap_reset_goes_through_password_modify_and_the_old_password_stops_working() {
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "");
    let alice = Slapd::user_dn("alice");
    assert!(slapd.binds(&alice, OLD));
    let d = set_with_code(&env, "alice", NEW).ok();
    d.stdout_has("Password changed for alice.")
        .stdout_has("your password was just changed");
    assert!(slapd.binds(&alice, NEW), "the new password does not bind");
    assert!(!slapd.binds(&alice, OLD), "the old password still binds");
    // The directory hashed it: no clear text stored.
    let stored = slapd.values(&alice, "userPassword");
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].starts_with(b"{SSHA}"),
        "{:?}",
        String::from_utf8_lossy(&stored[0])
    );
    let a = audit(&env);
    assert!(
        a.contains("password.set started window 1: ldap target; with --code"),
        "{a}"
    );
    assert!(
        a.contains("password.set ok window 1: set by the ldap target"),
        "{a}"
    );
    // Nothing of the password in safecode's database.
    assert_eq!(
        env.sql("SELECT count(*) FROM users WHERE password_hash IS NOT NULL"),
        "0"
    );
    let dump = std::fs::read(&env.db).unwrap();
    assert!(!dump.windows(NEW.len()).any(|w| w == NEW.as_bytes()));

    // authenticate binds as the user.
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\n"))
        .ok()
        .stdout_has("Authenticated.");
    env.run(["authenticate", "alice"])
        .stdin(format!("{OLD}\n"))
        .code(7);
    env.run(["authenticate", "nobody"])
        .stdin(format!("{NEW}\n"))
        .code(7);
    // An empty password would be an unauthenticated bind, which LDAP "accepts".
    env.run(["authenticate", "alice"]).stdin("\0").code(2);

    // The window was used up: a second change needs a new code.
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEWER}\n"))
        .code(4);
    env.run(["doctor"])
        .exec()
        .stdout
        .lines()
        .filter(|l| l.contains("password") || l.contains("directory"))
        .for_each(|l| {
            assert!(l.starts_with("ok"), "{l}");
        });
}

#[test]
fn unknown_directory_entry_is_exit_3_and_the_window_stays() {
    let slapd = Slapd::start(SlapdOptions::default());
    let env = ldap_env(&slapd.url(), "");
    set_with_code(&env, "alice", NEW)
        .code(3)
        .stderr_has("no entry for alice in the directory");
    // Added in the directory now: the window is still open for the retry.
    slapd.user("alice", OLD);
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .ok();
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
}

#[test]
fn a_custom_user_filter_is_used() {
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    // `*` is not a valid username for safecode, so the filter is tested with a
    // filter that would match everyone if `{username}` were pasted raw.
    let env = ldap_env(
        &slapd.url(),
        "user_filter = \"(|(uid={username})(uid=nosuch))\"\n",
    );
    set_with_code(&env, "alice", NEW).ok();
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
}

#[test]
fn a_directory_policy_refusal_is_exit_4_and_the_window_stays_for_another_password() {
    assert!(
        Path::new("/usr/lib/ldap/ppolicy.so").exists(),
        "slapd's ppolicy module is missing: apt-get install slapd"
    );
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "");
    // ppolicy keeps a history of 5 and refuses the current password.
    let d = set_with_code(&env, "alice", OLD).code(4);
    d.stderr_has("the directory refused the new password")
        .stderr_has("constraint violation");
    assert!(
        !d.stdout.contains("password was just changed"),
        "a notice went out: {}",
        d.stdout
    );
    let a = audit(&env);
    assert!(
        a.contains("password.set failed window 1: ldap target: the directory refused"),
        "{a}"
    );
    assert!(a.contains("window kept for a retry"), "{a}");
    // The same window takes another password.
    env.run(["--dry-run", "set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .ok()
        .stdout_has("your password was just changed");
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
}

#[test]
fn fifty_racing_set_password_with_one_code_change_the_directory_once() {
    let _guard = crate::common::burst();
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "");
    let code = env.issue("alice");
    let words = [
        "amber", "basalt", "cinder", "dune", "ember", "fescue", "garnet", "heron", "indigo",
        "juniper",
    ];
    let children: Vec<(String, std::process::Child)> = (0..50)
        .map(|i| {
            let pw = format!(
                "{}-{}-quorum-{i}-lattice",
                words[i % 10],
                words[(i / 10) % 10]
            );
            let mut c = env.command();
            c.args(["set-password", "alice", "--code", &code, "--password-stdin"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{pw}\n").as_bytes())
                .unwrap();
            (pw, child)
        })
        .collect();
    let mut winners = Vec::new();
    for (pw, child) in children {
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => winners.push(pw),
            Some(7) | Some(4) => {}
            other => panic!("exit {other:?}: {}", String::from_utf8_lossy(&out.stderr)),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let alice = Slapd::user_dn("alice");
    assert!(slapd.binds(&alice, &winners[0]));
    // ppolicy records each replaced password once: one change happened.
    assert_eq!(slapd.values(&alice, "pwdHistory").len(), 1);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'password.set' AND outcome = 'started'"),
        "1"
    );
}

#[test]
fn a_stopped_or_frozen_directory_is_exit_1_and_the_window_stays_usable() {
    let mut slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "timeout = \"2s\"\nconnect_timeout = \"2s\"\n");
    let code = env.issue("alice");
    env.run(["verify", "alice", &code]).ok();
    // Frozen: connections are accepted, nothing answers (stopped mid-operation).
    slapd.freeze(true);
    let d = env
        .run(["--dry-run", "set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .code(1);
    slapd.freeze(false);
    d.stderr_has("password not changed")
        .stderr_has("the reset window stays open");
    assert!(
        !d.stdout.contains("password was just changed"),
        "{}",
        d.stdout
    );
    // Gone altogether.
    slapd.stop();
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .code(1)
        .stderr_has("cannot connect to the directory");
    env.run(["doctor"]).code(1);
    slapd.restart();
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .ok();
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
    let a = audit(&env);
    assert_eq!(a.matches("password.set failed").count(), 2, "{a}");
    assert_eq!(a.matches("password.set ok").count(), 1, "{a}");
}

#[test]
fn starttls_and_ldaps_verify_the_certificate_and_its_host_name() {
    let slapd = Slapd::start(SlapdOptions {
        tls: true,
        ..SlapdOptions::default()
    });
    slapd.user("alice", OLD);
    let ca = slapd.ca.as_ref().unwrap().ca.display().to_string();
    let tls_port = slapd.tls_port.unwrap();
    let alice = Slapd::user_dn("alice");

    let starttls = ldap_env(
        &format!("ldap://localhost:{}", slapd.port),
        &format!("starttls = true\nca_file = \"{ca}\"\n"),
    );
    starttls
        .run(["doctor"])
        .exec()
        .stdout_has("connected over StartTLS (certificate verified)");
    set_with_code(&starttls, "alice", NEW).ok();
    assert!(slapd.binds(&alice, NEW));

    let ldaps = ldap_env(
        &format!("ldaps://localhost:{tls_port}"),
        &format!("ca_file = \"{ca}\"\n"),
    );
    set_with_code(&ldaps, "alice", NEWER).ok();
    assert!(slapd.binds(&alice, NEWER));
    ldaps
        .run(["authenticate", "alice"])
        .stdin(format!("{NEWER}\n"))
        .ok();

    // The certificate names localhost, not 127.0.0.1.
    let wrong = ldap_env(
        &format!("ldaps://127.0.0.1:{tls_port}"),
        &format!("ca_file = \"{ca}\"\n"),
    );
    set_with_code(&wrong, "alice", NEW)
        .code(1)
        .stderr_has("cannot connect to the directory");
    // Without the test CA the system roots do not know it.
    let unknown = ldap_env(&format!("ldaps://localhost:{tls_port}"), "");
    set_with_code(&unknown, "alice", NEW).code(1);
    assert!(
        slapd.binds(&alice, NEWER),
        "a refused connection changed the password"
    );
    // Plain LDAP to a host that is not this machine is refused before connecting.
    let plain = ldap_env("ldap://ldap.example.org", "");
    set_with_code(&plain, "alice", NEW)
        .code(1)
        .stderr_has("readable on the network");
}

#[test]
fn ad_mode_replaces_unicode_pwd_with_the_utf16le_of_the_quoted_password() {
    let slapd = Slapd::start(SlapdOptions {
        ad_schema: true,
        ..SlapdOptions::default()
    });
    let dn = Slapd::user_dn("alice");
    slapd.add(&format!(
        "dn: {dn}\nobjectClass: inetOrgPerson\nobjectClass: safecodeTestAdUser\nuid: alice\ncn: alice\nsn: alice\n"
    ));
    let env = ldap_env(&slapd.url(), "mode = \"ad\"\n");
    let pw = "smörgåsbord-lantern-cobalt";
    set_with_code(&env, "alice", pw).ok();
    let stored = slapd.values(&dn, "unicodePwd");
    let want: Vec<u8> = format!("\"{pw}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(stored, vec![want]);
}

#[test]
fn the_service_password_comes_from_a_private_file_or_the_environment() {
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "");
    std::fs::set_permissions(
        env.path("ldap.secret"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    set_with_code(&env, "alice", NEW)
        .code(1)
        .stderr_has("readable or writable by others");
    // From SAFECODE_LDAP_PASSWORD when no file is named.
    let text = std::fs::read_to_string(&env.config).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("bind_password_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    env.config(&text);
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .env("SAFECODE_LDAP_PASSWORD", SERVICE_PW)
        .ok();
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
}

// --- the command target -------------------------------------------------------

/// Copies an example wrapper, with its settings lines replaced, into `dir` as a
/// root-owned 0755 program.
fn example(name: &str, dir: &Path, settings: &[(&str, String)]) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/password-targets")
        .join(name);
    let mut text = std::fs::read_to_string(&src).unwrap();
    for (prefix, line) in settings {
        let old = text
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{name}: no {prefix} line"))
            .to_string();
        text = text.replace(&old, line);
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn command_env(program: &Path, extra: &str) -> TestEnv {
    let env = TestEnv::new();
    env.config(&format!(
        "[password]\ntarget = \"command\"\ncommand = \"{}\"\n{extra}",
        program.display()
    ));
    env.enrolled("alice");
    env
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[test]
fn local_accounts_through_chpasswd_on_a_temp_root() {
    need("chpasswd", "passwd");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
    )
    .unwrap();
    std::fs::write(root.join("etc/group"), "root:x:0:\nalice:x:1000:\n").unwrap();
    private_file(
        &root.join("etc/shadow"),
        "root:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n",
    );
    let prog = example(
        "local-account",
        dir.path(),
        &[("ROOT=", format!("ROOT={}", root.display()))],
    );
    let env = command_env(&prog, "");
    env.run(["doctor"])
        .exec()
        .stdout_has("ok    password target: command");
    set_with_code(&env, "alice", NEW)
        .ok()
        .stdout_has("your password was just changed");
    let shadow = std::fs::read_to_string(root.join("etc/shadow")).unwrap();
    let hash = shadow
        .lines()
        .find(|l| l.starts_with("alice:"))
        .unwrap()
        .split(':')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(hash.starts_with("$y$"), "{hash}");
    let verify = |pw: &str| {
        let out = std::process::Command::new("perl")
            .args([
                "-e",
                "print crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? 1 : 0",
                pw,
                &hash,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout) == "1"
    };
    assert!(verify(NEW));
    assert!(!verify(OLD));
    // root is a system account: the wrapper refuses, safecode reports its words.
    env.run(["user", "add", "root"]).ok();
    env.run(["enroll", "root", "--phone", "+16174322001", "--confirmed"])
        .ok();
    set_with_code(&env, "root", NEW)
        .code(1)
        .stderr_has("exit status 1): refusing to change the password of system account root");
    assert!(
        std::fs::read_to_string(root.join("etc/shadow"))
            .unwrap()
            .starts_with("root:*:")
    );
}

#[test]
fn kerberos_through_kadmin_and_kinit_proves_it() {
    let kdc = Kdc::start();
    kdc.local(&format!("addprinc -pw {OLD} alice"));
    let dir = tempfile::tempdir().unwrap();
    let prog = example(
        "kerberos",
        dir.path(),
        &[
            (
                "KRB5_CONFIG=",
                format!("KRB5_CONFIG={}", kdc.krb5_conf.display()),
            ),
            ("KEYTAB=", format!("KEYTAB={}", kdc.keytab.display())),
        ],
    );
    let env = command_env(&prog, "");
    assert!(kdc.kinit("alice", OLD));
    set_with_code(&env, "alice", NEW).ok();
    assert!(
        kdc.kinit("alice", NEW),
        "kinit with the new password failed"
    );
    assert!(!kdc.kinit("alice", OLD), "the old password still works");
    // The realm's policy refuses: exit 4 with kadmin's words, window kept.
    kdc.local("addpol -minlength 40 long");
    kdc.local(&format!("modprinc -policy long alice@{REALM}"));
    set_with_code(&env, "alice", NEWER)
        .code(4)
        .stderr_has("Password is too short");
    assert!(kdc.kinit("alice", NEW));
    kdc.local(&format!("modprinc -clearpolicy alice@{REALM}"));
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEWER}\n"))
        .ok();
    assert!(kdc.kinit("alice", NEWER));
}

#[test]
fn the_program_gets_the_username_as_its_only_argument_and_the_password_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let prog = script(
        dir.path(),
        "record",
        &format!(
            "printf '%s\\n' \"$#\" \"$@\" > '{o}.args'\ncat > '{o}.stdin'\nenv > '{o}.env'\n",
            o = out.display()
        ),
    );
    let env = command_env(&prog, "");
    set_with_code(&env, "alice", NEW)
        .env("SAFECODE_LDAP_PASSWORD", "leak-me")
        .env("SAFECODE_SMTP_PASSWORD", "leak-me-too")
        .env("LD_PRELOAD", "")
        .ok();
    assert_eq!(
        std::fs::read_to_string(out.with_extension("args")).unwrap(),
        "1\nalice\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.with_extension("stdin")).unwrap(),
        format!("{NEW}\n")
    );
    let environ = std::fs::read_to_string(out.with_extension("env")).unwrap();
    let names: Vec<&str> = environ
        .lines()
        .filter_map(|l| l.split('=').next())
        .filter(|n| *n != "PWD" && *n != "SHLVL" && *n != "_")
        .collect();
    // The tests run as root: exactly the fixed PATH and LANG.
    assert_eq!(names.len(), 2, "{environ}");
    for n in ["PATH", "LANG"] {
        assert!(names.contains(&n), "{environ}");
    }
    assert!(
        !environ.contains("leak-me") && !environ.contains(NEW),
        "{environ}"
    );
}

#[test]
fn failing_hanging_and_slow_programs() {
    let dir = tempfile::tempdir().unwrap();
    // Failing: exit status and the first stderr line; the window stays.
    let failing = script(
        dir.path(),
        "failing",
        "cat >/dev/null\necho 'first: directory unreachable' >&2\necho second >&2\nexit 3\n",
    );
    let env = command_env(&failing, "");
    let d = set_with_code(&env, "alice", NEW).code(1);
    d.stderr_has("failed (exit status 3): first: directory unreachable");
    assert!(!d.stderr.contains("second"), "{}", d.stderr);
    assert!(
        !d.stdout.contains("password was just changed"),
        "{}",
        d.stdout
    );
    assert!(
        audit(&env).contains("password.set failed window 1: command target: [password] command")
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM reset_windows WHERE used_at IS NULL"),
        "1"
    );
    // Exit 4 from the program is a policy refusal.
    let refusing = script(
        dir.path(),
        "refusing",
        "cat >/dev/null\necho 'too similar to an old one' >&2\nexit 4\n",
    );
    let env = command_env(&refusing, "");
    set_with_code(&env, "alice", NEW)
        .code(4)
        .stderr_has("too similar to an old one");

    // Hanging: killed at the limit with what it started.
    let pidfile = dir.path().join("sleep.pid");
    let hanging = script(
        dir.path(),
        "hanging",
        &format!("sleep 300 &\necho $! > '{}'\nwait\n", pidfile.display()),
    );
    let env = command_env(&hanging, "command_timeout = \"1s\"\n");
    set_with_code(&env, "alice", NEW)
        .code(1)
        .stderr_has("did not finish within 1 s and was killed");
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .to_string();
    let alive = || {
        Path::new(&format!("/proc/{pid}")).exists()
            && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .unwrap_or_default()
                .contains(") Z ")
    };
    for _ in 0..100 {
        if !alive() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!alive(), "the program's child {pid} survived");
    // ...and the window is still usable after the timeout.
    assert_eq!(
        env.sql("SELECT count(*) FROM reset_windows WHERE used_at IS NULL"),
        "1"
    );

    // Slow but within its limit: fine.
    let done = dir.path().join("done");
    let slow = script(
        dir.path(),
        "slow",
        &format!("cat >/dev/null\nsleep 2\ntouch '{}'\n", done.display()),
    );
    let env = command_env(&slow, "command_timeout = \"30s\"\n");
    set_with_code(&env, "alice", NEW).ok();
    assert!(done.exists());
}

#[test]
fn a_crash_between_the_targets_yes_and_the_record_shows_in_audit_and_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("changed");
    // The program "sets" the password, then kills safecode before it can record it.
    let prog = script(
        dir.path(),
        "crash",
        &format!(
            "cat >/dev/null\ntouch '{}'\nkill -9 $PPID\n",
            marker.display()
        ),
    );
    let env = command_env(&prog, "");
    let d = set_with_code(&env, "alice", NEW).exec();
    assert_eq!(d.code, -1, "safecode should have been killed: {d:?}");
    assert!(marker.exists());
    assert!(
        !d.stdout.contains("password was just changed"),
        "{}",
        d.stdout
    );
    let a = audit(&env);
    assert!(a.contains("password.set started window 1"), "{a}");
    assert!(
        !a.contains("password.set ok") && !a.contains("password.set failed"),
        "{a}"
    );
    env.run(["doctor"])
        .exec()
        .stdout_has("warn  password changes: 1 change started at the password target without a recorded outcome")
        .stdout_has("alice at ");
    // The window is used up: no second change from it.
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEWER}\n"))
        .code(4);
}

#[test]
fn unsafe_programs_are_refused_before_they_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let prog = script(
        dir.path(),
        "prog",
        &format!("cat >/dev/null\ntouch '{}'\n", marker.display()),
    );
    std::fs::set_permissions(&prog, std::fs::Permissions::from_mode(0o777)).unwrap();
    let env = command_env(&prog, "");
    set_with_code(&env, "alice", NEW)
        .code(1)
        .stderr_has("writable by group or others");
    env.run(["doctor"])
        .code(1)
        .stdout_has("fail  password target");
    assert!(!marker.exists());
    // Not an absolute path: a config error.
    env.config("[password]\ntarget = \"command\"\ncommand = \"prog\"\n");
    env.run(["doctor"])
        .code(1)
        .stdout_has("must be an absolute path");
}

// --- authenticate on the builtin target (issue #11) -------------------------------

#[test]
fn authenticate_accepts_one_trailing_nul_and_no_more() {
    let env = TestEnv::new();
    env.enrolled("alice").with_password("alice", NEW);
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\0"))
        .ok();
    env.run(["authenticate", "alice"]).stdin(NEW).ok();
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\0\0"))
        .code(7);
}

#[test]
fn authenticate_writes_an_audit_row_for_unknown_users_and_counts_failures_to_the_lock() {
    let env = TestEnv::new();
    env.config("[policy]\nmax_failures = 3\n");
    env.enrolled("alice").with_password("alice", NEW);
    env.run(["authenticate", "nobody"])
        .stdin(format!("{NEW}\n"))
        .code(7)
        .stderr_has("authentication failed");
    assert_eq!(env.sql("SELECT outcome || ' ' || detail FROM audit WHERE action = 'authenticate' AND username = 'nobody'"), "failed no such user");
    for _ in 0..3 {
        env.run(["authenticate", "alice"])
            .stdin(format!("{OLD}\n"))
            .code(7);
    }
    assert_eq!(
        env.sql("SELECT locked_at IS NOT NULL FROM users WHERE username = 'alice'"),
        "1"
    );
    // Locked: the right password is refused with the same words.
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\n"))
        .code(7)
        .stderr_has("authentication failed");
    assert!(env.sql("SELECT group_concat(outcome) FROM audit WHERE action = 'authenticate' AND username = 'alice'").ends_with("locked"));
    env.run(["user", "unlock", "alice"]).ok();
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\n"))
        .ok();
}

#[test]
fn authenticate_exits_12_when_the_password_must_be_changed() {
    let env = TestEnv::new();
    env.enrolled("alice");
    let code = env.issue("alice");
    let d = env
        .run([
            "--json",
            "--dry-run",
            "set-password",
            "alice",
            "--code",
            &code,
            "--generate",
        ])
        .ok();
    let generated = d.json()["generated_password"].as_str().unwrap().to_string();
    env.run(["authenticate", "alice"])
        .stdin(format!("{generated}\n"))
        .code(12)
        .stdout_has("must be changed now");
}

#[test]
fn authenticate_rehashes_after_the_argon2_cost_is_raised() {
    let env = TestEnv::new();
    env.enrolled("alice").with_password("alice", NEW);
    assert!(
        env.sql("SELECT password_hash FROM users")
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    );
    env.config("[password]\nargon2 = { memory_kib = 19456, iterations = 3, parallelism = 1 }\n");
    env.run(["authenticate", "alice"])
        .stdin(format!("{OLD}\n"))
        .code(7);
    assert!(
        env.sql("SELECT password_hash FROM users").contains("t=2"),
        "a wrong password rehashed"
    );
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\n"))
        .ok();
    assert!(
        env.sql("SELECT password_hash FROM users")
            .starts_with("$argon2id$v=19$m=19456,t=3,p=1$")
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'password.rehash'"),
        "1"
    );
    env.run(["authenticate", "alice"])
        .stdin(format!("{NEW}\n"))
        .ok();
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'password.rehash'"),
        "1"
    );
}

#[test]
fn a_contact_change_during_a_failed_change_keeps_the_window_closed() {
    let dir = tempfile::tempdir().unwrap();
    let env_dir = tempfile::tempdir().unwrap();
    let db = env_dir.path().join("safecode.db");
    let cfg = env_dir.path().join("config.toml");
    // While the target is asked, an agent replaces the (stolen) phone; then the
    // target fails. The window the thief's code opened must not come back.
    let prog = script(
        dir.path(),
        "replace-then-fail",
        &format!(
            "cat >/dev/null\n'{bin}' --db '{db}' --config '{cfg}' enroll alice --phone +16174322999 --confirmed >/dev/null 2>&1 || exit 9\n\
             echo 'directory unreachable' >&2\nexit 1\n",
            bin = crate::common::bin().display(),
            db = db.display(),
            cfg = cfg.display()
        ),
    );
    let env = TestEnv::new();
    std::fs::rename(&env.db, &db).unwrap();
    let env = TestEnv {
        db: db.clone(),
        config: cfg.clone(),
        ..env
    };
    env.config(&format!(
        "[password]\ntarget = \"command\"\ncommand = \"{}\"\n",
        prog.display()
    ));
    env.enrolled("alice");
    set_with_code(&env, "alice", NEW)
        .code(1)
        .stderr_has("directory unreachable");
    assert!(
        !audit(&env).contains("window kept for a retry"),
        "{}",
        audit(&env)
    );
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin(format!("{NEW}\n"))
        .code(4);
}

#[test]
fn reset_at_a_terminal_asks_again_when_the_directory_refuses() {
    use expectrl::Expect;
    let slapd = Slapd::start(SlapdOptions::default());
    slapd.user("alice", OLD);
    let env = ldap_env(&slapd.url(), "");
    let mut p = crate::pty::spawn(&env, &["--dry-run", "reset", "alice"]);
    let found = p
        .expect(expectrl::Regex("SafeCode ([0-9]{6}) for"))
        .unwrap();
    let code = String::from_utf8_lossy(&found[1]).to_string();
    p.expect("Code the caller reads back").unwrap();
    p.send_line(&code).unwrap();
    p.expect("Code accepted").unwrap();
    // The current password passes safecode's policy but not the directory's.
    for pw in [OLD, NEW] {
        p.expect("New password").unwrap();
        p.send_line(pw).unwrap();
        p.expect("Repeat it").unwrap();
        p.send_line(pw).unwrap();
        if pw == OLD {
            p.expect("the directory refused the new password").unwrap();
            p.expect("try another").unwrap();
        }
    }
    p.expect("Password changed for alice").unwrap();
    assert_eq!(crate::pty::exit_code(&mut p), 0);
    assert!(slapd.binds(&Slapd::user_dn("alice"), NEW));
}
