//! Delivery (SPEC §3): the [`Sender`] trait, one file per transport, and the
//! [`Dispatcher`] that picks a transport per channel from the configuration.
//!
//! Every transport failure is a [`Kind::Delivery`] error (exit 5) whose message
//! quotes what the server, provider or command said. A channel with no transport
//! configured is a [`Kind::Other`] error (exit 1) naming the keys to set, raised by
//! [`Dispatcher::ready`] before any code is generated. Error messages do not name
//! the destination: the caller adds it, masked (SPEC §2 "Output").

pub mod command;
pub mod dryrun;
pub mod gateway;
pub mod http;
pub mod smtp;

#[cfg(test)]
#[path = "../../tests/support/servers.rs"]
mod testing;

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, Secs};
use crate::error::{self, Error, Kind};
pub use crate::message::{Channel, Text};

pub use command::CommandSender;
pub use dryrun::DryRun;
pub use gateway::GatewaySender;
pub use http::HttpSender;
pub use smtp::SmtpSender;

/// Environment variable holding the SMTP password (overrides `[email] password`).
pub const SMTP_PASSWORD_ENV: &str = "SAFECODE_SMTP_PASSWORD";
/// Environment variable holding the token of the HTTP SMS API.
pub const SMS_TOKEN_ENV: &str = "SAFECODE_SMS_TOKEN";
/// How long a server, provider or command may take when the config says nothing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// One message to one destination.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    /// E.164 (`+16174322000`) for SMS, an address for email.
    pub to: String,
    /// The carrier's email-to-SMS gateway, for SMS through `provider = "gateway"`.
    pub gateway: Option<Gateway>,
    pub text: Text,
}

/// A carrier's email-to-SMS gateway, resolved from the carrier table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// Display name of the carrier, for messages.
    pub carrier: String,
    /// e.g. `vtext.com`.
    pub domain: String,
    /// `false`: the carrier discontinued the gateway.
    pub active: bool,
}

/// Something that delivers messages.
pub trait Sender {
    /// Delivers `msg`, or fails with a [`Kind::Delivery`] error saying why.
    fn send(&self, msg: &Message) -> Result<(), Error>;
}

/// Outcome of one `doctor` check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One line of `doctor` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
}

impl Check {
    pub fn new(name: &str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            status,
            detail: detail.into(),
        }
    }
}

/// Secrets that come from the environment only, never from a flag.
#[derive(Clone, Default)]
pub struct Secrets {
    /// `SAFECODE_SMTP_PASSWORD`.
    pub smtp_password: Option<String>,
    /// `SAFECODE_SMS_TOKEN`.
    pub sms_token: Option<String>,
}

impl Secrets {
    /// Reads the secrets; an empty variable counts as unset.
    pub fn from_env() -> Secrets {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Secrets {
            smtp_password: var(SMTP_PASSWORD_ENV),
            sms_token: var(SMS_TOKEN_ENV),
        }
    }
}

/// A configured timeout, or the default.
pub(crate) fn timeout_of(secs: Option<Secs>) -> Duration {
    match secs {
        Some(Secs(s)) if s > 0 => Duration::from_secs(s),
        _ => DEFAULT_TIMEOUT,
    }
}

/// Whether a host (`localhost`, `127.0.0.1`, `[::1]`) is this machine: the only
/// place a password or token may be sent over a plain connection.
pub(crate) fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host of a URL such as `http://user@[::1]:8080/x`: after any userinfo, without
/// the port.
pub(crate) fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.starts_with('[') {
        return hostport.split_inclusive(']').next().unwrap_or(hostport);
    }
    hostport.split(':').next().unwrap_or(hostport)
}

/// Text quoted from a server, provider or command, made into one short line.
pub(crate) fn quote(text: &str, max_chars: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if line.chars().count() > max_chars {
        let cut: String = line.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        line
    }
}

/// Why a channel cannot send, kept to be raised each time it is asked to.
struct Unready {
    /// The channel has keys set (but they are wrong), as opposed to none at all.
    configured: bool,
    message: String,
    hint: Option<String>,
}

impl Unready {
    fn from_error(configured: bool, e: Error) -> Unready {
        Unready {
            configured,
            message: e.message,
            hint: e.hint,
        }
    }

    /// The message and its hint on one line, for `doctor`.
    fn with_hint(&self) -> String {
        match &self.hint {
            Some(h) => format!("{} (hint: {h})", self.message),
            None => self.message.clone(),
        }
    }

    fn error(&self) -> Error {
        let e = Error::new(Kind::Other, self.message.clone());
        match &self.hint {
            Some(h) => e.hint(h.clone()),
            None => e,
        }
    }
}

enum SmsTransport {
    Gateway(GatewaySender),
    Http(HttpSender),
    Command(CommandSender),
}

impl SmsTransport {
    fn sender(&self) -> &dyn Sender {
        match self {
            SmsTransport::Gateway(s) => s,
            SmsTransport::Http(s) => s,
            SmsTransport::Command(s) => s,
        }
    }
}

/// Picks the transport for each channel from the configuration; with `--dry-run`
/// everything goes to the [`DryRun`] printer.
pub struct Dispatcher {
    dry_run: Option<DryRun>,
    email: Result<SmtpSender, Unready>,
    sms: Result<SmsTransport, Unready>,
}

/// The dispatcher for this configuration, with secrets from the environment.
pub fn dispatcher(cfg: &Config, dry_run: bool, dry_run_out: Box<dyn Write>) -> Dispatcher {
    Dispatcher::new(cfg, dry_run, dry_run_out, &Secrets::from_env())
}

impl Dispatcher {
    pub fn new(
        cfg: &Config,
        dry_run: bool,
        dry_run_out: Box<dyn Write>,
        secrets: &Secrets,
    ) -> Dispatcher {
        let email = email_route(cfg, secrets);
        let sms = sms_route(cfg, secrets, &email);
        Dispatcher {
            dry_run: dry_run.then(|| DryRun::new(dry_run_out)),
            email,
            sms,
        }
    }

    /// Whether messages are printed instead of sent.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run.is_some()
    }

    /// Call before a code is generated: fails (exit 1) if `ch` has no usable
    /// transport, naming the configuration keys to set.
    pub fn ready(&self, ch: Channel) -> Result<(), Error> {
        if self.dry_run.is_some() {
            return Ok(());
        }
        match ch {
            Channel::Email => self.email.as_ref().map(|_| ()).map_err(Unready::error),
            Channel::Sms => match &self.sms {
                Ok(SmsTransport::Command(c)) => c.preflight(),
                Ok(_) => Ok(()),
                Err(u) => Err(u.error()),
            },
        }
    }

    /// [`Dispatcher::ready`] for one destination: with SMS through the carrier
    /// gateway, also refuses (exit 5, with a hint) a phone with no carrier, a
    /// discontinued gateway or a number outside North America, so that no code
    /// is generated only to be voided.
    pub fn ready_to(&self, ch: Channel, to: &str, gateway: Option<&Gateway>) -> Result<(), Error> {
        self.ready(ch)?;
        match (&self.dry_run, ch, &self.sms) {
            (None, Channel::Sms, Ok(SmsTransport::Gateway(_))) => {
                gateway::gateway_address(to, gateway).map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// For `doctor`: connects to the SMTP server and the SMS provider (without
    /// sending anything) and reports what it found.
    pub fn check(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        if self.dry_run.is_some() {
            checks.push(Check::new(
                "dry run",
                Status::Warn,
                "--dry-run is set: messages are printed, not sent",
            ));
        }
        checks.push(match &self.email {
            Ok(smtp) => smtp.check("email delivery"),
            Err(u) if !u.configured => Check::new(
                "email delivery",
                Status::Warn,
                "not configured (optional): set [email] smtp_url and from to send codes by email",
            ),
            Err(u) => Check::new("email delivery", Status::Fail, u.with_hint()),
        });
        checks.push(match &self.sms {
            Ok(SmsTransport::Gateway(g)) => g.check("sms delivery"),
            Ok(SmsTransport::Http(h)) => h.check("sms delivery"),
            Ok(SmsTransport::Command(c)) => c.check("sms delivery"),
            Err(u) => Check::new("sms delivery", Status::Fail, u.with_hint()),
        });
        checks
    }
}

impl Sender for Dispatcher {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        if let Some(printer) = &self.dry_run {
            return printer.send(msg);
        }
        match msg.channel {
            Channel::Email => match &self.email {
                Ok(smtp) => smtp.send(msg),
                Err(u) => Err(u.error()),
            },
            Channel::Sms => match &self.sms {
                Ok(t) => t.sender().send(msg),
                Err(u) => Err(u.error()),
            },
        }
    }
}

pub(crate) const NO_EMAIL: &str =
    "no email delivery configured: set [email] smtp_url and from in the config, or pass --dry-run";

fn email_route(cfg: &Config, secrets: &Secrets) -> Result<SmtpSender, Unready> {
    let e = &cfg.email;
    if e.smtp_url.is_none() && e.from.is_none() {
        return Err(Unready::from_error(
            false,
            error::other(NO_EMAIL).hint("e.g. smtp_url = \"smtp://localhost:25\" and from = \"SafeCode <safecode@example.org>\""),
        ));
    }
    SmtpSender::from_config(e, secrets.smtp_password.as_deref())
        .map_err(|err| Unready::from_error(true, err))
}

fn sms_route(
    cfg: &Config,
    secrets: &Secrets,
    email: &Result<SmtpSender, Unready>,
) -> Result<SmsTransport, Unready> {
    let sms = &cfg.sms;
    let provider = match (sms.provider.as_deref(), &sms.command, &sms.http) {
        (Some(p), _, _) => p,
        // One transport written out needs no `provider` line to say which.
        (None, Some(_), None) => "command",
        (None, None, Some(_)) => "http",
        (None, Some(_), Some(_)) => {
            return Err(Unready::from_error(
                true,
                error::other(
                    "both [sms] command and [sms] http are set: set [sms] provider = \"command\" or \"http\" to choose",
                ),
            ));
        }
        (None, None, None) => {
            return Err(Unready::from_error(
                false,
                error::other(
                    "no SMS delivery configured: set [sms] provider in the config, or pass --dry-run",
                )
                .hint(
                    "provider = \"command\" with command = \"/path/to/send-sms\"; \
                     \"http\" with http = { url, account_sid, from } and SAFECODE_SMS_TOKEN; \
                     or \"gateway\" with [email] smtp_url and from",
                ),
            ));
        }
    };
    match provider {
        "gateway" => match email {
            Ok(smtp) => Ok(SmsTransport::Gateway(GatewaySender::new(smtp.clone()))),
            Err(u) => Err(Unready {
                configured: true,
                message: if u.configured {
                    format!(
                        "SMS goes through the carrier gateway, so email delivery must work: {}",
                        u.message
                    )
                } else {
                    "[sms] provider = \"gateway\" sends SMS by email, but no email delivery is configured: \
                     set [email] smtp_url and from in the config, or pass --dry-run"
                        .to_string()
                },
                hint: u.hint.clone(),
            }),
        },
        "http" => HttpSender::from_config(sms, secrets.sms_token.as_deref())
            .map(SmsTransport::Http)
            .map_err(|e| Unready::from_error(true, e)),
        "command" => CommandSender::from_config(sms)
            .map(SmsTransport::Command)
            .map_err(|e| Unready::from_error(true, e)),
        other => Err(Unready::from_error(
            true,
            error::other(format!(
                "config: sms.provider: `{other}` must be \"gateway\", \"http\" or \"command\""
            )),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EmailConfig, HttpSmsConfig, SmsConfig};
    use std::path::PathBuf;

    fn sms(to: &str) -> Message {
        Message {
            channel: Channel::Sms,
            to: to.into(),
            gateway: None,
            text: Text {
                subject: "s".into(),
                body: "HMS SafeCode 123456".into(),
            },
        }
    }

    #[test]
    fn nothing_configured_refuses_both_channels_naming_the_keys() {
        let d = Dispatcher::new(
            &Config::default(),
            false,
            Box::new(std::io::sink()),
            &Secrets::default(),
        );
        let e = d.ready(Channel::Email).unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        assert_eq!(
            e.message,
            "no email delivery configured: set [email] smtp_url and from in the config, or pass --dry-run"
        );
        let e = d.ready(Channel::Sms).unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("[sms] provider"), "{}", e.message);
        assert!(e.message.contains("--dry-run"), "{}", e.message);
        let e = d.send(&sms("+16174322000")).unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        let checks = d.check();
        assert_eq!(checks[0].status, Status::Warn);
        assert_eq!(checks[1].status, Status::Fail);
    }

    #[test]
    fn dry_run_is_always_ready_and_prints() {
        let out = testing::SharedBuf::default();
        let d = Dispatcher::new(
            &Config::default(),
            true,
            Box::new(out.clone()),
            &Secrets::default(),
        );
        d.ready(Channel::Email).unwrap();
        d.ready(Channel::Sms).unwrap();
        d.send(&sms("+16174322000")).unwrap();
        assert!(
            out.text()
                .starts_with("--- not sent (dry run): sms to +16174322000 ---\n")
        );
        assert_eq!(d.check()[0].name, "dry run");
    }

    #[test]
    fn gateway_needs_email() {
        let mut cfg = Config::default();
        cfg.sms.provider = Some("gateway".into());
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        let e = d.ready(Channel::Sms).unwrap_err();
        assert!(e.message.contains("[email] smtp_url"), "{}", e.message);

        cfg.email = EmailConfig {
            smtp_url: Some("smtp://127.0.0.1:25".into()),
            from: Some("SafeCode <safecode@example.org>".into()),
            ..EmailConfig::default()
        };
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        d.ready(Channel::Sms).unwrap();
        d.ready(Channel::Email).unwrap();
        let e = d.ready_to(Channel::Sms, "+16174322000", None).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        let gone = Gateway {
            carrier: "Sprint".into(),
            domain: "messaging.sprintpcs.com".into(),
            active: false,
        };
        let e = d
            .ready_to(Channel::Sms, "+16174322000", Some(&gone))
            .unwrap_err();
        assert!(e.hint.unwrap().contains("discontinued"));
        let live = Gateway {
            active: true,
            ..gone
        };
        d.ready_to(Channel::Sms, "+16174322000", Some(&live))
            .unwrap();
        d.ready_to(Channel::Email, "a@example.org", None).unwrap();
    }

    #[test]
    fn email_without_from_is_a_config_error() {
        let mut cfg = Config::default();
        cfg.email.smtp_url = Some("smtp://127.0.0.1:25".into());
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        let e = d.ready(Channel::Email).unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("[email] from"), "{}", e.message);
        assert_eq!(d.check()[0].status, Status::Fail);
    }

    #[test]
    fn provider_is_inferred_from_the_one_transport_written_out() {
        let mut cfg = Config {
            sms: SmsConfig {
                command: Some(PathBuf::from("/bin/true")),
                ..SmsConfig::default()
            },
            ..Config::default()
        };
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        d.ready(Channel::Sms).unwrap();

        cfg.sms = SmsConfig {
            http: Some(HttpSmsConfig {
                url: "https://api.twilio.com".into(),
                account_sid: "AC123".into(),
                from: "+16175550100".into(),
            }),
            ..SmsConfig::default()
        };
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        let e = d.ready(Channel::Sms).unwrap_err();
        assert!(e.message.contains("SAFECODE_SMS_TOKEN"), "{}", e.message);
        let secrets = Secrets {
            sms_token: Some("t".into()),
            ..Secrets::default()
        };
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &secrets);
        d.ready(Channel::Sms).unwrap();
    }

    #[test]
    fn missing_command_is_caught_before_a_code_is_made() {
        let mut cfg = Config::default();
        cfg.sms.provider = Some("command".into());
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        let e = d.ready(Channel::Sms).unwrap_err();
        assert!(e.message.contains("[sms] command"), "{}", e.message);

        cfg.sms.command = Some(PathBuf::from("/nonexistent/send-sms"));
        let d = Dispatcher::new(&cfg, false, Box::new(std::io::sink()), &Secrets::default());
        let e = d.ready(Channel::Sms).unwrap_err();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("does not exist"), "{}", e.message);
    }

    #[test]
    fn loopback_is_decided_on_the_real_host() {
        for (url, host, lo) in [
            ("http://127.0.0.1:8080/x", "127.0.0.1", true),
            ("http://localhost", "localhost", true),
            ("http://[::1]:80/", "[::1]", true),
            ("http://127.0.0.2/", "127.0.0.2", true),
            ("http://[::1]@evil.example/", "evil.example", false),
            ("http://localhost@evil.example:80", "evil.example", false),
            (
                "http://127.0.0.1.evil.example/",
                "127.0.0.1.evil.example",
                false,
            ),
            ("https://api.twilio.com", "api.twilio.com", false),
        ] {
            assert_eq!(url_host(url), host, "{url}");
            assert_eq!(is_loopback(url_host(url)), lo, "{url}");
        }
    }

    #[test]
    fn quote_makes_one_short_line() {
        assert_eq!(quote("  a\n b\tc  ", 10), "a b c");
        assert_eq!(quote(&"x".repeat(300), 200).chars().count(), 201);
        assert_eq!(quote("a\u{1b}[31mb", 20), "a?[31mb");
    }
}
