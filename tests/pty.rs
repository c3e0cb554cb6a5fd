//! Interactive prompts through a real pseudo-terminal.

use std::time::Duration;

use expectrl::Expect;
use expectrl::session::OsSession as Session;

use crate::common::TestEnv;

const DOWN: &str = "\x1b[B";

pub fn spawn(env: &TestEnv, args: &[&str]) -> Session {
    let mut cmd = env.command();
    cmd.args(args);
    cmd.env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("spawn in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(60)));
    s
}

pub fn exit_code(s: &mut Session) -> i32 {
    use expectrl::process::unix::WaitStatus;
    match s.get_process_mut().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("process ended with {other:?}"),
    }
}

#[test]
fn prompt_skip_records_a_skip() {
    let env = TestEnv::new();
    env.run(["user", "add", "pia"]).ok();
    let mut p = spawn(&env, &["prompt", "pia"]);
    p.expect("Skip for now (5 skips left)").unwrap();
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.expect("You can skip 4 more times").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        env.sql("SELECT skips FROM users WHERE username = 'pia'"),
        "1"
    );
}

#[test]
fn prompt_offers_only_register_when_no_skips_remain() {
    let env = TestEnv::new();
    env.run(["user", "add", "quin"]).ok();
    env.sql("UPDATE users SET skips = 5 WHERE username = 'quin'");
    let mut p = spawn(&env, &["--dry-run", "prompt", "quin"]);
    p.expect("registration is required").unwrap();
    // Down does nothing: there is only one item.
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.expect("Mobile phone number").unwrap();
    p.send_line("617 432 2000").unwrap();
    p.expect("carrier").unwrap();
    p.send_line("").unwrap();
    p.expect("email").unwrap();
    p.send_line("").unwrap();
    p.expect("Registered").unwrap();
    let found = p.expect(expectrl::Regex("SafeCode ([0-9]{6})")).unwrap();
    let code = String::from_utf8_lossy(&found[1]).to_string();
    p.expect("Code printed for").unwrap();
    p.send_line(&code).unwrap();
    p.expect("Confirmed").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    env.run(["check", "quin"]).ok();
    assert_eq!(env.sql("SELECT address FROM contacts"), "+16174322000");
    assert_eq!(env.sql("SELECT skips FROM users"), "5");
}

#[test]
fn prompt_reasks_after_a_bad_phone() {
    let env = TestEnv::new();
    env.run(["user", "add", "ray"]).ok();
    let mut p = spawn(&env, &["--dry-run", "prompt", "ray"]);
    p.expect("Register now").unwrap();
    p.send("\r").unwrap();
    p.expect("Mobile phone number").unwrap();
    p.send_line("123").unwrap();
    p.expect("not a valid").unwrap();
    p.send_line("\x15+44 7400 123456").unwrap();
    p.expect("carrier").unwrap();
    p.send_line("").unwrap();
    p.expect("email").unwrap();
    p.send_line("").unwrap();
    p.expect("Registered").unwrap();
    let found = p.expect(expectrl::Regex("SafeCode ([0-9]{6})")).unwrap();
    let code = String::from_utf8_lossy(&found[1]).to_string();
    p.expect("Code printed for").unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    p.send_line(wrong).unwrap();
    p.expect("4 attempts left").unwrap();
    p.expect("Code printed for").unwrap();
    p.send_line(&code).unwrap();
    p.expect("Confirmed").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(env.sql("SELECT address FROM contacts"), "+447400123456");
}

#[test]
fn reset_end_to_end_through_a_terminal() {
    let env = TestEnv::new();
    env.enrolled("ada");
    let mut p = spawn(&env, &["--dry-run", "reset", "ada"]);
    let found = p
        .expect(expectrl::Regex("SafeCode ([0-9]{6}) for"))
        .unwrap();
    let code = String::from_utf8_lossy(&found[1]).to_string();
    p.expect("Code the caller reads back").unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    p.send_line(wrong).unwrap();
    p.expect("4 attempts left").unwrap();
    p.expect("Code the caller reads back").unwrap();
    p.send_line(&code).unwrap();
    p.expect("Code accepted").unwrap();
    p.expect("New password").unwrap();
    p.send_line("short").unwrap();
    p.expect("Repeat it").unwrap();
    p.send_line("short").unwrap();
    p.expect("try another").unwrap();
    p.expect("New password").unwrap();
    p.send_line("plum-voyage-lantern-seventeen").unwrap();
    p.expect("Repeat it").unwrap();
    p.send_line("plum-voyage-lantern-seventeen").unwrap();
    p.expect("Password changed for ada").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    env.run(["authenticate", "ada"])
        .stdin("plum-voyage-lantern-seventeen\n")
        .ok();
}

#[test]
fn reset_without_a_terminal_points_to_the_script_commands() {
    let env = TestEnv::new();
    env.enrolled("bo");
    env.run(["reset", "bo"]).code(2).stderr_has("set-password");
}
