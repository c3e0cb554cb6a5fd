//! Hardening: many processes on one database file at once. Each test is bounded
//! by its process count, not by time.

use std::process::{Child, Stdio};

use crate::common::TestEnv;

const GOOD_PW: &str = "plum-voyage-lantern-seventeen";

fn spawn(env: &TestEnv, args: &[&str], stdin: Option<&str>) -> Child {
    let mut c = env.command();
    c.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = c.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child
}

/// Waits for all children; returns (exit code, stderr) of each.
fn wait_all(children: Vec<Child>) -> Vec<(i32, String)> {
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            assert!(!err.contains("database is locked"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
            (out.status.code().unwrap_or(-1), err)
        })
        .collect()
}

#[test]
fn fifty_processes_one_code_one_password_change_one_notice() {
    let _guard = crate::common::burst();
    let env = TestEnv::new();
    env.enrolled("ava");
    let code = env.issue("ava");
    let children: Vec<Child> = (0..50)
        .map(|i| {
            spawn(
                &env,
                &[
                    "--dry-run",
                    "set-password",
                    "ava",
                    "--code",
                    &code,
                    "--password-stdin",
                ],
                Some(&format!("{GOOD_PW}-{i}\n")),
            )
        })
        .collect();
    let results = wait_all(children);
    let ok = results.iter().filter(|(c, _)| *c == 0).count();
    let rejected = results.iter().filter(|(c, _)| *c == 7).count();
    assert_eq!((ok, rejected), (1, 49), "{results:?}");
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'password.set' AND outcome = 'ok'"),
        "1"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'notify' AND outcome = 'printed'"),
        "1"
    );
    assert_eq!(env.sql("SELECT state FROM codes"), "used");
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn two_hundred_parallel_wrong_guesses_count_exactly_and_lock_at_the_threshold() {
    let _guard = crate::common::burst();
    let env = TestEnv::new();
    env.enrolled("bix");
    let code = env.issue("bix");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut results = Vec::new();
    // 200 guesses, 50 processes at a time (2 cores; the point is overlap, not load).
    for _ in 0..4 {
        let batch: Vec<Child> = (0..50)
            .map(|_| spawn(&env, &["verify", "bix", wrong], None))
            .collect();
        results.extend(wait_all(batch));
    }
    assert_eq!(results.len(), 200);
    let rejected = results.iter().filter(|(c, _)| *c == 7).count();
    let refused_locked = results.iter().filter(|(c, _)| *c == 4).count();
    // The 20th consecutive failure locks; every later guess is refused as locked.
    assert_eq!(rejected, 20, "{results:?}");
    assert_eq!(refused_locked, 180);
    assert_eq!(env.sql("SELECT failures FROM users"), "20");
    assert_eq!(env.sql("SELECT locked_at IS NOT NULL FROM users"), "1");
    // Five wrong entries against the live code, then it was void.
    assert_eq!(
        env.sql("SELECT attempts || ',' || state FROM codes"),
        "5,voided"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'verify'"),
        "200"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'user.lock'"),
        "1"
    );
    env.run(["--dry-run", "issue", "bix"]).code(4);
}

#[test]
fn verify_racing_issue_never_accepts_a_replaced_code() {
    let env = TestEnv::new();
    env.enrolled("cat");
    for _ in 0..10 {
        let code = env.forget_sends().issue("cat");
        let issuer = spawn(&env, &["--dry-run", "issue", "cat"], None);
        let verifier = spawn(&env, &["verify", "cat", &code], None);
        let r = wait_all(vec![issuer, verifier]);
        assert_eq!(r[0].0, 0, "{}", r[0].1);
        // Either the verify came first (accepted, and that code is the used one) or
        // the new code had already voided the old one (rejected).
        assert!(r[1].0 == 0 || r[1].0 == 7, "{r:?}");
        let states = env.sql("SELECT group_concat(state, ',') FROM (SELECT state FROM codes ORDER BY id DESC LIMIT 2)");
        if r[1].0 == 0 {
            assert_eq!(states, "live,used", "accepted a code that was replaced");
        } else {
            assert_eq!(states, "live,voided");
        }
        env.run(["user", "unlock", "cat"]).ok();
    }
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
}

/// `authenticate` costs the same whether or not the user exists: compare the
/// medians of both loosely (no wall-clock bound, only a ratio).
#[test]
fn authenticate_and_verify_take_similar_time_for_missing_users() {
    let _guard = crate::common::quiet();
    let env = TestEnv::new();
    env.enrolled("dee").with_password("dee", GOOD_PW);
    let time = |args: &[&str], stdin: &str| -> f64 {
        let mut v: Vec<f64> = (0..9)
            .map(|_| {
                let t = std::time::Instant::now();
                let c = spawn(&env, args, Some(stdin));
                let _ = c.wait_with_output().unwrap();
                t.elapsed().as_secs_f64()
            })
            .collect();
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let existing = time(&["authenticate", "dee"], "wrong-password-here\n");
    let missing = time(&["authenticate", "nobody-here"], "wrong-password-here\n");
    let ratio = existing / missing;
    assert!(
        (0.25..4.0).contains(&ratio),
        "authenticate: existing {existing:.3}s vs missing {missing:.3}s"
    );
    let existing = time(&["verify", "dee", "123456"], "");
    let missing = time(&["verify", "nobody-here", "123456"], "");
    let ratio = existing / missing;
    assert!(
        (0.2..5.0).contains(&ratio),
        "verify: existing {existing:.3}s vs missing {missing:.3}s"
    );
}

fn csv_rows(n: usize, prefix: &str) -> String {
    let mut s = String::from("username,name,phone,email\n");
    for i in 0..n {
        s.push_str(&format!(
            "{prefix}{i},Person {i},+1617{:03}{:04},{prefix}{i}@gmail.com\n",
            200 + (i / 10_000) % 700,
            i % 10_000
        ));
    }
    s
}

#[test]
fn purge_in_a_loop_while_agents_work_loses_nothing() {
    let env = TestEnv::new();
    // Eight resets per agent: the loosest send limit the ceiling allows.
    env.config(
        "[policy]\nissue_limit = [{ count = 10, per = \"15m\" }, { count = 50, per = \"24h\" }]\n",
    );
    for i in 0..4 {
        env.enrolled(&format!("ag{i}"));
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let purger = {
        let stop = stop.clone();
        let mut cmd = env.command();
        cmd.args(["-q", "purge"]);
        let db = env.db.clone();
        let cfg = env.config.clone();
        std::thread::spawn(move || {
            let mut runs = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let out = std::process::Command::new(crate::common::bin())
                    .args(["-q", "purge"])
                    .env("SAFECODE_DB", &db)
                    .env("SAFECODE_CONFIG", &cfg)
                    .output()
                    .unwrap();
                let err = String::from_utf8_lossy(&out.stderr).to_string();
                assert!(out.status.success(), "purge failed: {err}");
                runs += 1;
            }
            drop(cmd);
            runs
        })
    };
    // Four agents, each doing eight full resets (issue, verify, set-password).
    let agents: Vec<_> = (0..4)
        .map(|i| {
            let db = env.db.clone();
            let cfg = env.config.clone();
            std::thread::spawn(move || {
                let run = |args: &[&str], stdin: Option<String>| {
                    let mut c = std::process::Command::new(crate::common::bin());
                    c.args(args)
                        .env("SAFECODE_DB", &db)
                        .env("SAFECODE_CONFIG", &cfg)
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped());
                    let mut child = c.spawn().unwrap();
                    if let Some(s) = stdin {
                        use std::io::Write;
                        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
                    } else {
                        drop(child.stdin.take());
                    }
                    let out = child.wait_with_output().unwrap();
                    let so = String::from_utf8_lossy(&out.stdout).to_string();
                    let se = String::from_utf8_lossy(&out.stderr).to_string();
                    assert!(out.status.success(), "{args:?}: {se}");
                    so
                };
                let user = format!("ag{i}");
                for n in 0..8 {
                    let out = run(&["--dry-run", "issue", &user], None);
                    let code = crate::common::code_in(&out);
                    run(&["verify", &user, &code], None);
                    run(
                        &["--dry-run", "set-password", &user, "--password-stdin"],
                        Some(format!("plum-voyage-lantern-{i}-{n}-x\n")),
                    );
                }
            })
        })
        .collect();
    for a in agents {
        a.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let runs = purger.join().unwrap();
    assert!(runs > 0);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'password.set' AND outcome = 'ok'"),
        "32"
    );
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn agents_wait_for_an_import_and_succeed() {
    // The import must finish within the agents' busy timeout: not beside a burst.
    let _guard = crate::common::quiet();
    let env = TestEnv::new();
    env.enrolled("desk");
    let csv = env.path("big.csv");
    std::fs::write(&csv, csv_rows(40_000, "imp")).unwrap();
    let import = spawn(&env, &["-q", "import", csv.to_str().unwrap()], None);
    // Agents start while the import holds the write lock.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut codes = Vec::new();
    for _ in 0..3 {
        let d = env.run(["--dry-run", "issue", "desk"]).ok();
        codes.push(crate::common::code_in(&d.stdout));
        env.run(["check", "desk"]).ok();
    }
    env.run(["verify", "desk", codes.last().unwrap()]).ok();
    let r = wait_all(vec![import]);
    assert_eq!(r[0].0, 0, "{}", r[0].1);
    assert_eq!(env.sql("SELECT count(*) FROM users"), "40001");
}

#[test]
fn twenty_processes_confirming_one_pending_phone_replace_it_once() {
    let env = TestEnv::new();
    env.enrolled("pia");
    let d = env
        .run(["--dry-run", "enroll", "pia", "--phone", "+16175550123"])
        .ok();
    let code = crate::common::code_in(&d.stdout);
    let children: Vec<Child> = (0..20)
        .map(|_| spawn(&env, &["--dry-run", "confirm", "pia", &code], None))
        .collect();
    let results = wait_all(children);
    let ok = results.iter().filter(|(c, _)| *c == 0).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(
        results.iter().all(|(c, _)| *c == 0 || *c == 7),
        "{results:?}"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'contact.replace'"),
        "1"
    );
    assert_eq!(
        env.sql("SELECT address || ':' || (confirmed_at IS NOT NULL) FROM contacts"),
        "+16175550123:1"
    );
    assert_eq!(env.sql("SELECT count(*) FROM pending_contacts"), "0");
    // The old phone was told once.
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'notify'"),
        "1"
    );
}
