//! Issue 3: SafeCodes and password changes.

use std::process::Stdio;

use crate::common::{TestEnv, code_in};

const GOOD_PW: &str = "plum-voyage-lantern-seventeen";

#[test]
fn issue_verify_set_password_authenticate() {
    let env = TestEnv::new();
    env.enrolled("alice");
    let d = env.run(["--dry-run", "issue", "alice"]).ok();
    d.stdout_has("not sent (dry run): sms to +16174322000")
        .stdout_has("HMS")
        .stdout_has("(617) 432-2000")
        .stdout_has("10 minutes")
        .stdout_has("+1 ***-***-2000");
    let code = code_in(&d.stdout);
    assert_eq!(code.len(), 6);
    let j = env.run(["--json", "verify", "alice", &code]).ok().json();
    assert_eq!(j["verified"], true);
    assert!(j["reset_window_until"].as_str().unwrap().ends_with('Z'));
    env.run(["--dry-run", "set-password", "alice", "--password-stdin"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok()
        .stdout_has("Password changed for alice")
        // The notice to the confirmed phone.
        .stdout_has("not sent (dry run): sms to +16174322000");
    env.run(["authenticate", "alice"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
    env.run(["authenticate", "alice"])
        .stdin("plum-voyage-lantern-eighteen\n")
        .code(7)
        .stderr_has("authentication failed");
    // One window, one change.
    env.run(["set-password", "alice", "--password-stdin"])
        .stdin("another-quite-long-passphrase-42\n")
        .code(4)
        .stderr_has("no open reset window");
    let j = env.run(["--json", "user", "show", "alice"]).ok().json();
    assert!(j["password_changed_at"].as_str().is_some());
}

#[test]
fn the_stored_hash_is_argon2id_with_the_minimum_parameters() {
    let env = TestEnv::new();
    env.enrolled("bea").with_password("bea", GOOD_PW);
    let phc = env.sql("SELECT password_hash FROM users WHERE username = 'bea'");
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
}

#[test]
fn configured_argon2_parameters_are_used() {
    let env = TestEnv::new();
    env.config("[password]\nargon2 = { memory_kib = 32768, iterations = 3, parallelism = 1 }\n");
    env.enrolled("cy").with_password("cy", GOOD_PW);
    let phc = env.sql("SELECT password_hash FROM users WHERE username = 'cy'");
    assert!(phc.starts_with("$argon2id$v=19$m=32768,t=3,p=1$"), "{phc}");
}

#[test]
fn twenty_processes_verifying_one_code_succeed_exactly_once() {
    let env = TestEnv::new();
    env.enrolled("dan");
    let code = env.issue("dan");
    let children: Vec<_> = (0..20)
        .map(|_| {
            env.command()
                .args(["verify", "dan", &code])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut ok = 0;
    let mut rejected = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        match out.status.code() {
            Some(0) => ok += 1,
            Some(7) => {
                rejected += 1;
                let e = String::from_utf8_lossy(&out.stderr);
                assert!(e.contains("already used"), "{e}");
            }
            other => panic!(
                "unexpected exit {other:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    assert_eq!((ok, rejected), (1, 19));
    assert_eq!(env.sql("SELECT count(*) FROM reset_windows"), "1");
    assert!(!env.sql("PRAGMA integrity_check").is_empty());
}

#[test]
fn five_wrong_attempts_void_the_code() {
    let env = TestEnv::new();
    env.enrolled("eli");
    let code = env.issue("eli");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        env.run(["verify", "eli", wrong])
            .code(7)
            .stderr_has(&format!("{left} attempt"));
    }
    env.run(["verify", "eli", wrong])
        .code(7)
        .stderr_has("code is now void");
    env.run(["verify", "eli", &code]).code(7).stderr_has("void");
    assert_eq!(env.sql("SELECT state FROM codes"), "voided");
    // Five wrong entries plus the attempt on the void code.
    assert_eq!(env.sql("SELECT failures FROM users"), "6");
}

#[test]
fn a_new_code_voids_the_old_one() {
    let env = TestEnv::new();
    env.enrolled("fox");
    let old = env.issue("fox");
    let new = env.issue("fox");
    if old != new {
        env.run(["verify", "fox", &old]).code(7);
    }
    env.run(["verify", "fox", &new]).ok();
    assert_eq!(
        env.sql("SELECT group_concat(state, ',') FROM (SELECT state FROM codes ORDER BY id)"),
        "voided,used"
    );
}

#[test]
fn rate_limit_three_per_fifteen_minutes() {
    let env = TestEnv::new();
    env.enrolled("gil");
    for _ in 0..3 {
        env.issue("gil");
    }
    env.run(["--dry-run", "issue", "gil"])
        .code(4)
        .stderr_has("rate limited")
        .stderr_has("next may be sent at");
    assert_eq!(env.sql("SELECT count(*) FROM codes"), "3");
    // Sixteen minutes later the short window has passed.
    let d = env.run(["--dry-run", "issue", "gil"]).faketime("+16m").ok();
    let code = code_in(&d.stdout);
    env.run(["verify", "gil", &code]).faketime("+17m").ok();
}

#[test]
fn rate_limit_ten_per_day() {
    let env = TestEnv::new();
    env.enrolled("hob");
    for i in 0..10 {
        // Three per quarter hour: spread the ten over an hour.
        let offset = format!("+{}m", (i / 3) * 16);
        env.run(["--dry-run", "issue", "hob"])
            .faketime(&offset)
            .ok();
    }
    env.run(["--dry-run", "issue", "hob"])
        .faketime("+70m")
        .code(4)
        .stderr_has("in 1d");
}

#[test]
fn expired_codes_are_rejected() {
    let env = TestEnv::new();
    env.enrolled("ian");
    let code = env.issue("ian");
    env.run(["verify", "ian", &code])
        .faketime("+11m")
        .code(7)
        .stderr_has("expired");
    // Still rejected later, and it never became usable again.
    env.run(["verify", "ian", &code]).faketime("+12m").code(7);
}

#[test]
fn the_reset_window_closes() {
    let env = TestEnv::new();
    env.enrolled("jay");
    let code = env.issue("jay");
    env.run(["verify", "jay", &code]).ok();
    env.run(["set-password", "jay", "--password-stdin"])
        .faketime("+11m")
        .stdin(format!("{GOOD_PW}\n"))
        .code(4)
        .stderr_has("no open reset window");
}

#[test]
fn code_input_is_forgiving_but_strict() {
    let env = TestEnv::new();
    env.enrolled("kai");
    let code = env.issue("kai");
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    env.run(["verify", "kai", "12345"])
        .code(7)
        .stderr_has("6 digits");
    env.run(["verify", "kai", "12a456"])
        .code(7)
        .stderr_has("not a valid code");
    env.run(["verify", "kai", "1234567"]).code(7);
    // Malformed input does not count as an attempt.
    assert_eq!(env.sql("SELECT attempts FROM codes"), "0");
    env.run(["verify", "kai", &spaced]).ok();
}

#[test]
fn verify_reads_the_code_from_stdin_and_needs_one_in_scripts() {
    let env = TestEnv::new();
    env.enrolled("lou");
    let code = env.issue("lou");
    env.run(["verify", "lou"])
        .code(2)
        .stderr_has("no code given");
    env.run(["verify", "lou", "-"])
        .stdin(format!("{code}\n"))
        .ok();
}

#[test]
fn no_code_outstanding_and_already_used() {
    let env = TestEnv::new();
    env.enrolled("max");
    env.run(["verify", "max", "123456"])
        .code(7)
        .stderr_has("no code is outstanding");
    let code = env.issue("max");
    env.run(["verify", "max", &code]).ok();
    env.run(["verify", "max", &code])
        .code(7)
        .stderr_has("already used");
}

#[test]
fn issue_is_refused_for_unenrolled_and_unknown_users() {
    let env = TestEnv::new();
    env.run(["user", "add", "ned"]).ok();
    env.run(["--dry-run", "issue", "ned"])
        .code(4)
        .stderr_has("not enrolled");
    env.run(["--dry-run", "issue", "nobody"]).code(3);
    env.run(["--dry-run", "enroll", "ned", "--email", "ned@gmail.com"])
        .ok();
    // Unconfirmed contacts do not receive reset codes.
    env.run(["--dry-run", "issue", "ned"]).code(4);
    env.run(["--dry-run", "issue", "ned", "--via", "sms"])
        .code(4);
    assert_eq!(
        env.sql("SELECT count(*) FROM codes WHERE purpose = 'reset'"),
        "0"
    );
}

#[test]
fn issue_without_delivery_configured_names_the_keys() {
    let env = TestEnv::new();
    env.enrolled("oli");
    env.run(["issue", "oli"]).code(1).stderr_has("[sms]");
    env.run(["enroll", "oli", "--email", "oli@gmail.com"])
        .code(1);
    assert_eq!(env.sql("SELECT count(*) FROM codes"), "0");
    assert_eq!(
        env.sql("SELECT count(*) FROM contacts WHERE channel = 'email'"),
        "0"
    );
}

#[test]
fn via_email_picks_the_email() {
    let env = TestEnv::new();
    env.run(["user", "add", "pam"]).ok();
    env.run([
        "enroll",
        "pam",
        "--phone",
        "6174322000",
        "--email",
        "pam@gmail.com",
        "--confirmed",
    ])
    .ok();
    env.run(["--dry-run", "issue", "pam", "--via", "email"])
        .ok()
        .stdout_has("email to pam@gmail.com")
        .stdout_has("Subject:")
        .stdout_has("p***@gmail.com");
}

#[test]
fn failures_lock_the_user_until_unlocked() {
    let env = TestEnv::new();
    env.config("[policy]\nmax_attempts = 2\nmax_failures = 3\n");
    env.enrolled("quy");
    let code = env.issue("quy");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    env.run(["verify", "quy", wrong]).code(7);
    env.run(["verify", "quy", wrong]).code(7).stderr_has("void");
    let code2 = env.issue("quy");
    let wrong2 = if code2 == "000000" {
        "111111"
    } else {
        "000000"
    };
    // A new code does not reset the consecutive-failure counter.
    env.run(["verify", "quy", wrong2])
        .code(7)
        .stderr_has("locked");
    env.run(["verify", "quy", &code2])
        .code(4)
        .stderr_has("locked");
    env.run(["--dry-run", "issue", "quy"])
        .code(4)
        .stderr_has("locked");
    env.run(["user", "unlock", "quy"]).ok();
    env.run(["verify", "quy", &code2]).ok();
    assert_eq!(env.sql("SELECT failures FROM users"), "0");
    let actions = env.sql("SELECT group_concat(action || ':' || outcome, ' ') FROM audit");
    assert!(actions.contains("user.lock:ok"), "{actions}");
    assert!(actions.contains("user.unlock:ok"), "{actions}");
}

#[test]
fn a_success_resets_the_failure_counter() {
    let env = TestEnv::new();
    env.enrolled("ray");
    let code = env.issue("ray");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    env.run(["verify", "ray", wrong]).code(7);
    assert_eq!(env.sql("SELECT failures FROM users"), "1");
    env.run(["verify", "ray", &code]).ok();
    assert_eq!(env.sql("SELECT failures FROM users"), "0");
}

#[test]
fn set_password_with_code_in_one_step() {
    let env = TestEnv::new();
    env.enrolled("sam");
    let code = env.issue("sam");
    env.run([
        "--dry-run",
        "set-password",
        "sam",
        "--code",
        "000000",
        "--password-stdin",
    ])
    .stdin(format!("{GOOD_PW}\n"))
    .code(if code == "000000" { 0 } else { 7 });
    if code != "000000" {
        assert_eq!(env.sql("SELECT password_hash IS NULL FROM users"), "1");
        env.run([
            "--dry-run",
            "set-password",
            "sam",
            "--code",
            &code,
            "--password-stdin",
        ])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
    }
    assert_eq!(env.sql("SELECT state FROM codes"), "used");
    env.run(["authenticate", "sam"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
}

#[test]
fn weak_passwords_are_refused_with_a_reason() {
    let env = TestEnv::new();
    env.enrolled("tom");
    let code = env.issue("tom");
    env.run(["verify", "tom", &code]).ok();
    let long = "x".repeat(129);
    for (pw, why) in [
        ("short-pw", "12"),
        ("password1234", "password refused"),
        ("tom123456789", "password refused"),
        (long.as_str(), "128"),
    ] {
        env.run(["set-password", "tom", "--password-stdin"])
            .stdin(format!("{pw}\n"))
            .code(4)
            .stderr_has(why);
    }
    env.run(["set-password", "tom", "--password-stdin"])
        .stdin("")
        .code(2)
        .stderr_has("no password");
    env.run(["set-password", "tom"])
        .code(2)
        .stderr_has("--password-stdin");
    // The window is still open after the refusals.
    env.run(["--dry-run", "set-password", "tom", "--password-stdin"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
    // Equal to the current password.
    let code = env.issue("tom");
    env.run(["verify", "tom", &code]).ok();
    env.run(["set-password", "tom", "--password-stdin"])
        .stdin(format!("{GOOD_PW}\n"))
        .code(4)
        .stderr_has("current");
}

#[test]
fn generated_passwords_are_shown_once_and_flagged() {
    let env = TestEnv::new();
    env.enrolled("uma");
    let code = env.issue("uma");
    env.run(["verify", "uma", &code]).ok();
    let j = env
        .run(["--json", "--dry-run", "set-password", "uma", "--generate"])
        .ok()
        .json();
    let pw = j["generated_password"].as_str().unwrap().to_string();
    assert!(pw.split('-').count() >= 5, "{pw}");
    assert_eq!(j["must_change_password"], true);
    // Exit 12: right password, but it must be changed now.
    env.run(["authenticate", "uma"])
        .stdin(format!("{pw}\n"))
        .code(12)
        .stdout_has("must be changed");
    let s = env.run(["--json", "user", "show", "uma"]).ok().json();
    assert_eq!(s["must_change_password"], true);
    // Not in the audit log.
    assert!(
        !env.sql("SELECT group_concat(detail, ' ') FROM audit")
            .contains(&pw)
    );
}

#[test]
fn authenticate_unknown_user_looks_like_a_wrong_password() {
    let env = TestEnv::new();
    env.run(["user", "add", "vic"]).ok();
    let a = env
        .run(["authenticate", "nobody"])
        .stdin(format!("{GOOD_PW}\n"))
        .code(7);
    let b = env
        .run(["authenticate", "vic"])
        .stdin(format!("{GOOD_PW}\n"))
        .code(7);
    assert_eq!(a.stderr, b.stderr);
}

#[test]
fn confirm_a_new_contact_with_its_code() {
    let env = TestEnv::new();
    env.run(["user", "add", "wes"]).ok();
    let d = env
        .run(["--dry-run", "enroll", "wes", "--email", "wes@gmail.com"])
        .ok();
    d.stdout_has("not sent (dry run): email to wes@gmail.com");
    let code = code_in(&d.stdout);
    env.run(["check", "wes"]).code(10);
    env.run(["confirm", "wes", &code])
        .ok()
        .stdout_has("Confirmed w***@gmail.com");
    env.run(["check", "wes"]).ok();
    env.run(["confirm", "wes", &code]).code(7);
}

#[test]
fn replacing_a_contact_notifies_the_old_one_and_voids_its_codes() {
    let env = TestEnv::new();
    env.enrolled("xan");
    let old_code = env.issue("xan");
    let d = env
        .run([
            "--dry-run",
            "enroll",
            "xan",
            "--phone",
            "6174325555",
            "--confirmed",
        ])
        .ok();
    d.stdout_has("not sent (dry run): sms to +16174322000");
    env.run(["verify", "xan", &old_code])
        .code(7)
        .stderr_has("void");
}

#[test]
fn secrets_never_reach_the_database_files() {
    let env = TestEnv::new();
    env.run(["user", "add", "yul"]).ok();
    env.run([
        "enroll",
        "yul",
        "--phone",
        "6174322000",
        "--email",
        "yul@gmail.com",
        "--confirmed",
    ])
    .ok();
    // Keep a reader open so the WAL file is not checkpointed away.
    let mut reader = crate::common::tool("sqlite3", "sqlite3")
        .arg(&env.db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(env.issue("yul"));
    }
    env.run(["verify", "yul", codes.last().unwrap()]).ok();
    env.run(["--dry-run", "set-password", "yul", "--password-stdin"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
    let mut bytes = std::fs::read(&env.db).unwrap();
    if let Ok(w) = std::fs::read(format!("{}-wal", env.db.display())) {
        bytes.extend(w);
    }
    let hay = String::from_utf8_lossy(&bytes);
    for c in &codes {
        assert!(
            !hay.contains(c.as_str()),
            "code {c} found in the database files"
        );
    }
    assert!(
        !hay.contains(GOOD_PW),
        "password found in the database files"
    );
    drop(reader.stdin.take());
    reader.wait().unwrap();
}

#[test]
fn every_verification_attempt_is_audited_without_the_code() {
    let env = TestEnv::new();
    env.enrolled("zed");
    let code = env.issue("zed");
    env.run(["verify", "zed", "999999"])
        .code(if code == "999999" { 0 } else { 7 });
    env.run(["verify", "zed", &code]).exec();
    let rows = env.sql("SELECT action || ':' || outcome || ':' || coalesce(detail,'') FROM audit WHERE action = 'verify'");
    assert_eq!(rows.lines().count(), 2, "{rows}");
    let all = env.sql("SELECT group_concat(coalesce(detail,''), ' ') FROM audit");
    assert!(!all.contains(&code), "{all}");
}

#[test]
fn set_password_reads_code_and_password_from_stdin() {
    let env = TestEnv::new();
    env.enrolled("cody");
    let code = env.issue("cody");
    env.run([
        "--dry-run",
        "set-password",
        "cody",
        "--code",
        "-",
        "--password-stdin",
    ])
    .stdin(format!("{code}\n{GOOD_PW}\n"))
    .ok();
    env.run(["authenticate", "cody"])
        .stdin(format!("{GOOD_PW}\n"))
        .ok();
}
