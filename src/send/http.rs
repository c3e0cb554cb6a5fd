//! SMS through a Twilio-compatible HTTP API (SPEC §3):
//! `POST {url}/2010-04-01/Accounts/{sid}/Messages.json` with the form fields
//! `To`, `From`, `Body` and HTTP basic auth (account SID, token). The base URL is
//! configurable so that tests can point it at a local server; the token comes
//! from `SAFECODE_SMS_TOKEN` only.

use std::time::Duration;

use ureq::Agent;

use super::{
    Check, Message, SMS_TOKEN_ENV, Sender, Status, is_loopback, quote, timeout_of, url_host,
};
use crate::config::SmsConfig;
use crate::error::{self, Error};

/// Bytes of an error answer worth reading.
const MAX_ERROR_BODY: u64 = 64 * 1024;

pub struct HttpSender {
    agent: Agent,
    base: String,
    sid: String,
    from: String,
    authorization: String,
    timeout: Duration,
}

impl HttpSender {
    /// Builds the client from `[sms] http`; `token` is `SAFECODE_SMS_TOKEN`.
    /// Errors are configuration errors ([`crate::error::Kind::Other`]).
    pub fn from_config(sms: &SmsConfig, token: Option<&str>) -> Result<HttpSender, Error> {
        let http = sms.http.as_ref().ok_or_else(|| {
            error::other("[sms] provider = \"http\" needs [sms] http = { url, account_sid, from }")
                .hint("e.g. http = { url = \"https://api.twilio.com\", account_sid = \"AC...\", from = \"+16175550100\" }")
        })?;
        let base = http.url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://"))
            || base.contains(char::is_whitespace)
        {
            return Err(error::other(format!(
                "config: sms.http.url: `{}` is not an http(s) URL",
                http.url
            )));
        }
        // The token goes in every request's Authorization header: never in clear
        // across the network.
        if base.starts_with("http://") && !is_loopback(url_host(&base)) {
            return Err(error::other(format!(
                "config: sms.http.url: `{}` is plain http, so {SMS_TOKEN_ENV} would cross the network unencrypted",
                http.url
            ))
            .hint("use an https:// URL (plain http is allowed only to a loopback address)"));
        }
        let sid = http.account_sid.trim().to_string();
        if sid.is_empty() || !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(error::other(
                "config: sms.http.account_sid must be letters and digits (e.g. AC0123...)",
            ));
        }
        if http.from.trim().is_empty() {
            return Err(error::other(
                "config: sms.http.from: the sending number is empty",
            ));
        }
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| {
            error::other(format!(
                "SMS over HTTP needs the API token in the environment variable {SMS_TOKEN_ENV}"
            ))
            .hint(format!(
                "export {SMS_TOKEN_ENV}=... (it is never read from a flag or the config file)"
            ))
        })?;
        let timeout = timeout_of(sms.timeout);
        let agent: Agent = Agent::config_builder()
            .timeout_global(Some(timeout))
            // Read 4xx/5xx bodies ourselves to quote the provider's message.
            .http_status_as_error(false)
            // A redirected POST would silently become a GET.
            .max_redirects(0)
            .user_agent(concat!("safecode/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(HttpSender {
            agent,
            authorization: format!("Basic {}", base64(format!("{sid}:{token}").as_bytes())),
            base,
            sid,
            from: http.from.trim().to_string(),
            timeout,
        })
    }

    fn messages_url(&self) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base, self.sid
        )
    }

    fn transport_failure(&self, e: &ureq::Error) -> Error {
        match e {
            ureq::Error::Timeout(_) => error::delivery(format!(
                "SMS provider at {} did not answer within {} s",
                self.base,
                self.timeout.as_secs()
            ))
            .hint("check [sms] http.url, or raise [sms] timeout"),
            other => error::delivery(format!(
                "cannot reach the SMS provider at {}: {}",
                self.base,
                quote(&other.to_string(), 200)
            ))
            .hint("check [sms] http.url and the network"),
        }
    }

    /// Asks for the account resource (`GET .../Accounts/{sid}.json`), which proves
    /// the URL, SID and token without sending anything.
    pub fn check(&self, name: &str) -> Check {
        let url = format!("{}/2010-04-01/Accounts/{}.json", self.base, self.sid);
        match self
            .agent
            .get(&url)
            .header("Authorization", &self.authorization)
            .call()
        {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let body = read_body(&mut resp);
                match status {
                    200..=299 => Check::new(
                        name,
                        Status::Ok,
                        format!("{} accepted account {}", self.base, self.sid),
                    ),
                    401 | 403 => Check::new(
                        name,
                        Status::Fail,
                        format!(
                            "{} refused account {} and the token in {SMS_TOKEN_ENV} (HTTP {status}: {})",
                            self.base,
                            self.sid,
                            provider_message(&body)
                        ),
                    ),
                    _ => Check::new(
                        name,
                        Status::Warn,
                        format!(
                            "{} answered HTTP {status}: {}",
                            self.base,
                            provider_message(&body)
                        ),
                    ),
                }
            }
            Err(e) => Check::new(name, Status::Fail, self.transport_failure(&e).message),
        }
    }
}

impl Sender for HttpSender {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        let form = [
            ("To", msg.to.as_str()),
            ("From", self.from.as_str()),
            ("Body", msg.text.body.as_str()),
        ];
        let mut resp = self
            .agent
            .post(&self.messages_url())
            .header("Authorization", &self.authorization)
            .header("Accept", "application/json")
            .send_form(form)
            .map_err(|e| self.transport_failure(&e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let body = read_body(&mut resp);
        Err(error::delivery(format!(
            "SMS provider at {} refused the message (HTTP {}): {}",
            self.base,
            status.as_u16(),
            provider_message(&body)
        )))
    }
}

fn read_body(resp: &mut ureq::http::Response<ureq::Body>) -> String {
    resp.body_mut()
        .with_config()
        .limit(MAX_ERROR_BODY)
        .lossy_utf8(true)
        .read_to_string()
        .unwrap_or_default()
}

/// The provider's own words: the `message` of a Twilio error (with its code), or
/// the start of whatever else it sent.
fn provider_message(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body)
        && let Some(m) = v.get("message").and_then(|m| m.as_str())
    {
        let m = quote(m, 200);
        return match v.get("code").and_then(|c| c.as_i64()) {
            Some(code) => format!("{m} (error {code})"),
            None => m,
        };
    }
    let q = quote(body, 200);
    if q.is_empty() {
        "(empty answer)".to_string()
    } else {
        q
    }
}

/// Standard base64 with padding (RFC 4648), for the basic-auth header.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |n: u32, shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sextet(n, 18));
        out.push(sextet(n, 12));
        out.push(if chunk.len() > 1 { sextet(n, 6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(n, 0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{HttpSmsConfig, Secs};
    use crate::error::Kind;
    use crate::message::{self, Channel, Org};
    use crate::send::testing::{self, Server};
    use std::time::Instant;

    fn config(url: &str, timeout: u64) -> SmsConfig {
        SmsConfig {
            provider: Some("http".into()),
            http: Some(HttpSmsConfig {
                url: url.into(),
                account_sid: "AC0123456789abcdef".into(),
                from: "+16175550100".into(),
            }),
            timeout: Some(Secs(timeout)),
            ..SmsConfig::default()
        }
    }

    fn sms(to: &str) -> Message {
        let org = Org {
            name: "HMS",
            helpdesk: "(617) 432-2000",
        };
        Message {
            channel: Channel::Sms,
            to: to.into(),
            gateway: None,
            text: message::reset_code(&org, Channel::Sms, "0123456789", 10),
        }
    }

    #[test]
    fn base64_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("martin:secret", "bWFydGluOnNlY3JldA=="),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn provider_messages() {
        let twilio = r#"{"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}"#;
        assert_eq!(
            provider_message(twilio),
            "The 'To' number is not a valid phone number. (error 21211)"
        );
        assert_eq!(
            provider_message("<html>Bad\n gateway</html>"),
            "<html>Bad gateway</html>"
        );
        assert_eq!(provider_message(""), "(empty answer)");
        assert_eq!(provider_message(&"y".repeat(500)).chars().count(), 201);
    }

    #[test]
    fn no_token_over_plain_http_except_to_loopback() {
        for url in [
            "http://api.twilio.com",
            "http://[::1]@sms.example.org/",
            "http://192.0.2.7:8080",
        ] {
            let e = HttpSender::from_config(&config(url, 5), Some("t0ken"))
                .err()
                .unwrap_or_else(|| panic!("{url} accepted"));
            assert!(e.message.contains("unencrypted"), "{}", e.message);
            assert!(e.hint.unwrap_or_default().contains("https://"));
            assert!(!e.message.contains("t0ken"));
        }
        for url in [
            "https://api.twilio.com",
            "http://127.0.0.1:8080",
            "http://localhost",
        ] {
            HttpSender::from_config(&config(url, 5), Some("t0ken"))
                .unwrap_or_else(|e| panic!("{url}: {}", e.message));
        }
    }

    #[test]
    fn config_errors() {
        let e = HttpSender::from_config(&config("https://api.example.org", 5), None)
            .err()
            .unwrap();
        assert_eq!(e.kind, Kind::Other);
        assert!(e.message.contains("SAFECODE_SMS_TOKEN"), "{}", e.message);
        let e = HttpSender::from_config(&config("api.example.org", 5), Some("t"))
            .err()
            .unwrap();
        assert!(e.message.contains("sms.http.url"), "{}", e.message);
        let e = HttpSender::from_config(&SmsConfig::default(), Some("t"))
            .err()
            .unwrap();
        assert!(e.message.contains("[sms] http"), "{}", e.message);
    }

    #[test]
    fn posts_a_twilio_form_with_basic_auth() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let api = Server::sms_api(&log, &[]);
        let s = HttpSender::from_config(&config(&format!("{}/", api.http_url()), 5), Some("tok3n"))
            .unwrap();
        let msg = sms("+16174322000");
        s.send(&msg).unwrap();
        let reqs = testing::read_requests(&log);
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!(r["method"], "POST");
        assert_eq!(
            r["path"],
            "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
        );
        assert_eq!(
            r["authorization"],
            format!("Basic {}", base64(b"AC0123456789abcdef:tok3n"))
        );
        assert_eq!(r["form"]["To"], "+16174322000");
        assert_eq!(r["form"]["From"], "+16175550100");
        assert_eq!(r["form"]["Body"], msg.text.body.as_str());
    }

    #[test]
    fn a_400_quotes_the_provider() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let api = Server::sms_api(&log, &["--fail-to", "+15555550123"]);
        let s = HttpSender::from_config(&config(&api.http_url(), 5), Some("t")).unwrap();
        let e = s.send(&sms("+15555550123")).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("HTTP 400"), "{}", e.message);
        assert!(
            e.message
                .contains("The 'To' number is not a valid phone number. (error 21211)"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("t@") && !e.message.contains(&base64(b"AC0123456789abcdef:t")));
    }

    #[test]
    fn check_proves_the_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let api = Server::sms_api(&log, &["--token", "right"]);
        let good = HttpSender::from_config(&config(&api.http_url(), 5), Some("right")).unwrap();
        let c = good.check("sms delivery");
        assert_eq!(c.status, Status::Ok, "{c:?}");
        let bad = HttpSender::from_config(&config(&api.http_url(), 5), Some("wrong")).unwrap();
        let c = bad.check("sms delivery");
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(c.detail.contains("HTTP 401"), "{c:?}");
        let e = bad.send(&sms("+16174322000")).unwrap_err();
        assert!(e.message.contains("HTTP 401"), "{}", e.message);
        // Nothing was sent by the checks.
        let reqs = testing::read_requests(&log);
        assert!(
            reqs.iter()
                .all(|r| r["method"] == "GET" || r["status"] == 401),
            "{reqs:?}"
        );
    }

    #[test]
    fn connection_refused_and_timeout() {
        let port = testing::refused_port();
        let s = HttpSender::from_config(&config(&format!("http://127.0.0.1:{port}"), 5), Some("t"))
            .unwrap();
        let e = s.send(&sms("+16174322000")).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("cannot reach"), "{}", e.message);

        let port = testing::silent_server();
        let s = HttpSender::from_config(&config(&format!("http://127.0.0.1:{port}"), 1), Some("t"))
            .unwrap();
        let start = Instant::now();
        let e = s.send(&sms("+16174322000")).unwrap_err();
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(900), "{took:?}");
        assert_eq!(e.kind, Kind::Delivery);
        assert!(
            e.message.contains("did not answer within 1 s"),
            "{}",
            e.message
        );
    }
}
