//! The attacker's review (through real sudo, the helpers of `tests/sudo.rs`):
//! what a `self` user at the login prompt or an agent could still do.

use std::fs;

use super::site;

/// A phished password is not the second factor: once enrolled, a `self` user
/// cannot add an email or replace the phone (then confirm it with the code sent
/// to it) without the service desk.
#[test]
fn sudo_self_user_cannot_change_contacts_once_enrolled() {
    let Some(s) = site() else { return };
    let me = s.user.clone();
    s.root(&["enroll", &me, "--phone", "6174321111", "--confirmed"])
        .ok();
    let before = s.sql(&format!(
        "SELECT group_concat(address) FROM contacts c JOIN users u ON u.id = c.user_id \
         WHERE u.username = '{me}'"
    ));
    for args in [
        &["enroll", "--phone", "6174329999"][..],
        &["enroll", &me, "--email", "thief@gmail.com"],
        &["enroll", "--phone", "6174329999", "--email", "thief@gmail.com"],
    ] {
        s.refused(&me, "self", &[], args)
            .stderr_has("enrolled account")
            .stderr_has("call");
    }
    assert_eq!(s.sql("SELECT count(*) FROM pending_contacts"), "0");
    assert_eq!(
        s.sql(&format!(
            "SELECT group_concat(address) FROM contacts c JOIN users u ON u.id = c.user_id \
             WHERE u.username = '{me}'"
        )),
        before
    );
    // No confirmation code went to the thief's phone.
    let log = fs::read_to_string(&s.sms_log).unwrap_or_default();
    assert!(!log.contains("+16174329999"), "{log}");
    // An agent still replaces it (after checking who is calling).
    s.sudo(&s.agent, &[], &["enroll", &me, "--phone", "6174329999"])
        .ok()
        .stdout_has("Pending");
}

/// The [sms] command runs as root: it must not start in the caller's working
/// directory, where a site's script reading `./something` would read theirs.
#[test]
fn sudo_sms_command_does_not_start_in_the_callers_directory() {
    let Some(s) = site() else { return };
    let a = s.agent.clone();
    s.sudo(&a, &[], &["issue", "carol"]).ok();
    let seen = fs::read_to_string(&s.env_log).unwrap();
    let pwd: Vec<&str> = seen.lines().filter(|l| l.starts_with("PWD=")).collect();
    assert_eq!(pwd, ["PWD=/"], "{seen}");
}
