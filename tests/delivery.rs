//! Delivery (SPEC §3) against real servers: an SMTP server process, a local HTTP
//! SMS API, and local commands. Each test sends a code, reads it back from what
//! the server received, and uses it, so a code that never left safecode, or left
//! garbled, fails the test.

use crate::common::TestEnv;
use crate::common::servers::{self, Mail, Server};

const FROM: &str = "SafeCode <safecode@example.org>";
const PHONE: &str = "+16174322000";
const GATEWAY_ADDR: &str = "6174322000@vtext.com";
const PASSWORD: &str = "plover quince tangerine 42";
const CODE_LEN: usize = 6;

/// `[email]` pointing at `url`, plus more TOML.
fn email_config(env: &TestEnv, url: &str, more: &str) {
    env.config(&format!(
        "[email]\nsmtp_url = \"{url}\"\nfrom = \"{FROM}\"\n{more}"
    ));
}

/// SMTP sink + config with SMS through the carrier gateway on the same server.
fn with_sink(env: &TestEnv) -> Server {
    let sink = Server::smtp_sink(&env.path("mail"), &[]);
    email_config(env, &sink.smtp_url(), "[sms]\nprovider = \"gateway\"\n");
    sink
}

fn mails(env: &TestEnv, n: usize) -> Vec<Mail> {
    let got = servers::mails(&env.path("mail"), n);
    assert_eq!(got.len(), n, "wanted {n} mails, got {got:#?}");
    got
}

fn code_count(env: &TestEnv) -> String {
    env.sql("SELECT count(*) FROM codes")
}

/// The code works: verify opens the window, set-password uses it.
fn verify_and_set_password(env: &TestEnv, user: &str, code: &str) {
    env.run(["verify", user, code]).ok();
    env.run(["set-password", user, "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .ok();
    env.run(["authenticate", user])
        .stdin(format!("{PASSWORD}\n"))
        .ok();
}

/// No audit row carries `code`, and a `deliver` row with `outcome` exists.
fn audit_has_delivery_without(env: &TestEnv, outcome: &str, code: Option<&str>) {
    let rows = env.sql("SELECT action, outcome, coalesce(detail, '') FROM audit");
    assert!(
        rows.lines()
            .any(|l| l.starts_with(&format!("deliver|{outcome}|"))),
        "no deliver|{outcome} row:\n{rows}"
    );
    if let Some(code) = code {
        assert!(
            !rows.contains(code),
            "the code is in the audit log:\n{rows}"
        );
    }
}

#[test]
fn delivery_email_reset_code_round_trip() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    env.run(["user", "add", "ann"]).ok();
    env.run(["enroll", "ann", "--email", "ann@gmail.com", "--confirmed"])
        .ok();
    env.run(["issue", "ann", "--via", "email"])
        .ok()
        .stdout_has("a***@gmail.com");

    let m = &mails(&env, 1)[0];
    assert_eq!(m.envelope_to, "ann@gmail.com");
    assert!(m.header("From").unwrap().contains("safecode@example.org"));
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("HMS SafeCode for your password reset")
    );
    assert!(m.body.contains("(617) 432-2000"), "{}", m.body);
    let code = m.code(CODE_LEN);
    audit_has_delivery_without(&env, "sent", Some(&code));

    verify_and_set_password(&env, "ann", &code);
    // Used once: the same code is now rejected.
    env.run(["verify", "ann", &code]).code(7);
    assert_eq!(env.sql("SELECT state FROM codes"), "used");

    let notice = &mails(&env, 2)[1];
    assert_eq!(notice.envelope_to, "ann@gmail.com");
    assert!(
        notice
            .header("Subject")
            .unwrap()
            .contains("password was changed"),
        "{notice:#?}"
    );
}

#[test]
fn delivery_sms_through_the_verizon_gateway() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    env.run(["user", "add", "bob"]).ok();
    env.run([
        "enroll",
        "bob",
        "--phone",
        PHONE,
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    env.run(["issue", "bob"]).ok();

    let m = &mails(&env, 1)[0];
    assert_eq!(m.envelope_to, GATEWAY_ADDR);
    // Gateways put a subject in front of the text; none is sent.
    assert_eq!(m.header("Subject"), None);
    let text = m.body.trim_end();
    assert!(text.len() <= 160 && text.is_ascii(), "{text:?}");
    assert!(text.starts_with("HMS SafeCode "), "{text:?}");
    let code = m.code(CODE_LEN);
    audit_has_delivery_without(&env, "sent", Some(&code));

    verify_and_set_password(&env, "bob", &code);
    let notice = &mails(&env, 2)[1];
    assert_eq!(notice.envelope_to, GATEWAY_ADDR);
    assert!(
        notice.body.contains("password was just changed"),
        "{notice:#?}"
    );
}

#[test]
fn delivery_discontinued_gateways_are_refused_before_a_code_exists() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    for (user, carrier, name) in [("cat", "att", "AT&T"), ("tom", "tmobile", "T-Mobile")] {
        env.user(user);
        // Enrolling such a phone is refused now; this one was registered before
        // the carrier shut its gateway down.
        env.run([
            "enroll",
            user,
            "--phone",
            PHONE,
            "--carrier",
            carrier,
            "--confirmed",
        ])
        .code(4)
        .stderr_has("discontinued");
        env.run([
            "enroll",
            user,
            "--phone",
            PHONE,
            "--carrier",
            "verizon",
            "--confirmed",
        ])
        .ok();
        env.sql(&format!(
            "UPDATE contacts SET carrier = '{carrier}' WHERE user_id = \
             (SELECT id FROM users WHERE username = '{user}')"
        ));
        env.run(["issue", user])
            .code(5)
            .stderr_has(&format!("{name} discontinued its email-to-SMS gateway"))
            .stderr_has("hint: ")
            .stderr_has("[sms] provider = \"http\" or \"command\"");
    }
    assert_eq!(code_count(&env), "0");
    assert!(mails(&env, 0).is_empty());
}

#[test]
fn delivery_a_stopped_server_voids_the_code() {
    let env = TestEnv::new();
    let sink = Server::smtp_sink(&env.path("mail"), &[]);
    let port = sink.port;
    email_config(&env, &sink.smtp_url(), "");
    env.run(["user", "add", "dee"]).ok();
    env.run(["enroll", "dee", "--email", "dee@gmail.com", "--confirmed"])
        .ok();
    env.run(["issue", "dee", "--via", "email"]).ok();
    let first = mails(&env, 1)[0].code(CODE_LEN);

    drop(sink); // connection refused from now on
    env.run(["issue", "dee", "--via", "email"])
        .code(5)
        .stderr_has("could not deliver the code to d***@gmail.com")
        .stderr_has(&format!("SMTP server 127.0.0.1:{port}"))
        .stderr_has("the code was voided");
    assert_eq!(
        env.sql("SELECT state, void_reason FROM codes ORDER BY id"),
        "voided|replaced\nvoided|delivery failed"
    );
    audit_has_delivery_without(&env, "failed", Some(&first));
    // Neither the code that never left nor the one it replaced works.
    env.run(["verify", "dee", &first])
        .code(7)
        .stderr_has("that code is void (delivery failed)");
}

#[test]
fn delivery_a_server_that_never_answers_times_out() {
    let env = TestEnv::new();
    let port = servers::silent_server();
    email_config(
        &env,
        &format!("smtp://127.0.0.1:{port}"),
        "timeout = \"2s\"\n",
    );
    env.run(["user", "add", "eli"]).ok();
    env.run(["enroll", "eli", "--email", "eli@gmail.com", "--confirmed"])
        .ok();
    env.run(["issue", "eli", "--via", "email"])
        .code(5)
        .stderr_has(&format!(
            "SMTP server 127.0.0.1:{port} did not answer within 2 s"
        ))
        .stderr_has("[email] timeout");
    assert_eq!(env.sql("SELECT state FROM codes"), "voided");
}

#[test]
fn delivery_a_recipient_the_server_refuses_is_quoted() {
    let env = TestEnv::new();
    let sink = Server::smtp_sink(&env.path("mail"), &["--reject", "fay@gmail.com"]);
    email_config(&env, &sink.smtp_url(), "");
    env.run(["user", "add", "fay"]).ok();
    env.run(["enroll", "fay", "--email", "fay@gmail.com", "--confirmed"])
        .ok();
    env.run(["issue", "fay", "--via", "email"])
        .code(5)
        .stderr_has("550")
        .stderr_has("Recipient address rejected");
    assert_eq!(env.sql("SELECT state FROM codes"), "voided");
    assert!(mails(&env, 0).is_empty());
}

fn http_config(env: &TestEnv, api: &Server) {
    env.config(&format!(
        "[sms]\nprovider = \"http\"\n\
         http = {{ url = \"{}\", account_sid = \"AC0123\", from = \"+16175550100\" }}\n",
        api.http_url()
    ));
}

#[test]
fn delivery_http_sms_provider_gets_the_message() {
    let env = TestEnv::new();
    let log = env.path("sms.log");
    let api = Server::sms_api(&log, &["--token", "s3cret"]);
    http_config(&env, &api);
    env.enrolled("gus");
    env.run(["issue", "gus"])
        .env("SAFECODE_SMS_TOKEN", "s3cret")
        .ok()
        .stdout_has("+1 ***-***-2000");

    let reqs = servers::requests(&log);
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    let r = &reqs[0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], "/2010-04-01/Accounts/AC0123/Messages.json");
    // base64("AC0123:s3cret")
    assert_eq!(r["authorization"], "Basic QUMwMTIzOnMzY3JldA==");
    assert_eq!(r["form"]["To"], PHONE);
    assert_eq!(r["form"]["From"], "+16175550100");
    assert_eq!(r["status"], 201);
    let code = servers::code_in(r["form"]["Body"].as_str().unwrap(), CODE_LEN);
    audit_has_delivery_without(&env, "sent", Some(&code));
    verify_and_set_password(&env, "gus", &code);
}

#[test]
fn delivery_http_sms_provider_errors_are_quoted() {
    let env = TestEnv::new();
    let log = env.path("sms.log");
    let api = Server::sms_api(&log, &["--token", "s3cret", "--fail-to", PHONE]);
    http_config(&env, &api);
    env.enrolled("hal");
    env.run(["issue", "hal"])
        .env("SAFECODE_SMS_TOKEN", "s3cret")
        .code(5)
        .stderr_has("HTTP 400")
        .stderr_has("The 'To' number is not a valid phone number. (error 21211)")
        .stderr_has("the code was voided");
    assert_eq!(env.sql("SELECT state FROM codes"), "voided");

    // A wrong token: the provider's 401 is quoted too.
    env.run(["issue", "hal"])
        .env("SAFECODE_SMS_TOKEN", "wrong")
        .code(5)
        .stderr_has("HTTP 401")
        .stderr_has("Authenticate");
    // No token at all is a configuration error, caught before any code exists.
    env.run(["issue", "hal"])
        .code(1)
        .stderr_has("SAFECODE_SMS_TOKEN");
    assert_eq!(code_count(&env), "2");
    assert_eq!(servers::requests(&log).len(), 2);
}

#[test]
fn delivery_command_gets_the_number_and_the_body_on_stdin() {
    let env = TestEnv::new();
    let out = env.path("sent");
    let cmd = servers::script(
        env.dir.path(),
        "send-sms",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{o}.args'\ncat > '{o}.stdin'\n",
            o = out.display()
        ),
    );
    env.config(&format!("[sms]\ncommand = \"{}\"\n", cmd.display()));
    env.enrolled("ida");
    env.run(["issue", "ida"]).ok();
    assert_eq!(
        std::fs::read_to_string(out.with_extension("args")).unwrap(),
        format!("{PHONE}\n")
    );
    let body = std::fs::read_to_string(out.with_extension("stdin")).unwrap();
    assert!(body.starts_with("HMS SafeCode "), "{body:?}");
    let code = servers::code_in(&body, CODE_LEN);
    verify_and_set_password(&env, "ida", &code);
}

#[test]
fn delivery_a_failing_command_is_quoted() {
    let env = TestEnv::new();
    let cmd = servers::script(
        env.dir.path(),
        "send-sms",
        "#!/bin/sh\ncat > /dev/null\necho 'modem: no signal' >&2\nexit 3\n",
    );
    env.config(&format!(
        "[sms]\nprovider = \"command\"\ncommand = \"{}\"\n",
        cmd.display()
    ));
    env.enrolled("jon");
    env.run(["issue", "jon"])
        .code(5)
        .stderr_has("exit status 3")
        .stderr_has("modem: no signal")
        .stderr_has("the code was voided");
    assert_eq!(env.sql("SELECT state FROM codes"), "voided");
    audit_has_delivery_without(&env, "failed", None);
}

#[test]
fn delivery_nothing_configured_refuses_without_a_code() {
    let env = TestEnv::new();
    env.run(["user", "add", "kim"]).ok();
    env.run([
        "enroll",
        "kim",
        "--phone",
        PHONE,
        "--email",
        "kim@gmail.com",
        "--confirmed",
    ])
    .ok();
    env.run(["issue", "kim"])
        .code(1)
        .stderr_has("no SMS delivery configured")
        .stderr_has("[sms] provider")
        .stderr_has("--dry-run");
    env.run(["issue", "kim", "--via", "email"])
        .code(1)
        .stderr_has("[email] smtp_url and from");
    assert_eq!(code_count(&env), "0");
    // The dry-run printer needs no configuration.
    env.run(["--dry-run", "issue", "kim"])
        .ok()
        .stdout_has("not sent");
    assert_eq!(code_count(&env), "1");
}

#[test]
fn delivery_enroll_sends_a_confirmation_code_that_confirm_takes() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    env.run(["user", "add", "lea"]).ok();
    env.run(["enroll", "lea", "--email", "lea@gmail.com"])
        .ok()
        .stderr_has("Sent a confirmation code to l***@gmail.com");
    env.run(["check", "lea"]).code(10);

    let m = &mails(&env, 1)[0];
    assert_eq!(m.envelope_to, "lea@gmail.com");
    assert!(
        m.header("Subject")
            .unwrap()
            .contains("confirm your email address"),
        "{m:#?}"
    );
    let code = m.code(CODE_LEN);
    // A confirmation code is not a reset code.
    env.run(["verify", "lea", &code]).code(7);
    env.run(["confirm", "lea", &code]).ok();
    env.run(["check", "lea"]).ok();
    let show = env.run(["--json", "user", "show", "lea"]).ok().json();
    assert_eq!(show["email"]["confirmed"], true);
}

#[test]
fn delivery_replacing_a_confirmed_phone_notifies_the_old_one() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    env.run(["user", "add", "max"]).ok();
    env.run([
        "enroll",
        "max",
        "--phone",
        PHONE,
        "--carrier",
        "verizon",
        "--confirmed",
    ])
    .ok();
    // The new phone is unconfirmed, so pending: it gets a confirmation code, and
    // the old one stays in force until then.
    env.run([
        "enroll",
        "max",
        "--phone",
        "+16175550123",
        "--carrier",
        "verizon",
    ])
    .ok();
    let got = mails(&env, 1);
    assert_eq!(got[0].envelope_to, "6175550123@vtext.com");
    env.run(["confirm", "max", &got[0].code(CODE_LEN)]).ok();
    // Now it replaced the old one, which is told.
    let got = mails(&env, 2);
    let old = &got[1];
    assert_eq!(old.envelope_to, GATEWAY_ADDR);
    assert!(
        old.body
            .contains("mobile phone number for your password resets was changed"),
        "{old:#?}"
    );
    let show = env.run(["--json", "user", "show", "max"]).ok().json();
    assert_eq!(show["phone"]["number"], "+16175550123");
    assert_eq!(show["phone"]["confirmed"], true);
}

#[test]
fn delivery_password_change_notifies_every_confirmed_contact() {
    let env = TestEnv::new();
    let _sink = with_sink(&env);
    env.run(["user", "add", "ned"]).ok();
    env.run([
        "enroll",
        "ned",
        "--phone",
        PHONE,
        "--carrier",
        "verizon",
        "--email",
        "ned@gmail.com",
        "--confirmed",
    ])
    .ok();
    env.run(["issue", "ned"]).ok();
    let code = mails(&env, 1)[0].code(CODE_LEN);
    env.run(["set-password", "ned", "--code", &code, "--password-stdin"])
        .stdin(format!("{PASSWORD}\n"))
        .ok();
    let got = mails(&env, 3);
    let mut to: Vec<&str> = got[1..].iter().map(|m| m.envelope_to.as_str()).collect();
    to.sort();
    assert_eq!(to, [GATEWAY_ADDR, "ned@gmail.com"]);
    for m in &got[1..] {
        let text = format!("{}\n{}", m.headers, m.body);
        assert!(text.contains("password was"), "{m:#?}");
    }
    let notices =
        env.sql("SELECT count(*) FROM audit WHERE action = 'notify' AND outcome = 'sent'");
    assert_eq!(notices, "2");
}
