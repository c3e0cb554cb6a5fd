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
        &[
            "enroll",
            "--phone",
            "6174329999",
            "--email",
            "thief@gmail.com",
        ],
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

/// The desk's power to vouch for a phone must not be a way up: an agent who
/// could enroll their own phone on an admin's (or root's) account could then
/// reset that password and act as admin. Refused, audited; an admin may.
#[test]
fn sudo_agent_cannot_change_the_contacts_of_an_admin_or_root() {
    let Some(s) = site() else { return };
    let (a, boss) = (s.agent.clone(), s.admin.clone());
    s.root(&["user", "add", &boss]).ok();
    s.root(&["user", "add", "root"]).ok();
    let upper = boss.to_uppercase();
    for args in [
        &["enroll", &boss, "--phone", "6174329999", "--confirmed"][..],
        &["enroll", &upper, "--phone", "6174329999", "--confirmed"],
        &["enroll", &boss, "--email", "agent@gmail.com"],
        &["enroll", "root", "--phone", "6174329999", "--confirmed"],
        &["unenroll", &boss, "--phone"],
    ] {
        s.refused(&a, "agent", &[], args)
            .stderr_has("an admin or root account");
    }
    assert_eq!(
        s.sql("SELECT count(*) FROM contacts WHERE address = '+16174329999'"),
        "0"
    );
    // The agent still serves everyone else; an admin serves admins.
    s.sudo(
        &a,
        &[],
        &["enroll", "carol", "--phone", "6174328888", "--confirmed"],
    )
    .ok();
    s.sudo(
        &boss,
        &[],
        &["enroll", &boss, "--phone", "6174329999", "--confirmed"],
    )
    .ok();
}
