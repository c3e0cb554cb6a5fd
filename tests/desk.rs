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
