//! Issue #11, second part: the promises the policy, the transports, the failure paths
//! and the printed output must keep, each shown failing the way an attacker or a
//! mistyped configuration would try it.

use crate::common::TestEnv;

const ESC_NAME: &str = "\u{1b}]0;pwned\u{7}Eve\u{1b}[2J\u{9b}31m";

// -- policy bounds -------------------------------------------------------------

#[test]
fn a_send_limit_past_the_ceiling_is_refused_naming_the_key() {
    let env = TestEnv::new();
    env.enrolled("ann");
    env.config("[policy]\nissue_limit = [{ count = 4000000000, per = \"1s\" }]\n");
    env.run(["--dry-run", "issue", "ann"])
        .code(1)
        .stderr_has("policy.issue_limit")
        .stderr_has("10 codes per 15m and 50 per 24h");
    assert_eq!(env.sql("SELECT count(*) FROM codes"), "0");
}

#[test]
fn guessing_limits_past_nist_are_refused() {
    let env = TestEnv::new();
    env.config("[policy]\nmax_failures = 101\n");
    env.run(["check", "ann"])
        .code(1)
        .stderr_has("policy.max_failures: must be between 1 and 100");
    env.config("[policy]\nmax_attempts = 11\n");
    env.run(["check", "ann"])
        .code(1)
        .stderr_has("policy.max_attempts: must be between 1 and 10");
}

#[test]
fn a_huge_timeout_is_refused_at_load_not_a_panic_after_sending() {
    let env = TestEnv::new();
    env.enrolled("ann");
    let marker = env.path("sent");
    let script = env.path("send-sms");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat >/dev/null\ntouch {}\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let huge = "timeout = \"500000000000y\"\n";
    for (key, toml) in [
        (
            "sms",
            format!("[sms]\ncommand = \"{}\"\n{huge}", script.display()),
        ),
        (
            "email",
            format!("[sms]\ncommand = \"{}\"\n[email]\n{huge}", script.display()),
        ),
    ] {
        env.config(&toml);
        env.run(["issue", "ann"])
            .code(1)
            .stderr_has(&format!("{key}.timeout"));
    }
    assert!(!marker.exists(), "an SMS went out under a refused config");
    // Huge durations on the command line do not panic either.
    env.config("");
    env.run(["purge", "--older-than", "500000000000y"]).ok();
    env.run(["audit", "--since", "500000000000y"]).ok();
}

#[test]
fn doctor_states_the_guessing_odds_of_the_configured_values() {
    let env = TestEnv::new();
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    env.run(["doctor"])
        .ok()
        .stdout_has("ok    policy: 6-digit codes live 10m")
        .stdout_has("1 in 50,000 chance (20 wrong codes before the lock, 5 per code")
        .stdout_has("at most 3 codes per 15m and 10 per 24h");
    env.config(
        "[sms]\ncommand = \"/bin/true\"\n[policy]\nmax_failures = 100\nmax_attempts = 10\ncode_length = 7\n",
    );
    env.run(["doctor"])
        .ok()
        .stdout_has("7-digit codes")
        .stdout_has("1 in 100,000 chance (100 wrong codes before the lock, 10 per code");
}

// -- transport -----------------------------------------------------------------

#[test]
fn doctor_fails_an_smtp_password_over_a_plain_connection() {
    let env = TestEnv::new();
    env.config(
        "[email]\nsmtp_url = \"smtp://desk@mail.example.org:25\"\nfrom = \"SafeCode <sc@example.org>\"\n\
         [sms]\ncommand = \"/bin/true\"\n",
    );
    env.run(["doctor"])
        .env("SAFECODE_SMTP_PASSWORD", "hunter2-secret")
        .code(1)
        .stdout_has("fail  email delivery:")
        .stdout_has("unencrypted")
        .stdout_has("smtps://")
        .stdout_lacks("hunter2");
    env.enrolled("ann");
    env.run(["enroll", "ann", "--email", "ann@example.org", "--confirmed"])
        .ok();
    let d = env
        .run(["issue", "ann", "--via", "email"])
        .env("SAFECODE_SMTP_PASSWORD", "hunter2-secret")
        .code(1);
    d.stderr_has("smtp://mail.example.org:587?tls=required");
    assert_eq!(env.sql("SELECT count(*) FROM codes"), "0");
}

#[test]
fn doctor_fails_an_sms_token_over_plain_http() {
    let env = TestEnv::new();
    env.config(
        "[sms]\nprovider = \"http\"\nhttp = { url = \"http://api.twilio.com\", account_sid = \"AC1\", from = \"+16175550100\" }\n",
    );
    env.run(["doctor"])
        .env("SAFECODE_SMS_TOKEN", "t0ken")
        .code(1)
        .stdout_has("fail  sms delivery:")
        .stdout_has("https://");
}

// -- storage -------------------------------------------------------------------

#[test]
fn a_uri_filename_opens_the_file_of_that_name() {
    let env = TestEnv::bare();
    // `file:x.db` as a URI would be x.db; `?mode=memory` would be no file at all.
    for name in ["file:x.db", "file:y.db?mode=memory"] {
        env.run(["--db", name, "init"]).ok();
        assert!(env.path(name).exists(), "{name} was not created");
        assert_eq!(crate::common::mode(&env.path(name)), 0o600);
        env.run(["--db", name, "user", "add", "ann"]).ok();
        env.run(["--db", name, "user", "show", "ann"]).ok();
    }
    assert!(!env.path("x.db").exists(), "the URI's file was opened");
    assert!(!env.path("y.db").exists());
    // The file whose mode is checked is the one opened.
    std::fs::set_permissions(
        env.path("file:x.db"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    env.run(["--db", "file:x.db", "user", "show", "ann"])
        .code(1)
        .stderr_has("chmod 600");
    // A backup named like a URI is that file too.
    std::fs::set_permissions(
        env.path("file:x.db"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    env.run(["--db", "file:x.db", "backup", "file:b.db"]).ok();
    assert!(env.path("file:b.db").exists());
    assert!(!env.path("b.db").exists());
}

#[test]
fn init_on_a_newer_schema_refuses() {
    let env = TestEnv::new();
    env.sql("PRAGMA user_version = 99");
    env.run(["init"])
        .code(1)
        .stderr_has("version 99, newer than this safecode")
        .stderr_has("hint: upgrade safecode");
    assert_eq!(env.sql("PRAGMA user_version"), "99");
}

// -- printed output ------------------------------------------------------------

fn has_escapes(s: &str) -> bool {
    s.chars()
        .any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{7}')
}

#[test]
fn names_with_escape_sequences_print_cleaned() {
    let env = TestEnv::new();
    env.enrolled("eve");
    // Written by an older version, or straight into the file: printed clean anyway.
    env.sql(&format!(
        "UPDATE users SET name = '{ESC_NAME}' WHERE username = 'eve'"
    ));
    env.sql("UPDATE contacts SET carrier = 'x' || char(27) || '[2Jy'");
    for args in [&["user", "show", "eve"][..], &["user", "list"]] {
        let d = env.run(args).ok();
        assert!(!has_escapes(&d.stdout), "{args:?}: {:?}", d.stdout);
        assert!(d.stdout.contains("Eve"), "{}", d.stdout);
    }
    env.config(
        "[carriers.evil]\nname = \"Evil\\u001b]0;title\\u0007 Mobile\"\ngateway = \"sms.evil.example\"\n",
    );
    let d = env.run(["carriers"]).ok();
    assert!(!has_escapes(&d.stdout), "{:?}", d.stdout);
    assert!(d.stdout.contains("Evil Mobile"), "{}", d.stdout);
    // doctor and errors print paths and messages that the caller typed.
    let evil_db = env.path("a\u{1b}[2J.db");
    let d = env.run(["doctor"]).env("SAFECODE_DB", &evil_db).code(1);
    assert!(!has_escapes(&d.stdout), "{:?}", d.stdout);
    let d = env
        .run(["user", "show", "eve"])
        .env("SAFECODE_DB", &evil_db)
        .code(3);
    assert!(!has_escapes(&d.stderr), "{:?}", d.stderr);
}

#[test]
fn bidi_controls_and_line_separators_are_refused_in_names() {
    let env = TestEnv::new();
    for bad in [
        "\u{202e}evE",
        "a\u{2066}b",
        "a\u{200f}b",
        "line\u{2028}two",
        "p\u{2029}q",
    ] {
        env.run(["user", "add", "bob", "--name", bad])
            .code(2)
            .stderr_has("bidirectional control or line separator");
        env.run(["import", "-"])
            .stdin(format!("username,name\nbob,{bad}\n"))
            .code(6)
            .stdout_has("line 2: name: contains U+");
    }
    assert_eq!(env.sql("SELECT count(*) FROM users"), "0");
}

// -- audit ---------------------------------------------------------------------

#[test]
fn purge_keeps_audit_rows_younger_than_the_retention_and_says_so() {
    let env = TestEnv::new();
    env.run(["user", "add", "ann"]).ok();
    let before: u64 = env.sql("SELECT count(*) FROM audit").parse().unwrap();
    env.run(["purge", "--audit-older-than", "0s"])
        .ok()
        .stdout_has("0 audit rows")
        .stdout_has("Audit rows younger than 400d 0h ([audit] retention) were kept");
    let after: u64 = env.sql("SELECT count(*) FROM audit").parse().unwrap();
    assert_eq!(after, before + 1, "only the purge's own row was added");
    // Past the retention they go; the chain then starts later, and says where.
    env.config("[audit]\nretention = \"30d\"\n");
    env.run(["purge", "--audit-older-than", "0s"])
        .faketime("+31d")
        .ok()
        .stdout_has(&format!("{} audit rows", after - 1));
    let first = env.sql("SELECT min(id) FROM audit");
    env.run(["audit", "--verify"])
        .ok()
        .stdout_has(&format!("the chain starts at row {first}"))
        .stdout_has("after rows purged up to hash");
}

#[test]
fn audit_verify_reports_where_the_chain_starts() {
    let env = TestEnv::new();
    env.run(["user", "add", "ann"]).ok();
    env.run(["audit", "--verify"])
        .ok()
        .stdout_has("the chain starts at row 1")
        .stdout_has("the first row ever written");
    let j = env.run(["--json", "audit", "--verify"]).ok().json();
    assert_eq!(j["first_row"], 1);
    assert_eq!(j["first_prev_hash"], "0".repeat(64));
}

// -- tests for mutants cargo-mutants found alive ---------------------------------

#[test]
fn a_digest_copied_to_another_users_row_does_not_match() {
    // Binds code_context end to end: with an empty or constant context, bob's row
    // holding ann's salt and digest would accept ann's code.
    let env = TestEnv::new();
    env.enrolled("ann").enrolled("bob");
    let ann_code = env.issue("ann");
    env.issue("bob");
    env.sql(
        "UPDATE codes SET salt = (SELECT salt FROM codes c JOIN users u ON u.id = c.user_id WHERE u.username = 'ann'), \
         digest = (SELECT digest FROM codes c JOIN users u ON u.id = c.user_id WHERE u.username = 'ann') \
         WHERE user_id = (SELECT id FROM users WHERE username = 'bob')",
    );
    env.run(["verify", "bob", &ann_code])
        .code(7)
        .stderr_has("wrong code");
    env.run(["verify", "ann", &ann_code]).ok();
}

#[test]
fn a_code_is_refused_in_its_expiry_second() {
    let env = TestEnv::new();
    env.enrolled("ann");
    // A stopped clock: issued at T, the code expires at T + 600 exactly.
    let d = env
        .run(["--dry-run", "issue", "ann"])
        .faketime("2026-12-02 12:00:00")
        .ok();
    let code = crate::common::code_in(&d.stdout);
    env.run(["verify", "ann", &code])
        .faketime("2026-12-02 12:10:00")
        .code(7)
        .stderr_has("expired");
    env.run(["verify", "ann", &code])
        .faketime("2026-12-02 12:09:59")
        .ok();
}
