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

#[test]
fn user_remove_waits_for_enter_and_maybe_removes_nothing() {
    let env = TestEnv::new();
    env.run(["user", "add", "rem"]).ok();
    let mut p = spawn(&env, &["user", "remove", "rem"]);
    p.expect("Type yes or no").unwrap();
    // One keystroke is not an answer: the user is still there.
    p.send("y").unwrap();
    p.expect("y").unwrap(); // echoed, and nothing else happened
    assert_eq!(env.sql("SELECT count(*) FROM users"), "1");
    // `y` then `aybe`: "ymaybe" is not yes.
    p.send_line("maybe").unwrap();
    p.expect("Please type yes or no").unwrap();
    assert_eq!(env.sql("SELECT count(*) FROM users"), "1");
    p.send_line("no").unwrap();
    p.expect("Nothing removed").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(env.sql("SELECT count(*) FROM users"), "1");

    let mut p = spawn(&env, &["user", "remove", "rem"]);
    p.expect("Type yes or no").unwrap();
    p.send_line("yes").unwrap();
    p.expect("Removed user rem").unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(env.sql("SELECT count(*) FROM users"), "0");
}

#[test]
fn ctrl_c_in_a_menu_gives_the_cursor_back() {
    let env = TestEnv::new();
    env.run(["user", "add", "cur"]).ok();
    let mut p = spawn(&env, &["prompt", "cur"]);
    p.expect("What would you like to do?").unwrap();
    // dialoguer hides the cursor while the menu is up.
    p.expect("\x1b[?25l").unwrap();
    p.send("\x03").unwrap();
    p.expect("\x1b[?25h").unwrap();
    let code = exit_code(&mut p);
    assert_ne!(code, 0);
    assert_eq!(env.sql("SELECT skips FROM users"), "0");
}

#[test]
fn prompt_asks_without_a_stray_colon_and_tells_the_last_skip() {
    let env = TestEnv::new();
    env.run(["user", "add", "las"]).ok();
    env.sql("UPDATE users SET skips = 4 WHERE username = 'las'");
    let mut p = spawn(&env, &["prompt", "las"]);
    let before = p.expect("Skip for now (1 skip left)").unwrap();
    let text = String::from_utf8_lossy(before.before()).to_string();
    assert!(text.contains("What would you like to do?"), "{text}");
    assert!(!text.contains("?:"), "{text}");
    p.send(DOWN).unwrap();
    p.send("\r").unwrap();
    p.expect("That was your last skip").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn a_gateway_phone_without_a_carrier_is_asked_again_in_plain_words() {
    let env = TestEnv::new();
    env.config("[email]\nsmtp_url = \"smtp://127.0.0.1:9\"\nfrom = \"x <x@example.org>\"\n[sms]\nprovider = \"gateway\"\n");
    env.run(["user", "add", "gwy"]).ok();
    let mut p = spawn(&env, &["prompt", "gwy"]);
    p.expect("Register now").unwrap();
    p.send("\r").unwrap();
    p.expect("Mobile phone number").unwrap();
    p.send_line("617 432 2000").unwrap();
    p.expect("carrier").unwrap();
    p.send_line("").unwrap();
    let asked = p.expect("Mobile phone number").unwrap();
    let text = String::from_utf8_lossy(asked.before()).to_string();
    assert!(text.contains("please name it"), "{text}");
    assert!(
        !text.contains("provider") && !text.contains("config"),
        "{text}"
    );
}
