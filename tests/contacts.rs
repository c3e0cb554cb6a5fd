//! Contact changes (SPEC §1 "Contact changes"): pending replacements, voiding codes
//! and closing reset windows on every change or removal, notices to the old contact
//! and every other confirmed one, carriers kept, `confirm --resend`, the schema
//! upgrade that holds pending contacts, and users that enroll must not create.

use crate::common::servers::{self, Mail, Server};
use crate::common::{TestEnv, code_in};

const OLD: &str = "+16174322000";
const NEW: &str = "+16175550123";
const PASSWORD: &str = "plover quince tangerine 42";

/// A user with a confirmed phone (verizon) and a confirmed email.
fn phone_and_email(env: &TestEnv, user: &str) {
    env.user(user);
    env.run([
        "enroll",
        user,
        "--phone",
        OLD,
        "--carrier",
        "verizon",
        "--email",
        &format!("{user}@gmail.com"),
        "--confirmed",
    ])
    .ok();
}

/// The printed dry-run blocks' destinations: "sms to +1…", "email to a@b".
fn printed_to(stdout: &str) -> Vec<String> {
    let mut to: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("--- not sent (dry run): "))
        .map(|l| l.trim_end_matches(" ---").to_string())
        .collect();
    to.sort();
    to
}

#[test]
fn stolen_phone_a_code_issued_before_unenroll_no_longer_works() {
    let env = TestEnv::new();
    phone_and_email(&env, "sam");
    let code = env.issue("sam");
    env.run(["unenroll", "sam", "--phone"]).ok();
    env.run(["verify", "sam", &code]).code(7).stderr_has("void");
    env.run([
        "--dry-run",
        "set-password",
        "sam",
        "--code",
        &code,
        "--password-stdin",
    ])
    .stdin(format!("{PASSWORD}\n"))
    .code(7);
    assert_eq!(
        env.sql("SELECT void_reason FROM codes WHERE purpose = 'reset'"),
        "contact removed"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM users WHERE password_hash IS NOT NULL"),
        "0"
    );
}

#[test]
fn a_reset_window_opened_before_a_replacement_is_closed() {
    let env = TestEnv::new();
    phone_and_email(&env, "tia");
    let code = env.issue("tia");
    env.run(["verify", "tia", &code]).ok();
    env.run(["enroll", "tia", "--phone", NEW, "--confirmed"])
        .ok();
    env.run(["--dry-run", "set-password", "tia", "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .code(4)
        .stderr_has("reset window");
    let detail = env.sql("SELECT detail FROM audit WHERE action = 'contact.replace'");
    assert!(detail.contains("closed the open reset window"), "{detail}");
    // Removal closes it too.
    let code = env.issue("tia");
    env.run(["verify", "tia", &code]).ok();
    env.run(["unenroll", "tia", "--email"]).ok();
    env.run(["--dry-run", "set-password", "tia", "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .code(4);
}

#[test]
fn an_unconfirmed_replacement_is_pending_and_the_old_phone_stays_in_force() {
    let env = TestEnv::new();
    env.enrolled("dave");
    env.run(["skip", "dave"]).ok(); // enrolled: not counted
    let skips = env.sql("SELECT skips FROM users WHERE username = 'dave'");
    let d = env
        .run(["--dry-run", "enroll", "dave", "--phone", NEW])
        .ok();
    d.stdout_has(&format!("sms to {NEW}"))
        .stdout_has("Pending")
        .stdout_has("stays in force");
    let confirm_code = code_in(&d.stdout);
    // Still enrolled, skips untouched: a typo cannot switch SafeCode off.
    env.run(["check", "dave"]).ok();
    let j = env.run(["--json", "user", "show", "dave"]).ok().json();
    assert_eq!(j["state"], "enrolled");
    assert_eq!(j["phone"]["number"], OLD);
    assert_eq!(j["phone"]["confirmed"], true);
    assert_eq!(j["pending"][0]["address"], NEW);
    assert_eq!(
        env.sql("SELECT skips FROM users WHERE username = 'dave'"),
        skips
    );
    // Reset codes still go to the old phone.
    let d = env.run(["--dry-run", "issue", "dave"]).ok();
    d.stdout_has(&format!("sms to {OLD}"));
    let reset_code = code_in(&d.stdout);
    let pending = env
        .run(["--json", "user", "list", "--state", "pending"])
        .ok()
        .json();
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(pending[0]["username"], "dave");
    // Confirmation: the new phone replaces the old one, whose codes die.
    env.run(["--dry-run", "confirm", "dave", &confirm_code])
        .ok()
        .stdout_has("replaces")
        .stdout_has(&format!("sms to {OLD}"));
    let j = env.run(["--json", "user", "show", "dave"]).ok().json();
    assert_eq!(j["phone"]["number"], NEW);
    assert_eq!(j["phone"]["confirmed"], true);
    assert_eq!(j["pending"].as_array().unwrap().len(), 0);
    env.run(["verify", "dave", &reset_code]).code(7);
    env.run(["--dry-run", "issue", "dave"])
        .ok()
        .stdout_has(&format!("sms to {NEW}"));
    let empty = env
        .run(["--json", "user", "list", "--state", "pending"])
        .ok()
        .json();
    assert_eq!(empty.as_array().unwrap().len(), 0);
    // One audit row per change: the pending request, then the replacement.
    assert_eq!(
        env.sql(
            "SELECT group_concat(action, ',') FROM audit \
             WHERE action IN ('contact.pending', 'contact.replace')"
        ),
        "contact.pending,contact.replace"
    );
}

#[test]
fn a_vouched_replacement_is_immediate_and_drops_a_pending_one() {
    let env = TestEnv::new();
    env.enrolled("eva");
    let d = env.run(["--dry-run", "enroll", "eva", "--phone", NEW]).ok();
    let confirm_code = code_in(&d.stdout);
    env.run(["enroll", "eva", "--phone", "+16175550199", "--confirmed"])
        .ok()
        .stdout_has("Replaced");
    let j = env.run(["--json", "user", "show", "eva"]).ok().json();
    assert_eq!(j["phone"]["number"], "+16175550199");
    assert_eq!(j["pending"].as_array().unwrap().len(), 0);
    env.run(["confirm", "eva", &confirm_code]).code(7);
}

#[test]
fn a_change_notices_the_old_contact_and_every_other_confirmed_one() {
    let env = TestEnv::new();
    phone_and_email(&env, "gil");
    let d = env
        .run(["--dry-run", "enroll", "gil", "--phone", NEW, "--confirmed"])
        .ok();
    assert_eq!(
        printed_to(&d.stdout),
        [
            "email to gil@gmail.com".to_string(),
            format!("sms to {OLD}")
        ],
        "{}",
        d.stdout
    );
    // Removal: the removed contact and the others.
    let d = env.run(["--dry-run", "unenroll", "gil", "--email"]).ok();
    assert_eq!(
        printed_to(&d.stdout),
        [
            "email to gil@gmail.com".to_string(),
            format!("sms to {NEW}")
        ],
        "{}",
        d.stdout
    );
    assert!(d.stdout.contains("removed"), "{}", d.stdout);
}

#[test]
fn a_phone_change_notices_the_email_through_the_real_smtp_server() {
    let env = TestEnv::new();
    let sink = Server::smtp_sink(&env.path("mail"), &[]);
    env.config(&format!(
        "[email]\nsmtp_url = \"{}\"\nfrom = \"SafeCode <safecode@example.org>\"\n\
         [sms]\nprovider = \"gateway\"\n",
        sink.smtp_url()
    ));
    phone_and_email(&env, "hub");
    env.run([
        "enroll",
        "hub",
        "--phone",
        NEW,
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    let got: Vec<Mail> = servers::mails(&env.path("mail"), 2);
    let mut to: Vec<&str> = got.iter().map(|m| m.envelope_to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["6174322000@vtext.com", "hub@gmail.com"]);
    let email = got
        .iter()
        .find(|m| m.envelope_to == "hub@gmail.com")
        .unwrap();
    assert!(
        email.body.contains("mobile phone number") && email.body.contains("still receives"),
        "{email:#?}"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'notify' AND outcome = 'sent'"),
        "2"
    );
}

#[test]
fn re_entering_the_same_number_keeps_its_carrier() {
    let env = TestEnv::new();
    env.user("ida");
    env.run([
        "enroll",
        "ida",
        "--phone",
        OLD,
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    env.run(["enroll", "ida", "--phone", "(617) 432-2000", "--confirmed"])
        .ok()
        .stdout_has("Unchanged");
    env.run(["--dry-run", "enroll", "ida", "--phone", "617.432.2000"])
        .ok();
    let csv = env.path("same.csv");
    std::fs::write(&csv, format!("username,phone\nida,{OLD}\n")).unwrap();
    env.run(["import", csv.to_str().unwrap()]).ok();
    let j = env.run(["--json", "user", "show", "ida"]).ok().json();
    assert_eq!(j["phone"]["carrier"], "verizon");
    // A pending number re-entered keeps the carrier it was given.
    env.run([
        "--dry-run",
        "enroll",
        "ida",
        "--phone",
        NEW,
        "--carrier",
        "verizon",
    ])
    .ok();
    env.run(["--dry-run", "enroll", "ida", "--phone", NEW]).ok();
    let j = env.run(["--json", "user", "show", "ida"]).ok().json();
    assert_eq!(j["pending"][0]["carrier"], "verizon");
}

#[test]
fn confirm_resend_sends_the_pending_contact_a_fresh_code() {
    let env = TestEnv::new();
    env.enrolled("jo");
    let d = env
        .run(["--dry-run", "enroll", "jo", "--email", "jo@gmail.com"])
        .ok();
    let first = code_in(&d.stdout);
    let d = env.run(["--dry-run", "confirm", "jo", "--resend"]).ok();
    d.stdout_has("email to jo@gmail.com")
        .stdout_has("new confirmation code");
    let second = code_in(&d.stdout);
    env.run(["confirm", "jo", &first]).code(7);
    env.run(["confirm", "jo", &second]).ok();
    // Nothing waits now: said so, with the command that registers one.
    let d = env.run(["--dry-run", "confirm", "jo", "--resend"]).code(4);
    d.stderr_has("no contact waiting for confirmation")
        .stderr_has("safecode enroll jo");
    assert!(!d.stderr.contains("safecode issue"), "{}", d.stderr);
    let d = env.run(["confirm", "jo", "123456"]).code(7);
    d.stderr_has("no contact waiting")
        .stderr_has("safecode enroll jo");
    assert!(!d.stderr.contains("safecode issue"), "{}", d.stderr);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'confirm' AND outcome = 'none'"),
        "1"
    );
}

#[test]
fn an_expired_or_used_confirmation_code_hints_resend_not_issue() {
    let env = TestEnv::new();
    env.enrolled("kai");
    let d = env.run(["--dry-run", "enroll", "kai", "--phone", NEW]).ok();
    let code = code_in(&d.stdout);
    let d = env.run(["confirm", "kai", &code]).faketime("+11m").code(7);
    d.stderr_has("expired")
        .stderr_has("safecode confirm kai --resend");
    assert!(!d.stderr.contains("safecode issue"), "{}", d.stderr);
    let d = env.run(["--dry-run", "confirm", "kai", "--resend"]).ok();
    let code = code_in(&d.stdout);
    env.run(["confirm", "kai", &code]).ok();
}

#[test]
fn enroll_never_creates_a_user() {
    let env = TestEnv::new();
    env.run(["enroll", "nobody", "--phone", OLD, "--confirmed"])
        .code(3)
        .stderr_has("no user `nobody`")
        .stderr_has("safecode user add");
    env.run(["--dry-run", "enroll", "nobody", "--email", "n@gmail.com"])
        .code(3);
    assert_eq!(env.sql("SELECT count(*) FROM users"), "0");
    assert_eq!(env.sql("SELECT count(*) FROM contacts"), "0");
    // --name belongs to `user add` now.
    env.run(["enroll", "nobody", "--phone", OLD, "--name", "No Body"])
        .code(2);
}

#[test]
fn import_replace_contacts_follows_the_same_rules() {
    let env = TestEnv::new();
    let sink = Server::smtp_sink(&env.path("mail"), &[]);
    env.config(&format!(
        "[email]\nsmtp_url = \"{}\"\nfrom = \"SafeCode <safecode@example.org>\"\n\
         [sms]\nprovider = \"gateway\"\n",
        sink.smtp_url()
    ));
    phone_and_email(&env, "lou");
    phone_and_email(&env, "mia");
    env.run(["issue", "lou"]).ok();
    let code = servers::mails(&env.path("mail"), 1)[0].code(6);
    env.run(["verify", "lou", &code]).ok();
    let code = {
        env.run(["issue", "lou"]).ok();
        servers::mails(&env.path("mail"), 2)[1].code(6)
    };
    let csv = env.path("new.csv");
    std::fs::write(&csv, format!("username,phone,carrier\nlou,{NEW},verizon\n")).unwrap();
    let j = env
        .run([
            "--json",
            "import",
            "--replace-contacts",
            csv.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(j["replaced"], 1);
    assert_eq!(j["notified"], 2);
    let got = servers::mails(&env.path("mail"), 4);
    let mut to: Vec<&str> = got[2..].iter().map(|m| m.envelope_to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["6174322000@vtext.com", "lou@gmail.com"]);
    // The code sent to the old phone is void, the window it opened closed.
    env.run(["verify", "lou", &code]).code(7).stderr_has("void");
    env.run(["set-password", "lou", "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .code(4);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'contact.replace' AND username = 'lou'"),
        "1"
    );
    // --unconfirmed: the replacement is pending, the old phone stays in force.
    // With the carrier gateways a new phone needs its carrier.
    std::fs::write(&csv, format!("username,phone,carrier\nmia,{NEW},verizon\n")).unwrap();
    env.run([
        "import",
        "--replace-contacts",
        "--unconfirmed",
        csv.to_str().unwrap(),
    ])
    .ok();
    let j = env.run(["--json", "user", "show", "mia"]).ok().json();
    assert_eq!(j["state"], "enrolled");
    assert_eq!(j["phone"]["number"], OLD);
    assert_eq!(j["pending"][0]["address"], NEW);
    // Without --replace-contacts nothing changes.
    std::fs::write(&csv, "username,phone\nmia,+16175550177\n").unwrap();
    env.run(["import", csv.to_str().unwrap()]).code(6);
    assert_eq!(servers::mails(&env.path("mail"), 4).len(), 4);
}

#[test]
fn a_version_1_database_upgrades_to_version_2_keeping_its_data() {
    let env = TestEnv::bare();
    let schema = include_str!("../schema.sql");
    let v1 = schema
        .split("-- version 2")
        .next()
        .unwrap()
        .split("-- version 1")
        .nth(1)
        .unwrap();
    let key = "0".repeat(64);
    let setup = format!(
        "{v1}\nPRAGMA user_version = 1;\n\
         INSERT INTO meta (key, value) VALUES ('code_key', x'{key}');\n\
         INSERT INTO users (id, username, name, skips, created_at, updated_at) \
           VALUES (1, 'old', 'Old Timer', 2, 1, 1), (2, 'new', NULL, 0, 1, 1);\n\
         INSERT INTO contacts (user_id, channel, address, carrier, confirmed_at, created_at) \
           VALUES (1, 'sms', '{OLD}', 'verizon', 5, 5), \
                  (2, 'email', 'new@gmail.com', NULL, NULL, 5);\n"
    );
    let out = crate::common::tool("sqlite3", "sqlite3")
        .arg(&env.db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(setup.as_bytes())?;
            c.wait()
        })
        .expect("sqlite3 CLI (apt-get install sqlite3)");
    assert!(out.success());
    std::fs::set_permissions(&env.db, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    // Before the upgrade every other command refuses, naming `init`.
    env.run(["user", "show", "old"])
        .code(1)
        .stderr_has("safecode init");
    env.run(["init"])
        .ok()
        .stdout_has("from schema version 1 to 2");
    assert_eq!(env.sql("PRAGMA user_version"), "2");
    let j = env.run(["--json", "user", "show", "old"]).ok().json();
    assert_eq!(j["name"], "Old Timer");
    assert_eq!(j["skips"], 2);
    assert_eq!(j["state"], "enrolled");
    assert_eq!(j["phone"]["number"], OLD);
    assert_eq!(j["phone"]["carrier"], "verizon");
    let pending = env
        .run(["--json", "user", "list", "--state", "pending"])
        .ok()
        .json();
    assert_eq!(pending[0]["username"], "new");
    // The upgraded database takes pending replacements, and its code key works.
    let d = env.run(["--dry-run", "enroll", "old", "--phone", NEW]).ok();
    let code = code_in(&d.stdout);
    env.run(["--dry-run", "confirm", "old", &code]).ok();
    let j = env.run(["--json", "user", "show", "old"]).ok().json();
    assert_eq!(j["phone"]["number"], NEW);
    env.run(["audit", "--verify"]).ok();
    env.run(["init"]).ok().stdout_has("up to date");
}
