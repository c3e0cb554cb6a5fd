//! Email over SMTP: lettre's blocking transport with rustls (SPEC §3).
//!
//! `smtp_url` forms, as lettre reads them:
//! - `smtp://host:port`: plain SMTP, no TLS (local relays, tests);
//! - `smtp://host:587?tls=required`: STARTTLS, refused if the server lacks it;
//! - `smtp://host:587?tls=opportunistic`: STARTTLS when offered;
//! - `smtps://host:465`: TLS from the first byte.
//!
//! The user name comes from the URL's userinfo or `[email] username`; the
//! password from `SAFECODE_SMTP_PASSWORD`, the URL, or `[email] password`, in that
//! order, and never from a flag.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, SmtpTransport, Transport};

use super::{Check, Message, SMTP_PASSWORD_ENV, Sender, Status, is_loopback, quote, timeout_of};
use crate::config::EmailConfig;
use crate::error::{self, Error};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    None,
    StartTlsRequired,
    StartTlsOpportunistic,
    ImplicitTls,
}

impl Security {
    fn describe(self) -> &'static str {
        match self {
            Security::None => "unencrypted",
            Security::StartTlsRequired => "STARTTLS required",
            Security::StartTlsOpportunistic => "STARTTLS if offered",
            Security::ImplicitTls => "TLS",
        }
    }
}

/// Sends plain-text UTF-8 email through one SMTP server.
#[derive(Clone)]
pub struct SmtpSender {
    transport: SmtpTransport,
    from: Mailbox,
    /// `host:port`, for messages.
    server: String,
    host: String,
    security: Security,
    user: Option<String>,
    timeout: Duration,
}

/// An `smtp_url` taken apart: lettre gets it without the userinfo, so that the
/// user name can be taken from there even without a password, and so that no
/// password ever shows in a message.
struct SmtpUrl {
    bare: String,
    host: String,
    port: u16,
    security: Security,
    user: Option<String>,
    password: Option<String>,
}

fn parse_url(url: &str) -> Result<SmtpUrl, String> {
    let forms = "write smtp://host:25, smtp://host:587?tls=required, \
                 smtp://host:587?tls=opportunistic or smtps://host:465";
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("not a URL ({forms})"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((name, pass)) => (Some(percent_decode(name)?), Some(percent_decode(pass)?)),
            None => (Some(percent_decode(u)?), None),
        },
    };
    let user = user.filter(|u| !u.is_empty());
    let password = password.filter(|p| !p.is_empty());
    let tls = tail
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(""))
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("tls="));
    let security = match (scheme.to_ascii_lowercase().as_str(), tls) {
        ("smtp", None) => Security::None,
        ("smtp", Some("required")) => Security::StartTlsRequired,
        ("smtp", Some("opportunistic")) => Security::StartTlsOpportunistic,
        ("smtps", None) => Security::ImplicitTls,
        ("smtp" | "smtps", Some(other)) => {
            return Err(format!(
                "tls={other} is not a TLS mode (tls=required or tls=opportunistic)"
            ));
        }
        (other, _) => return Err(format!("unknown scheme `{other}` ({forms})")),
    };
    // Bracketed IPv6 hosts keep their colons.
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => {
            let port = p
                .parse::<u16>()
                .map_err(|_| format!("`{p}` is not a port number"))?;
            (h, Some(port))
        }
        _ => (hostport, None),
    };
    if host.is_empty() {
        return Err(format!("no host ({forms})"));
    }
    // lettre's defaults for a missing port.
    let port = port.unwrap_or(match security {
        Security::None => 25,
        Security::StartTlsRequired | Security::StartTlsOpportunistic => 587,
        Security::ImplicitTls => 465,
    });
    Ok(SmtpUrl {
        bare: format!("{scheme}://{hostport}{tail}"),
        host: host.to_string(),
        port,
        security,
        user,
        password,
    })
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'%') => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or("bad %-escape in the user name or password")?;
                out.push(hex);
                i += 3;
            }
            Some(&b) => {
                out.push(b);
                i += 1;
            }
            None => break,
        }
    }
    String::from_utf8(out).map_err(|_| "user name or password is not UTF-8 once decoded".into())
}

/// Whether a lettre error comes from a socket read or write that timed out
/// (`WouldBlock` is what a read timeout reports on Unix).
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            );
        }
        source = err.source();
    }
    false
}

impl SmtpSender {
    /// Builds the transport from `[email]`; `password_env` is `SAFECODE_SMTP_PASSWORD`.
    /// Errors are configuration errors ([`crate::error::Kind::Other`]).
    pub fn from_config(
        email: &EmailConfig,
        password_env: Option<&str>,
    ) -> Result<SmtpSender, Error> {
        let url = email
            .smtp_url
            .as_deref()
            .ok_or_else(|| error::other(super::NO_EMAIL))?;
        let parsed = parse_url(url.trim())
            .map_err(|why| error::other(format!("config: [email] smtp_url: {why}")))?;
        let from_text = email.from.as_deref().ok_or_else(|| {
            error::other("config: [email] from is not set: the address codes are sent from")
                .hint("e.g. from = \"SafeCode <safecode@example.org>\"")
        })?;
        let from: Mailbox = from_text.parse().map_err(|e| {
            error::other(format!(
                "config: [email] from: `{from_text}` is not an email address ({e})"
            ))
            .hint("e.g. from = \"SafeCode <safecode@example.org>\"")
        })?;
        let user = parsed
            .user
            .clone()
            .or_else(|| email.username.clone().filter(|u| !u.is_empty()));
        let password = password_env
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .or(parsed.password.clone())
            .or_else(|| email.password.clone().filter(|p| !p.is_empty()));
        let timeout = timeout_of(email.timeout);
        let mut builder = SmtpTransport::from_url(&parsed.bare)
            .map_err(|e| error::other(format!("config: [email] smtp_url: {e}")))?
            .timeout(Some(timeout));
        // AUTH sends the password itself (PLAIN is base64): only over TLS, or to this
        // machine. `tls=opportunistic` does not count: whoever sits in the middle
        // strips STARTTLS from the server's answer and reads the password.
        let protected = matches!(
            parsed.security,
            Security::ImplicitTls | Security::StartTlsRequired
        );
        if user.is_some() && !protected && !is_loopback(&parsed.host) {
            let host = &parsed.host;
            return Err(error::other(format!(
                "config: [email] smtp_url: the SMTP password would cross the network unencrypted to {host} ({})",
                parsed.security.describe()
            ))
            .hint(format!(
                "use smtps://{host}:465 or smtp://{host}:587?tls=required (plain SMTP with a password is allowed only to a loopback address)"
            )));
        }
        match (&user, password) {
            (Some(u), Some(p)) => builder = builder.credentials(Credentials::new(u.clone(), p)),
            (Some(u), None) => {
                return Err(error::other(format!(
                    "SMTP user `{u}` has no password: set {SMTP_PASSWORD_ENV} or [email] password"
                )));
            }
            (None, Some(_)) => {
                return Err(error::other(
                    "an SMTP password is set but no user name: set [email] username or put the user in smtp_url",
                ));
            }
            (None, None) => {}
        }
        Ok(SmtpSender {
            transport: builder.build(),
            from,
            server: format!("{}:{}", parsed.host, parsed.port),
            host: parsed.host,
            security: parsed.security,
            user,
            timeout,
        })
    }

    /// Sends one plain-text email.
    pub fn send_mail(&self, to: &str, subject: &str, text: &str) -> Result<(), Error> {
        self.deliver(to, Some(subject), Body::new(text.to_string()))
    }

    /// Sends an SMS text to a carrier's email-to-SMS gateway: no subject (gateways
    /// put it in front of the text, costing characters), and an ASCII text as it
    /// is (7bit) rather than quoted-printable with soft line breaks, which a
    /// crude gateway might pass on verbatim.
    pub fn send_sms_mail(&self, to: &str, text: &str) -> Result<(), Error> {
        let plain = text.is_ascii() && !text.contains('\0') && text.lines().all(|l| l.len() <= 998);
        let body = if plain {
            let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
            Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit)
        } else {
            Body::new(text.to_string())
        };
        self.deliver(to, None, body)
    }

    fn deliver(&self, to: &str, subject: Option<&str>, body: Body) -> Result<(), Error> {
        let address: Address = to.parse().map_err(|e| {
            error::delivery(format!("`{}` is not an email address ({e})", quote(to, 80)))
        })?;
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, address))
            // Some large providers reject mail without one; relays do not all add it.
            .message_id(Some(self.message_id()?))
            .header(ContentType::TEXT_PLAIN);
        if let Some(s) = subject {
            builder = builder.subject(s);
        }
        let email = builder
            .body(body)
            .map_err(|e| error::delivery(format!("cannot build the email: {e}")))?;
        self.transport
            .send(&email)
            .map(|_| ())
            .map_err(|e| self.failure(&e))
    }

    /// `<128 random bits in hex@the From domain>` (RFC 5322 §3.6.4): unique, and in
    /// a domain the sender answers for, not this host's name.
    fn message_id(&self) -> Result<String, Error> {
        let bits: [u8; 16] = crate::code::with_os_rng(rand::RngExt::random)
            .map_err(|e| error::delivery(e.to_string()))?;
        let hex: String = bits.iter().map(|b| format!("{b:02x}")).collect();
        Ok(format!("<{hex}@{}>", self.from.email.domain()))
    }

    fn failure(&self, e: &lettre::transport::smtp::Error) -> Error {
        if timed_out(e) {
            return error::delivery(format!(
                "SMTP server {} did not answer within {} s",
                self.server,
                self.timeout.as_secs()
            ))
            .hint("check [email] smtp_url, or raise [email] timeout");
        }
        let why = quote(&e.to_string(), 300);
        let err = error::delivery(format!("SMTP server {}: {why}", self.server));
        if e.is_permanent() || e.is_transient() {
            err
        } else {
            err.hint("check [email] smtp_url and that the mail server is up")
        }
    }

    /// Connects (EHLO, TLS, AUTH) and says NOOP, without sending anything.
    pub fn check(&self, name: &str) -> Check {
        let how = match &self.user {
            Some(u) => format!("{}, authenticated as {u}", self.security.describe()),
            None => self.security.describe().to_string(),
        };
        match self.transport.test_connection() {
            Ok(true) if self.security == Security::None && !is_loopback(&self.host) => Check::new(
                name,
                Status::Warn,
                format!(
                    "connected to {} ({how}): mail leaves unencrypted; use smtps:// or ?tls=required",
                    self.server
                ),
            ),
            Ok(true) => Check::new(
                name,
                Status::Ok,
                format!("connected to {} ({how})", self.server),
            ),
            Ok(false) => Check::new(
                name,
                Status::Warn,
                format!(
                    "connected to {} ({how}) but it did not answer NOOP",
                    self.server
                ),
            ),
            Err(e) => Check::new(name, Status::Fail, self.failure(&e).message),
        }
    }
}

impl Sender for SmtpSender {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        self.send_mail(&msg.to, &msg.text.subject, &msg.text.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use crate::message::{self, Channel, Org};
    use crate::send::Text;
    use crate::send::testing::{self, Server};
    use std::time::Instant;

    fn config(url: &str, timeout: u64) -> EmailConfig {
        EmailConfig {
            smtp_url: Some(url.into()),
            from: Some("SafeCode <safecode@example.org>".into()),
            timeout: Some(crate::config::Secs(timeout)),
            ..EmailConfig::default()
        }
    }

    fn email(to: &str) -> Message {
        let org = Org {
            name: "HMS",
            helpdesk: "(617) 432-2000",
        };
        Message {
            channel: Channel::Email,
            to: to.into(),
            gateway: None,
            text: message::reset_code(&org, Channel::Email, "0123456789", 10),
        }
    }

    #[test]
    fn url_forms() {
        let u = parse_url("smtp://localhost:2525").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.security),
            ("localhost", 2525, Security::None)
        );
        let u = parse_url("smtp://mail.example.org?tls=required").unwrap();
        assert_eq!((u.port, u.security), (587, Security::StartTlsRequired));
        let u = parse_url("smtp://mail.example.org:587?tls=opportunistic").unwrap();
        assert_eq!(u.security, Security::StartTlsOpportunistic);
        let u = parse_url("smtps://user%40example.org:p%3Ass@mail.example.org").unwrap();
        assert_eq!((u.port, u.security), (465, Security::ImplicitTls));
        assert_eq!(u.user.as_deref(), Some("user@example.org"));
        assert_eq!(u.password.as_deref(), Some("p:ss"));
        assert_eq!(u.bare, "smtps://mail.example.org");
        let u = parse_url("smtp://bob@[::1]:25").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("[::1]", 25));
        assert_eq!(u.user.as_deref(), Some("bob"));
        assert!(
            parse_url("http://x")
                .err()
                .unwrap()
                .contains("unknown scheme")
        );
        assert!(
            parse_url("smtp://x?tls=yes")
                .err()
                .unwrap()
                .contains("tls=yes")
        );
        assert!(parse_url("localhost:25").is_err());
        assert!(parse_url("smtp://x:99999").is_err());
    }

    #[test]
    fn credentials_come_from_env_url_or_config() {
        let mut c = config("smtp://bob@127.0.0.1:2525", 2);
        let e = SmtpSender::from_config(&c, None).err().unwrap();
        assert!(
            e.message.contains("SAFECODE_SMTP_PASSWORD"),
            "{}",
            e.message
        );
        let s = SmtpSender::from_config(&c, Some("secret")).unwrap();
        assert_eq!(s.user.as_deref(), Some("bob"));
        c.smtp_url = Some("smtp://127.0.0.1:2525".into());
        c.username = Some("alice".into());
        c.password = Some("pw".into());
        let s = SmtpSender::from_config(&c, None).unwrap();
        assert_eq!(s.user.as_deref(), Some("alice"));
        c.username = None;
        assert!(SmtpSender::from_config(&c, None).is_err());
        let mut c = config("smtp://127.0.0.1:2525", 2);
        c.from = Some("not an address".into());
        let e = SmtpSender::from_config(&c, None).err().unwrap();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("[email] from"), "{}", e.message);
    }

    #[test]
    fn no_password_over_a_plain_connection_except_to_loopback() {
        for url in [
            "smtp://bob@mail.example.org:25",
            "smtp://bob@mail.example.org:587?tls=opportunistic",
            "smtp://bob@192.0.2.1:25",
        ] {
            let e = SmtpSender::from_config(&config(url, 2), Some("secret"))
                .err()
                .unwrap_or_else(|| panic!("{url} accepted"));
            assert_eq!(e.kind, Kind::Other);
            assert!(e.message.contains("unencrypted"), "{}", e.message);
            let hint = e.hint.unwrap_or_default();
            assert!(
                hint.contains("smtps://") && hint.contains("?tls=required"),
                "{hint}"
            );
            assert!(!e.message.contains("secret"));
        }
        // Without a password there is nothing to protect in AUTH.
        SmtpSender::from_config(&config("smtp://mail.example.org:25", 2), None).unwrap();
        for url in [
            "smtps://bob@mail.example.org",
            "smtp://bob@mail.example.org:587?tls=required",
            "smtp://bob@127.0.0.1:2525",
            "smtp://bob@localhost:2525",
            "smtp://bob@[::1]:2525",
        ] {
            SmtpSender::from_config(&config(url, 2), Some("secret"))
                .unwrap_or_else(|e| panic!("{url}: {}", e.message));
        }
    }

    #[test]
    fn sends_an_email_to_a_real_smtp_server() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &[]);
        let s = SmtpSender::from_config(&config(&sink.smtp_url(), 5), None).unwrap();
        let msg = email("alice@example.org");
        s.send(&msg).unwrap();
        let mails = testing::read_mails(dir.path(), 1);
        let mail = &mails[0];
        assert!(
            mail.contains("X-Envelope-From: safecode@example.org"),
            "{mail}"
        );
        assert!(mail.contains("X-Envelope-To: alice@example.org"), "{mail}");
        assert!(
            mail.contains("Subject: HMS SafeCode for your password reset"),
            "{mail}"
        );
        assert!(
            mail.contains("From: SafeCode <safecode@example.org>"),
            "{mail}"
        );
        assert!(mail.contains("text/plain; charset=utf-8"), "{mail}");
        assert!(mail.contains("    0123456789"), "{mail}");
        let id = mail
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: "))
            .unwrap_or_else(|| panic!("no Message-ID header: {mail}"));
        assert!(id.starts_with('<') && id.ends_with("@example.org>"), "{id}");
        assert_eq!(id.len(), "<@example.org>".len() + 32, "{id}");
        assert!(mail.contains("(617) 432-2000"), "{mail}");
    }

    #[test]
    fn non_ascii_text_survives() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &[]);
        let s = SmtpSender::from_config(&config(&sink.smtp_url(), 5), None).unwrap();
        s.send_mail("a@example.org", "Clínica", "Grüße 0123456789")
            .unwrap();
        let mail = &testing::read_mails(dir.path(), 1)[0];
        assert!(mail.contains("X-Envelope-To: a@example.org"), "{mail}");
        // Encoded on the wire (quoted-printable or base64), but present.
        assert!(!mail.contains("Grüße"), "8-bit body sent raw: {mail}");
    }

    #[test]
    fn a_rejected_recipient_quotes_the_server() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &["--reject", "gone@example.org"]);
        let s = SmtpSender::from_config(&config(&sink.smtp_url(), 5), None).unwrap();
        let e = s.send(&email("gone@example.org")).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("550"), "{}", e.message);
        assert!(
            e.message.contains("Recipient address rejected"),
            "{}",
            e.message
        );
    }

    #[test]
    fn connection_refused_fails_fast() {
        let port = testing::refused_port();
        let s =
            SmtpSender::from_config(&config(&format!("smtp://127.0.0.1:{port}"), 5), None).unwrap();
        let e = s.send(&email("alice@example.org")).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(
            e.message.contains(&format!("127.0.0.1:{port}")),
            "{}",
            e.message
        );
        assert!(
            e.message.to_lowercase().contains("refused"),
            "{}",
            e.message
        );
        assert_eq!(s.check("email").status, Status::Fail);
    }

    #[test]
    fn a_silent_server_times_out() {
        let port = testing::silent_server();
        let s =
            SmtpSender::from_config(&config(&format!("smtp://127.0.0.1:{port}"), 1), None).unwrap();
        let start = Instant::now();
        let e = s.send(&email("alice@example.org")).unwrap_err();
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(900), "{took:?}");
        assert_eq!(e.kind, Kind::Delivery);
        assert!(
            e.message.contains("did not answer within 1 s"),
            "{}",
            e.message
        );
    }

    #[test]
    fn check_connects_without_sending() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &[]);
        let s = SmtpSender::from_config(&config(&sink.smtp_url(), 5), None).unwrap();
        let c = s.check("email delivery");
        assert_eq!(c.status, Status::Ok, "{c:?}");
        assert!(c.detail.contains("unencrypted"), "{c:?}");
        assert!(testing::read_mails(dir.path(), 0).is_empty());
    }

    #[test]
    fn text_is_sent_whole() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &[]);
        let s = SmtpSender::from_config(&config(&sink.smtp_url(), 5), None).unwrap();
        let msg = Message {
            channel: Channel::Email,
            to: "x@example.org".into(),
            gateway: None,
            text: Text {
                subject: "s".into(),
                body: "line one\nline two\n".into(),
            },
        };
        s.send(&msg).unwrap();
        let mail = &testing::read_mails(dir.path(), 1)[0];
        assert!(mail.contains("line one\r\nline two"), "{mail}");
    }
}
