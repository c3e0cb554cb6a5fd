//! Hardening: SIGKILL at random moments. Afterwards the database is intact and a
//! code is consumed if and only if the password changed.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::TestEnv;

/// A small deterministic generator for kill delays (no dependency needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

#[test]
fn killed_set_password_consumes_the_code_iff_the_password_changed() {
    let env = TestEnv::new();
    env.enrolled("eve");
    let mut rng = Lcg(0x5afe_c0de);
    let started = Instant::now();
    let mut iterations = 0;
    let mut killed = 0;
    // 200 iterations or 25 seconds, whichever comes first.
    while iterations < 200 && started.elapsed() < Duration::from_secs(25) {
        iterations += 1;
        let code = env.forget_sends().issue("eve");
        let pw = format!("plum-voyage-lantern-{iterations}-seventeen");
        let mut child = env
            .command()
            .args([
                "--dry-run",
                "set-password",
                "eve",
                "--code",
                &code,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let _ = child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("{pw}\n").as_bytes());
        }
        std::thread::sleep(Duration::from_millis(rng.next(120)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            killed += 1;
        }
        let state = env.sql("SELECT state FROM codes ORDER BY id DESC LIMIT 1");
        let changed = env
            .run(["authenticate", "eve"])
            .stdin(format!("{pw}\n"))
            .exec()
            .code
            == 0;
        assert_eq!(
            state == "used",
            changed,
            "iteration {iterations}: code {state}, password changed: {changed}"
        );
        env.run(["user", "unlock", "eve"]).ok();
    }
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
    env.run(["audit", "--verify"]).ok();
    eprintln!("{iterations} iterations, {killed} killed mid-run");
}

#[test]
fn killed_imports_are_all_or_nothing() {
    let env = TestEnv::new();
    let mut csv = String::from("username,phone\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "k{i},+1617{:03}{:04}\n",
            200 + i / 10_000,
            i % 10_000
        ));
    }
    let file = env.path("k.csv");
    std::fs::write(&file, csv).unwrap();
    let mut rng = Lcg(0x1e5);
    let started = Instant::now();
    let mut n = 0;
    while n < 30 && started.elapsed() < Duration::from_secs(25) {
        n += 1;
        // The sqlite3 CLI runs without foreign_keys, so no cascade: clear both.
        // (Left behind, a finished run's contacts read as a torn later one.)
        env.sql("DELETE FROM contacts; DELETE FROM users");
        let mut child = env
            .command()
            .args(["-q", "import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next(1500)));
        let _ = child.kill();
        child.wait().unwrap();
        let users = env.sql("SELECT count(*) FROM users");
        assert!(
            users == "0" || users == "20000",
            "iteration {n}: {users} users"
        );
        let contacts = env.sql("SELECT count(*) FROM contacts");
        assert_eq!(users, contacts);
    }
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
}

#[test]
fn killed_purges_leave_live_codes_usable() {
    let env = TestEnv::new();
    env.enrolled("pur");
    // Many dead codes to purge.
    env.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) \
         INSERT INTO codes (user_id, purpose, channel, destination, salt, digest, created_at, expires_at, state) \
         SELECT 1, 'reset', 'sms', '+16174322000', x'00', x'00', 1000, 1600, 'voided' FROM n",
    );
    let mut rng = Lcg(0xbeef);
    let started = Instant::now();
    let mut n = 0;
    while n < 20 && started.elapsed() < Duration::from_secs(20) {
        n += 1;
        let code = env.forget_sends().issue("pur");
        let mut child = env
            .command()
            .args(["-q", "purge"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next(400)));
        let _ = child.kill();
        child.wait().unwrap();
        env.run(["verify", "pur", &code]).ok();
    }
    assert_eq!(env.sql("PRAGMA integrity_check"), "ok");
    env.run(["audit", "--verify"]).ok();
}
