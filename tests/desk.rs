//! A service desk's day (issue #12): pipes, quiet, lists, times and messages.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::TestEnv;

/// A database with `n` users, each with a confirmed phone and email.
fn with_users(n: usize) -> TestEnv {
    let env = TestEnv::new();
    let mut csv = String::from("username,name,phone,email\n");
    for i in 0..n {
        csv.push_str(&format!(
            "user{i:05},Person {i},+1617555{:04},person{i}@gmail.com\n",
            i % 10_000
        ));
    }
    env.run(["import", "-"]).stdin(csv).ok();
    env
}

/// Runs the binary with stdout into a pipe that is closed after one line, as
/// `safecode … | head -1` does; returns the exit code and stderr.
fn into_head(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let mut cmd = env.command();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    drop(out);
    let done = child.wait_with_output().unwrap();
    (
        done.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&done.stderr).to_string(),
    )
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Enough output to fill a pipe buffer many times over.
    let env = with_users(3000);
    for args in [
        &["export"][..],
        &["export", "--format", "json"],
        &["--json", "user", "list"],
        &["user", "list"],
        &["audit", "--limit", "0"],
    ] {
        let (code, stderr) = into_head(&env, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn quiet_hides_chatter_never_the_data() {
    let env = TestEnv::new();
    env.enrolled("ann");
    env.run(["-q", "stats"]).ok().stdout_has("enrolled");
    env.run(["-q", "user", "list"]).ok().stdout_has("ann");
    env.run(["-q", "audit"]).ok().stdout_has("contact.add");
    env.run(["-q", "stats", "--prometheus"])
        .ok()
        .stdout_has("safecode_users{state=\"enrolled\"} 1");
    // Chatter is hidden.
    let d = env.run(["-q", "user", "add", "bea"]).ok();
    assert_eq!(d.stdout, "");
}

#[test]
fn json_with_prometheus_is_a_usage_error() {
    let env = TestEnv::new();
    let d = env.run(["--json", "stats", "--prometheus"]).code(2);
    assert!(d.stderr.starts_with("safecode: "), "{}", d.stderr);
    assert_eq!(d.stdout, "");
}

#[test]
fn limit_zero_means_all_everywhere() {
    let env = TestEnv::new();
    for u in ["u1", "u2", "u3"] {
        env.run(["user", "add", u]).ok();
    }
    let all = env
        .run(["--json", "user", "list", "--limit", "0"])
        .ok()
        .json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    let two = env
        .run(["--json", "user", "list", "--limit", "2"])
        .ok()
        .json();
    assert_eq!(two.as_array().unwrap().len(), 2);
    let rows = env.run(["--json", "audit", "--limit", "0"]).ok().json();
    let total: usize = env.sql("SELECT count(*) FROM audit").parse().unwrap();
    assert_eq!(rows.as_array().unwrap().len(), total);
    env.run(["user", "list", "--help"])
        .ok()
        .stdout_has("0 also means all");
}

#[test]
fn locked_users_are_listed_and_counted() {
    let env = TestEnv::new();
    env.enrolled("lee");
    env.enrolled("max");
    env.sql("UPDATE users SET locked_at = 1, failures = 20 WHERE username = 'lee'");
    let d = env
        .run(["--json", "user", "list", "--state", "locked"])
        .ok()
        .json();
    let names: Vec<_> = d
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(names, vec![serde_json::json!("lee")]);
    env.run(["user", "list", "--state", "locked"])
        .ok()
        .stdout_has("lee")
        .stdout_lacks("max");
    assert_eq!(
        env.run(["--json", "stats"]).ok().json()["users"]["locked"],
        1
    );
    env.run(["stats"]).ok().stdout_has("locked");
    env.run(["stats", "--prometheus"])
        .ok()
        .stdout_has("safecode_users_locked 1");
    env.run(["user", "unlock", "lee"]).ok();
    env.run(["stats", "--prometheus"])
        .ok()
        .stdout_has("safecode_users_locked 0");
}

#[test]
fn human_times_follow_tz_and_json_stays_utc() {
    let env = TestEnv::new();
    env.run(["user", "add", "tia"]).ok();
    env.sql("UPDATE users SET created_at = 1764590400"); // 2025-12-01 12:00 UTC
    env.run(["user", "show", "tia"])
        .env("TZ", "EST5EDT,M3.2.0,M11.1.0")
        .ok()
        .stdout_has("2025-12-01 07:00 -05:00");
    env.run(["user", "show", "tia"])
        .env("TZ", "UTC0")
        .ok()
        .stdout_has("2025-12-01 12:00 UTC");
    let j = env
        .run(["--json", "user", "show", "tia"])
        .env("TZ", "EST5EDT,M3.2.0,M11.1.0")
        .ok()
        .json();
    assert_eq!(j["created_at"], "2025-12-01T12:00:00Z");
}

#[test]
fn messages_do_not_stutter() {
    let env = TestEnv::new();
    // Vouching for an unconfirmed contact: "Confirmed …", not "Confirmed … (confirmed)".
    env.user("cy");
    env.run(["--dry-run", "enroll", "cy", "--phone", "+16174322000"])
        .ok();
    let d = env
        .run(["enroll", "cy", "--phone", "+16174322000", "--confirmed"])
        .ok();
    d.stdout_has("Confirmed +1 ***-***-2000.");
    d.stdout_lacks("(confirmed)");
    // The last skip.
    env.config("[policy]\nmax_skips = 1\n");
    env.run(["user", "add", "dee"]).ok();
    let d = env.run(["skip", "dee"]).ok();
    d.stdout_has("no skips left").stdout_lacks("0 skips");
}

#[test]
fn doctor_warns_about_another_sites_defaults_and_quiet_keeps_the_warnings() {
    let env = TestEnv::new();
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    env.run(["doctor"])
        .ok()
        .stdout_has("warn  site: org_name is the built-in \"HMS\", helpdesk is the built-in");
    let q = env.run(["-q", "doctor"]).ok();
    q.stdout_has("warn  site:").stdout_lacks("ok    ");
    env.config("org_name = \"Acme\"\nhelpdesk = \"555-0100\"\n[sms]\ncommand = \"/bin/true\"\n");
    env.run(["doctor"])
        .ok()
        .stdout_has("ok    site: messages name Acme and 555-0100");
}

/// A file whose line 19 (counting the header as line 1) has a bad phone.
fn bad_on_line_19(eol: &str, quoted_newline: bool) -> Vec<u8> {
    let mut lines = vec!["username,name,phone".to_string()];
    let mut n = 0;
    while lines.len() < 18 {
        n += 1;
        if quoted_newline && n == 3 {
            // One record over two lines: the next record starts a line later.
            lines.push(format!("q{n},\"Two{eol}Lines\",+1617432{:04}", 2000 + n));
            lines.push(String::new());
            continue;
        }
        lines.push(format!("q{n},Q {n},+1617432{:04}", 2000 + n));
    }
    let mut text = lines
        .iter()
        .filter(|l| !l.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(eol);
    text.push_str(eol);
    text.push_str("bad,Bad,12");
    text.push_str(eol);
    text.push_str("last,Last,+16174329999");
    text.push_str(eol);
    text.into_bytes()
}

#[test]
fn import_line_numbers_are_right_with_lf_crlf_and_quoted_newlines() {
    for (eol, quoted) in [("\n", false), ("\r\n", false), ("\n", true), ("\r\n", true)] {
        let env = TestEnv::new();
        let file = env.path("in.csv");
        std::fs::write(&file, bad_on_line_19(eol, quoted)).unwrap();
        let d = env.run(["import", file.to_str().unwrap()]).code(6);
        d.stdout_has("line 19: phone: `12`");
        if quoted {
            // The two-line record is reported at the line it starts on (a
            // newline in a name is refused).
            d.stdout_has("line 4: name:").stdout_lacks("line 5:");
        } else {
            d.stderr_has("(first: line 19: phone:");
        }
        // And through stdin (no file size, same counting).
        env.run(["import", "-"])
            .stdin(bad_on_line_19(eol, quoted))
            .code(6)
            .stdout_has("line 19: phone:");
    }
}

#[test]
fn export_then_import_keeps_unconfirmed_contacts_unconfirmed() {
    let env = TestEnv::new();
    env.user("una");
    env.run(["--dry-run", "enroll", "una", "--phone", "+16174322000"])
        .ok();
    env.run(["enroll", "una", "--email", "una@gmail.com", "--confirmed"])
        .ok();
    env.enrolled("vic");
    let csv = env.run(["export"]).ok().stdout.clone();
    assert!(
        csv.contains("una,,+16174322000,,una@gmail.com,no,yes\n"),
        "{csv}"
    );
    let before =
        env.sql("SELECT group_concat(address || ':' || (confirmed_at IS NOT NULL)) FROM contacts");
    let j = env.run(["--json", "import", "-"]).stdin(&csv).ok().json();
    assert_eq!(j["unchanged"], 2, "{j}");
    assert_eq!(
        env.sql("SELECT group_concat(address || ':' || (confirmed_at IS NOT NULL)) FROM contacts"),
        before
    );
    // A new database from the same file: the phone waits for confirmation.
    let other = TestEnv::new();
    other.user("ida");
    other.run(["import", "-"]).stdin(&csv).ok();
    let una = other.run(["--json", "user", "show", "una"]).ok().json();
    assert_eq!(una["phone"]["confirmed"], false);
    assert_eq!(una["email"]["confirmed"], true);
    // One audit row per contact the import vouched for (una's email, vic's phone).
    assert_eq!(
        other.sql(
            "SELECT group_concat(detail, ' | ') FROM (SELECT detail FROM audit \
             WHERE action = 'contact.add' ORDER BY id)"
        ),
        "email una@gmail.com (import, confirmed) | sms +16174322000 (import, confirmed)"
    );
    other
        .run(["import", "-"])
        .stdin("username,phone_confirmed\nuna,maybe\n")
        .code(6)
        .stdout_has("line 2: phone_confirmed: `maybe`: must be yes or no");
}

#[test]
fn a_vouching_import_audits_each_contact_it_confirms() {
    let env = TestEnv::new();
    env.user("wes");
    env.run(["--dry-run", "enroll", "wes", "--phone", "+16174322000"])
        .ok();
    env.run(["import", "-"])
        .stdin("username,phone\nwes,+16174322000\n")
        .ok();
    assert_eq!(
        env.sql("SELECT detail FROM audit WHERE action = 'contact.confirm'"),
        "sms +16174322000 (vouched by import)"
    );
}

#[test]
fn export_for_excel_starts_with_a_bom_and_imports_back() {
    let env = TestEnv::new();
    env.run(["user", "add", "zoë", "--name", "Zoë Ñ"]).code(2); // usernames are ASCII; the name carries the accents
    env.run(["user", "add", "zoe", "--name", "Zoë Ñ"]).ok();
    env.run(["enroll", "zoe", "--email", "zoe@gmail.com", "--confirmed"])
        .ok();
    let out = env.command().args(["export", "--excel"]).output().unwrap();
    assert!(out.stdout.starts_with(b"\xef\xbb\xbfusername,"));
    let plain = env.command().args(["export"]).output().unwrap();
    assert!(plain.stdout.starts_with(b"username,"));
    let j = env
        .run(["--json", "import", "-"])
        .stdin(&out.stdout)
        .ok()
        .json();
    assert_eq!(j["unchanged"], 1);
    env.run(["export", "--excel", "--format", "json"]).code(2);
}

#[test]
fn a_cp1252_file_gets_a_hint_to_save_as_csv_utf8() {
    let env = TestEnv::new();
    // "Zoë" in cp1252: ë is 0xEB.
    let d = env
        .run(["import", "-"])
        .stdin(b"username,name\nzoe,Zo\xeb\n".as_slice())
        .code(6);
    d.stdout_has("line 2: name: invalid UTF-8");
    d.stderr_has("hint: save the file as \"CSV UTF-8\"");
    env.run(["import", "-"])
        .stdin(b"username,n\xe4me\nzoe,Zoe\n".as_slice())
        .code(6)
        .stderr_has("CSV UTF-8");
}

#[test]
fn skip_invalid_that_wrote_rows_exits_0_and_says_how_many_it_rejected() {
    let env = TestEnv::new();
    let d = env
        .run(["import", "--skip-invalid", "-"])
        .stdin("username,phone\nok1,+16174322000\nbad,12\nok2,\n")
        .ok();
    d.stdout_has("line 3: phone:");
    d.stderr_has("1 of 3 rows rejected (listed above), the other 2 imported");
    assert_eq!(env.sql("SELECT count(*) FROM users"), "2");
    // Nothing valid: still a failure.
    env.run(["import", "--skip-invalid", "-"])
        .stdin("username,phone\nbad,12\n")
        .code(6);
}

#[test]
fn user_find_by_phone_typed_any_way_email_name_or_username() {
    let env = TestEnv::new();
    env.run(["user", "add", "asmith", "--name", "Ann Smith"])
        .ok();
    env.run(["user", "add", "bjones", "--name", "Bob Jones"])
        .ok();
    env.run([
        "enroll",
        "asmith",
        "--phone",
        "+16174322000",
        "--email",
        "Ann.Smith@Gmail.com",
        "--confirmed",
    ])
    .ok();
    env.run(["enroll", "bjones", "--phone", "+16175551234", "--confirmed"])
        .ok();
    env.run(["user", "add", "c_100%"]).code(2);
    let who = |text: &str| -> Vec<String> {
        env.run(["--json", "user", "find", text])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["username"].as_str().unwrap().to_string())
            .collect()
    };
    for typed in [
        "617.432.2000",
        "(617) 432-2000",
        "+1 617 432 2000",
        "6174322000",
        "432-2000",
        "2000",
    ] {
        assert_eq!(who(typed), ["asmith"], "{typed}");
    }
    assert_eq!(who("ann.smith@gmail.COM"), ["asmith"]);
    assert_eq!(who("SMITH"), ["asmith"]);
    assert_eq!(who("jon"), ["bjones"]);
    assert_eq!(who("555-1234"), ["bjones"]);
    assert_eq!(who("s"), ["asmith", "bjones"]);
    assert!(who("zzz").is_empty());
    assert!(who("%").is_empty(), "LIKE wildcards are literal");
    let j = env
        .run(["--json", "user", "find", "617.432.2000"])
        .ok()
        .json();
    assert_eq!(j[0]["phone"]["number"], "+1 ***-***-2000");
    assert_eq!(j[0]["email"]["address"], "A***@gmail.com");
    assert_eq!(j[0]["matched"], serde_json::json!(["phone"]));
    assert!(!j.to_string().contains("4322000"), "masked: {j}");
    let d = env.run(["user", "find", "smith"]).ok();
    d.stdout_has("asmith")
        .stdout_has("+1 ***-***-2000")
        .stdout_has("name");
    d.stdout_lacks("432-2000").stdout_lacks("Ann.Smith@");
    env.run(["user", "find", "nobody"])
        .ok()
        .stdout_has("No user matches");
    env.run(["user", "find", " "]).code(2);
    env.run(["-q", "user", "find", "smith"])
        .ok()
        .stdout_has("asmith");
}

#[test]
fn failed_deliveries_do_not_use_up_the_sending_limit() {
    let env = TestEnv::new();
    env.enrolled("gia");
    env.config("[sms]\ncommand = \"/bin/false\"\n");
    for _ in 0..4 {
        env.run(["issue", "gia"]).code(5);
    }
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    env.run(["issue", "gia"]).ok();
    assert_eq!(env.sql("SELECT count(*) FROM sends"), "1");
    env.run(["--json", "stats"]).ok();
    let j = env.run(["--json", "stats"]).ok().json();
    assert_eq!(j["last_24h"]["failed_to_deliver"], 4);
    env.run(["stats"]).ok().stdout_has("failed to deliver");
}

#[test]
fn an_agent_may_override_the_short_limit_with_a_reason() {
    let env = TestEnv::new();
    env.enrolled("hal");
    for _ in 0..3 {
        env.issue("hal");
    }
    env.run(["--dry-run", "issue", "hal"])
        .code(4)
        .stderr_has("--override-limit --reason");
    env.run(["--dry-run", "issue", "hal", "--override-limit"])
        .code(2);
    env.run(["--dry-run", "issue", "hal", "--reason", "x"])
        .code(2);
    env.run([
        "--dry-run",
        "issue",
        "hal",
        "--override-limit",
        "--reason",
        " ",
    ])
    .code(2)
    .stderr_has("needs a --reason");
    env.run([
        "--dry-run",
        "issue",
        "hal",
        "--override-limit",
        "--reason",
        "caller on the line, ticket 4711",
    ])
    .ok();
    assert_eq!(
        env.sql("SELECT outcome || ' ' || detail FROM audit WHERE action = 'issue.override-limit'"),
        "ok reason: caller on the line, ticket 4711; passed the limit of 3 in 15m"
    );
    // The daily limit still holds.
    for i in 0..6 {
        env.run([
            "--dry-run",
            "issue",
            "hal",
            "--override-limit",
            "--reason",
            &format!("t{i}"),
        ])
        .ok();
    }
    env.run([
        "--dry-run",
        "issue",
        "hal",
        "--override-limit",
        "--reason",
        "again",
    ])
    .code(4)
    .stderr_has("cannot be overridden");
    assert_eq!(env.sql("SELECT count(*) FROM codes"), "10");
}

/// Config with SMS through the carrier gateways and email to a sink.
fn gateway_env() -> (TestEnv, crate::common::servers::Server) {
    let env = TestEnv::new();
    let sink = crate::common::servers::Server::smtp_sink(&env.path("mail"), &[]);
    env.config(&format!(
        "[email]\nsmtp_url = \"{}\"\nfrom = \"SafeCode <safecode@example.org>\"\n[sms]\nprovider = \"gateway\"\n",
        sink.smtp_url()
    ));
    (env, sink)
}

#[test]
fn gateway_phones_without_a_working_carrier_are_refused_at_entry() {
    let (env, _sink) = gateway_env();
    env.user("ida");
    env.run(["enroll", "ida", "--phone", "+16174322000", "--confirmed"])
        .code(4)
        .stderr_has("cannot receive codes")
        .stderr_has("--carrier NAME");
    env.run([
        "enroll",
        "ida",
        "--phone",
        "+16174322000",
        "--carrier",
        "att",
        "--confirmed",
    ])
    .code(4)
    .stderr_has("discontinued");
    env.run([
        "enroll",
        "ida",
        "--phone",
        "+16174322000",
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    let d = env
        .run(["import", "-"])
        .stdin("username,phone,carrier\njo,+16174322001,\nkim,+16174322002,verizon\n")
        .code(6);
    d.stdout_has("line 2: carrier: +1 ***-***-2001 cannot receive codes");
    assert_eq!(
        env.sql("SELECT count(*) FROM users WHERE username IN ('jo', 'kim')"),
        "0"
    );
    // Without the gateway the same phone is fine.
    let other = TestEnv::new();
    other.user("ida");
    other
        .run(["enroll", "ida", "--phone", "+16174322000", "--confirmed"])
        .ok();
}

#[test]
fn reset_falls_back_to_a_confirmed_email_and_doctor_counts_unreachable_phones() {
    let (env, _sink) = gateway_env();
    env.user("lou");
    env.run(["enroll", "lou", "--email", "lou@gmail.com", "--confirmed"])
        .ok();
    // Registered before the carrier shut its gateway down.
    env.run([
        "enroll",
        "lou",
        "--phone",
        "+16174322000",
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    env.sql("UPDATE contacts SET carrier = 'att' WHERE channel = 'sms'");
    let j = env.run(["--json", "issue", "lou"]).ok().json();
    assert_eq!(j["channel"], "email");
    env.run(["issue", "lou", "--via", "sms"])
        .code(5)
        .stderr_has("hint: lou has a confirmed email: safecode issue lou --via email");
    env.run(["doctor"])
        .exec()
        .stdout_has("warn  reachable: 1 of 1 phones cannot get codes")
        .stdout_has("0 without a carrier, 1 with a discontinued");
}

#[test]
fn a_number_reentered_without_its_carrier_keeps_it_under_the_gateway() {
    let (env, _sink) = gateway_env();
    env.user("may");
    env.run([
        "enroll",
        "may",
        "--phone",
        "+16174322000",
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    env.run(["enroll", "may", "--phone", "+16174322000", "--confirmed"])
        .ok();
    env.run(["import", "-"])
        .stdin("username,phone\nmay,+16174322000\n")
        .ok();
    assert_eq!(env.sql("SELECT carrier FROM contacts"), "verizon");
}

#[test]
fn backup_writes_a_private_verified_copy_while_others_write() {
    let env = with_users(50);
    // An import running beside the backup.
    let mut csv = String::from("username,phone\n");
    for i in 0..3000 {
        csv.push_str(&format!("late{i},+1617666{:04}\n", i));
    }
    let mut writer = env
        .command()
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = writer.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(csv.as_bytes());
    });
    let copy = env.path("backups-safecode.db");
    env.run(["backup", copy.to_str().unwrap()])
        .ok()
        .stdout_has("its audit log verifies");
    feeder.join().unwrap();
    assert!(writer.wait().unwrap().success());
    assert_eq!(crate::common::mode(&copy), 0o600);
    let on_copy = |args: &[&str]| {
        let mut v = vec!["--db", copy.to_str().unwrap()];
        v.extend_from_slice(args);
        env.run(v)
    };
    on_copy(&["audit", "--verify"]).ok();
    let users: usize = on_copy(&["--json", "user", "list", "--limit", "0"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .len();
    // A consistent snapshot: before the import (50) or after it (3050).
    assert!(users == 50 || users == 3050, "{users}");
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Again to the same name: replaced.
    env.run(["--json", "backup", copy.to_str().unwrap()]).ok();
}

#[test]
fn a_backup_of_a_tampered_audit_log_is_refused_and_keeps_the_old_copy() {
    let env = TestEnv::new();
    env.enrolled("tam");
    let copy = env.path("copy.db");
    env.run(["backup", copy.to_str().unwrap()]).ok();
    let before = std::fs::read(&copy).unwrap();
    env.sql("UPDATE audit SET detail = 'nothing to see' WHERE id = 2");
    env.run(["backup", copy.to_str().unwrap()])
        .code(1)
        .stderr_has("audit log does not verify");
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    env.run(["backup", env.db.to_str().unwrap()]).code(2);
    env.run(["backup", env.dir.path().to_str().unwrap()])
        .code(2);
}

#[test]
fn every_subcommand_help_has_examples_and_global_options_have_a_heading() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            if sub.is_hide_set() || sub.get_name() == "help" {
                continue;
            }
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, p, out);
        }
    }
    let mut all = Vec::new();
    walk(&safecode::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() > 25, "{all:?}");
    let env = TestEnv::new();
    for path in all {
        let mut args = path.clone();
        args.push("--help".into());
        let d = env.run(&args).ok();
        d.stdout_has("Examples:").stdout_has("Global options:");
    }
}

#[test]
fn completions_hide_generate_and_offer_carriers_and_states() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bash = std::fs::read_to_string(dir.join("safecode.bash")).unwrap();
    let fish = std::fs::read_to_string(dir.join("safecode.fish")).unwrap();
    assert!(!bash.contains("subcmd__generate"), "bash offers generate");
    assert!(!fish.contains("-a \"generate\""), "fish offers generate");
    for id in ["verizon", "tmobile", "uscellular"] {
        assert!(bash.contains(id) && fish.contains(id), "{id}");
    }
    for state in ["may-skip", "must-register", "locked", "pending"] {
        assert!(bash.contains(state) && fish.contains(state), "{state}");
    }
    // Any carrier name is still accepted (the config may add carriers).
    let env = TestEnv::new();
    env.config("[carriers.acme]\nname = \"Acme Mobile\"\ngateway = \"sms.acme.example\"\n");
    env.user("car");
    env.run([
        "enroll",
        "car",
        "--phone",
        "+16174322000",
        "--carrier",
        "acme",
        "--confirmed",
    ])
    .ok();
}
