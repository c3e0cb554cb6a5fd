//! Issue 2: database, users, enrollment, skips, check, carriers, bad input.

use std::process::Command;

use crate::common::{TestEnv, bin, mode};

fn user_count(env: &TestEnv) -> String {
    env.sql("SELECT count(*) FROM users")
}

#[test]
fn init_creates_a_private_database_whatever_the_umask() {
    let env = TestEnv::bare();
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!("umask 022; exec {} init", bin().display()))
        .env("SAFECODE_DB", &env.db)
        .env("SAFECODE_CONFIG", &env.config)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(mode(&env.db), 0o600);
    // Keep a reader open so the -wal and -shm files stay, then write under umask 022.
    let mut reader = crate::common::tool("sqlite3", "sqlite3")
        .arg(&env.db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let si = reader.stdin.as_mut().unwrap();
        writeln!(si, "BEGIN; SELECT count(*) FROM users;").unwrap();
        si.flush().unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let st = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022; exec {} user add carol",
            bin().display()
        ))
        .env("SAFECODE_DB", &env.db)
        .env("SAFECODE_CONFIG", &env.config)
        .status()
        .unwrap();
    assert!(st.success());
    for side in ["-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{side}", env.db.display()));
        assert!(p.exists(), "{side} should exist while a reader is open");
        assert_eq!(mode(&p), 0o600, "{side}");
    }
    drop(reader.stdin.take());
    reader.wait().unwrap();
}

#[test]
fn init_twice_is_an_upgrade_no_op() {
    let env = TestEnv::new();
    env.run(["init"]).ok().stdout_has("up to date");
    let j = env.run(["--json", "init"]).ok().json();
    assert_eq!(j["created"], false);
    assert_eq!(j["schema_version"], 2);
}

#[test]
fn commands_refuse_a_missing_database_and_never_create_it() {
    let env = TestEnv::bare();
    env.run(["user", "list"])
        .code(3)
        .stderr_has("does not exist")
        .stderr_has("safecode init");
    assert!(!env.db.exists());
    let other = env.path("typo.db");
    env.run(["--db", other.to_str().unwrap(), "check", "x"])
        .code(3);
    assert!(!other.exists());
}

#[test]
fn db_in_a_missing_directory() {
    let env = TestEnv::bare();
    let p = env.path("no/such/dir/x.db");
    env.run(["--db", p.to_str().unwrap(), "init"])
        .code(3)
        .stderr_has("does not exist");
    assert!(!p.exists());
}

#[test]
fn a_database_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(["user", "list"])
        .code(1)
        .stderr_has("readable or writable by others")
        .stderr_has("chmod 600");
    env.run(["user", "add", "x"]).code(1);
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(user_count(&env), "0");
}

#[test]
fn a_read_only_database_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o400)).unwrap();
    env.run(["user", "add", "x"])
        .code(1)
        .stderr_has("read-only");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(user_count(&env), "0");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::bare();
    std::fs::write(&env.db, "this is not a database, just text\n".repeat(200)).unwrap();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.run(["user", "list"])
        .code(1)
        .stderr_has("not a safecode database");
    env.run(["init"])
        .code(1)
        .stderr_has("not a safecode database");
}

#[test]
fn a_config_typo_names_the_key() {
    let env = TestEnv::new();
    env.config("[policy]\nmax_skip = 3\n");
    env.run(["check", "x"])
        .code(1)
        .stderr_has("max_skip")
        .stderr_has("line 2");
}

#[test]
fn explicit_missing_config_is_an_error() {
    let env = TestEnv::new();
    env.run(["--config", "/nonexistent/safecode.toml", "user", "list"])
        .code(1)
        .stderr_has("does not exist");
}

#[test]
fn config_durations_and_policy_apply() {
    let env = TestEnv::new();
    env.config("[policy]\nmax_skips = 2\n");
    env.run(["user", "add", "dora"]).ok();
    env.run(["skip", "dora"]).ok().stdout_has("1 skip left");
    env.run(["skip", "dora"]).ok().stdout_has("no skips left");
    env.run(["skip", "dora"]).code(4);
    env.run(["check", "dora"]).code(11);
}

#[test]
fn user_add_show_list_remove() {
    let env = TestEnv::new();
    env.run(["user", "add", "Alice", "--name", "Alice Smith"])
        .ok()
        .stdout_has("Added user Alice");
    env.run(["user", "add", "alice"])
        .code(1)
        .stderr_has("already exists");
    // Case-insensitive lookup.
    let j = env.run(["--json", "user", "show", "ALICE"]).ok().json();
    assert_eq!(j["username"], "Alice");
    assert_eq!(j["name"], "Alice Smith");
    assert_eq!(j["state"], "may-skip");
    assert_eq!(j["skips"], 0);
    assert!(j["phone"].is_null());
    assert!(j["email"].is_null());
    assert_eq!(j["locked"], false);
    assert!(j["password_changed_at"].is_null());
    env.run(["user", "show", "alice"])
        .ok()
        .stdout_has("Alice Smith")
        .stdout_has("may-skip");
    env.run(["user", "add", "bob"]).ok();
    env.enrolled("bob");
    let list = env.run(["--json", "user", "list"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let enrolled = env
        .run(["--json", "user", "list", "--state", "enrolled"])
        .ok()
        .json();
    assert_eq!(enrolled.as_array().unwrap().len(), 1);
    assert_eq!(enrolled[0]["username"], "bob");
    let limited = env
        .run(["--json", "user", "list", "--limit", "1"])
        .ok()
        .json();
    assert_eq!(limited.as_array().unwrap().len(), 1);
    env.run(["user", "list"])
        .ok()
        .stdout_has("bob")
        .stdout_has("+1 ***-***-2000");
    // No terminal: removal needs --yes.
    env.run(["user", "remove", "bob"])
        .code(2)
        .stderr_has("--yes");
    env.run(["user", "remove", "bob", "--yes"]).ok();
    env.run(["user", "show", "bob"]).code(3);
    assert_eq!(env.sql("SELECT count(*) FROM contacts"), "0");
}

#[test]
fn bad_usernames_are_usage_errors_and_write_nothing() {
    let env = TestEnv::new();
    let long = "a".repeat(65);
    for bad in ["a b", "a\u{7}b", "", long.as_str(), "ünï", "a/b", "a\nb"] {
        env.run(["user", "add", bad])
            .code(2)
            .stderr_has("invalid username");
        env.run(["enroll", bad, "--phone", "6174322000"]).code(2);
    }
    env.run(["user", "add", &"a".repeat(64)]).ok();
    env.run(["user", "add", "j.doe_1-x@hms"]).ok();
    assert_eq!(user_count(&env), "2");
}

#[test]
fn enroll_normalises_phones_from_several_countries() {
    let env = TestEnv::new();
    let cases = [
        ("(617) 432-2000", "+16174322000"),
        ("617.432.2000", "+16174322000"),
        ("+1 617 432 2000", "+16174322000"),
        ("+44 7400 123456", "+447400123456"),
        ("+49 151 23456789", "+4915123456789"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+20 10 1234 5678", "+201012345678"),
    ];
    for (i, (input, e164)) in cases.iter().enumerate() {
        let user = format!("u{i}");
        env.user(&user);
        env.run(["enroll", &user, "--phone", input, "--confirmed"])
            .ok();
        let j = env.run(["--json", "user", "show", &user]).ok().json();
        assert_eq!(j["phone"]["number"], *e164, "{input}");
        assert_eq!(j["state"], "enrolled");
    }
}

#[test]
fn enroll_rejects_bad_phones_emails_and_carriers() {
    let env = TestEnv::new();
    env.run(["user", "add", "eve"]).ok();
    for bad in ["123", "+1 555", "abc", "1-800-FLOWERS", ""] {
        env.run(["enroll", "eve", "--phone", bad]).code(2);
    }
    for bad in ["eve.example.com", "eve @gmail.com", "eve@", "@gmail.com"] {
        env.run(["enroll", "eve", "--email", bad]).code(2);
    }
    for inst in [
        "eve@hms.harvard.edu",
        "eve@HMS.Harvard.EDU",
        "eve@med.harvard.edu.",
        "eve@lab.hsdm.harvard.edu",
    ] {
        env.run(["enroll", "eve", "--email", inst])
            .code(4)
            .stderr_has("institution");
    }
    env.run([
        "enroll",
        "eve",
        "--phone",
        "6174322000",
        "--carrier",
        "acme-nope",
    ])
    .code(2)
    .stderr_has("unknown carrier");
    env.run(["enroll", "eve"]).code(2).stderr_has("--phone");
    assert_eq!(env.sql("SELECT count(*) FROM contacts"), "0");
}

#[test]
fn enroll_email_idn_and_affiliate() {
    let env = TestEnv::new();
    env.run(["user", "add", "fay"]).ok();
    env.run([
        "enroll",
        "fay",
        "--email",
        "Fay@Bücher.example",
        "--confirmed",
    ])
    .ok();
    let j = env.run(["--json", "user", "show", "fay"]).ok().json();
    assert_eq!(j["email"]["address"], "Fay@xn--bcher-kva.example");
    env.run(["user", "add", "gus"]).ok();
    env.run(["--dry-run", "enroll", "gus", "--email", "gus@partners.org"])
        .ok();
    let j = env.run(["--json", "user", "show", "gus"]).ok().json();
    assert_eq!(j["email"]["preferred"], true);
    assert_eq!(j["email"]["confirmed"], false);
    assert_eq!(j["state"], "may-skip");
}

#[test]
fn replacing_a_contact_is_audited_with_the_old_one() {
    let env = TestEnv::new();
    env.run(["user", "add", "hal"]).ok();
    env.run([
        "enroll",
        "hal",
        "--phone",
        "6174322000",
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    env.run(["enroll", "hal", "--phone", "6174325555", "--confirmed"])
        .ok()
        .stdout_has("Replaced");
    let detail = env.sql("SELECT detail FROM audit WHERE action = 'contact.replace'");
    assert!(detail.contains("+16174322000"), "{detail}");
    assert!(detail.contains("+16174325555"), "{detail}");
    let who = env.sql("SELECT os_user FROM audit LIMIT 1");
    assert!(!who.is_empty());
}

#[test]
fn unenroll_refuses_the_last_confirmed_contact() {
    let env = TestEnv::new();
    env.run(["user", "add", "ivy"]).ok();
    env.run([
        "enroll",
        "ivy",
        "--phone",
        "6174322000",
        "--email",
        "ivy@gmail.com",
        "--confirmed",
    ])
    .ok();
    env.run(["unenroll", "ivy", "--email"]).ok();
    env.run(["unenroll", "ivy", "--phone"])
        .code(4)
        .stderr_has("cannot be disabled");
    env.run(["unenroll", "ivy", "--email"]).code(3);
    env.run(["unenroll", "ivy"]).code(2);
    env.run(["check", "ivy"]).ok();
}

#[test]
fn skip_limit_then_must_register_then_enrolled() {
    let env = TestEnv::new();
    env.run(["user", "add", "jon"]).ok();
    env.run(["check", "jon"])
        .code(10)
        .stdout_has("may skip 5 more times");
    for i in 1..=5 {
        env.run(["skip", "jon"]).ok();
        let expected = if i < 5 { 10 } else { 11 };
        env.run(["check", "jon"]).code(expected);
    }
    env.run(["skip", "jon"]).code(4).stderr_has("must register");
    assert_eq!(
        env.sql("SELECT skips FROM users WHERE username = 'jon'"),
        "5"
    );
    env.run(["check", "jon"]).code(11);
    env.run(["enroll", "jon", "--phone", "6174322000", "--confirmed"])
        .ok();
    env.run(["check", "jon"]).code(0);
    env.run(["skip", "jon"]).ok().stdout_has("already enrolled");
    let j = env.run(["--json", "check", "jon"]).ok().json();
    assert_eq!(j["state"], "enrolled");
}

#[test]
fn check_and_skip_for_unknown_users() {
    let env = TestEnv::new();
    env.run(["check", "nobody"]).code(3);
    env.run(["skip", "nobody"]).code(3);
}

#[test]
fn user_unlock_clears_the_lock() {
    let env = TestEnv::new();
    env.run(["user", "add", "kim"]).ok();
    env.sql("UPDATE users SET locked_at = 1, failures = 20 WHERE username = 'kim'");
    env.run(["user", "show", "kim"]).ok().stdout_has("since");
    env.run(["user", "unlock", "kim"])
        .ok()
        .stdout_has("Unlocked kim");
    let j = env.run(["--json", "user", "show", "kim"]).ok().json();
    assert_eq!(j["locked"], false);
    assert_eq!(j["failures"], 0);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'user.unlock'"),
        "1"
    );
}

#[test]
fn carriers_lists_builtin_and_configured() {
    let env = TestEnv::new();
    env.config("[carriers.acme]\nname = \"Acme Mobile\"\ngateway = \"sms.acme.example\"\n");
    env.run(["carriers"])
        .ok()
        .stdout_has("verizon")
        .stdout_has("vtext.com")
        .stdout_has("sms.acme.example")
        .stdout_has("discontinued");
    let j = env.run(["--json", "carriers"]).ok().json();
    assert!(j.as_array().unwrap().iter().any(|c| c["id"] == "acme"));
    env.run(["user", "add", "lee"]).ok();
    env.run([
        "enroll",
        "lee",
        "--phone",
        "6174322000",
        "--carrier",
        "Acme Mobile",
        "--confirmed",
    ])
    .ok();
}

#[test]
fn prompt_without_a_terminal_is_a_usage_error() {
    let env = TestEnv::new();
    env.run(["user", "add", "max"]).ok();
    env.run(["prompt", "max"]).code(2).stderr_has("terminal");
}

#[test]
fn every_state_change_is_audited_without_secrets() {
    let env = TestEnv::new();
    env.run(["user", "add", "ned"]).ok();
    env.run([
        "--actor",
        "ticket-42",
        "enroll",
        "ned",
        "--phone",
        "6174322000",
        "--confirmed",
    ])
    .ok();
    let actor = env.sql("SELECT actor FROM audit WHERE action = 'contact.add'");
    assert_eq!(actor, "ticket-42");
    let actions = env.sql("SELECT group_concat(action, ',') FROM audit");
    assert!(actions.contains("init"), "{actions}");
    assert!(actions.contains("user.add"), "{actions}");
    assert!(actions.contains("contact.add"), "{actions}");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let env = TestEnv::new();
    env.run(["frobnicate"]).code(2);
    let bare: [&str; 0] = [];
    env.run(bare).code(2).stderr_has("Usage");
    env.run(["--help"]).ok().stdout_has("Exit codes");
    env.run(["enroll", "--help"]).ok().stdout_has("Examples");
}

#[test]
fn user_add_with_an_initial_password_from_stdin() {
    let env = TestEnv::new();
    env.run(["user", "add", "pat", "--password-stdin"])
        .stdin("plum-voyage-lantern-seventeen\n")
        .ok();
    env.run(["authenticate", "pat"])
        .stdin("plum-voyage-lantern-seventeen\n")
        .ok();
    env.run(["user", "add", "pia", "--password-stdin"])
        .stdin("password\n")
        .code(4);
    env.run(["user", "show", "pia"]).code(3);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    for i in 0..300 {
        env.run(["user", "add", &format!("u{i:03}")]).ok();
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} user list | head -n 1 >/dev/null",
            bin().display()
        ))
        .env("SAFECODE_DB", &env.db)
        .env("SAFECODE_CONFIG", &env.config)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {err}", out.status.code());
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn dry_run_and_actor_come_from_the_environment() {
    let env = TestEnv::new();
    env.enrolled("rex");
    env.run(["issue", "rex"])
        .env("SAFECODE_DRY_RUN", "1")
        .env("SAFECODE_ACTOR", "INC-7")
        .ok()
        .stdout_has("not sent");
    assert_eq!(
        env.sql("SELECT actor FROM audit WHERE action = 'issue'"),
        "INC-7"
    );
}
