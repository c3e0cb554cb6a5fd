//! SMS through the carrier's email-to-SMS gateway (`<digits>@<gateway>`), over
//! the same SMTP transport as email (SPEC §3).
//!
//! Gateways serve North American numbers only, and several US carriers have shut
//! theirs down; a gateway marked inactive in the carrier table is refused with a
//! hint to configure another provider.

use super::smtp::SmtpSender;
use super::{Check, Gateway, Message, Sender};
use crate::error::{self, Error};

const OTHER_PROVIDER: &str =
    "configure [sms] provider = \"http\" or \"command\" to send SMS another way";

/// Sends SMS as email to the carrier's gateway.
#[derive(Clone)]
pub struct GatewaySender {
    smtp: SmtpSender,
}

/// The ten digits of a NANP number in E.164 (`+16174322000` → `6174322000`).
pub fn nanp_digits(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix("+1")?;
    (digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_string())
}

/// The gateway address for an SMS to `to` (E.164), or why there is none.
pub fn gateway_address(to: &str, gateway: Option<&Gateway>) -> Result<String, Error> {
    let Some(gw) = gateway else {
        return Err(error::delivery(
            "this phone has no carrier, so the email-to-SMS gateway cannot be used",
        )
        .hint(format!(
            "set the carrier with `safecode enroll USER --phone NUMBER --carrier NAME` \
             (see `safecode carriers`), or {OTHER_PROVIDER}"
        )));
    };
    if !gw.active {
        return Err(error::delivery(format!(
            "the carrier {} discontinued its email-to-SMS gateway ({})",
            gw.carrier, gw.domain
        ))
        .hint(format!(
            "the carrier {} discontinued its email-to-SMS gateway; {OTHER_PROVIDER}",
            gw.carrier
        )));
    }
    let domain = gw.domain.trim().trim_end_matches('.');
    if domain.is_empty() {
        return Err(error::delivery(format!(
            "the carrier {} has no gateway domain",
            gw.carrier
        )));
    }
    let digits = nanp_digits(to).ok_or_else(|| {
        error::delivery(
            "email-to-SMS gateways serve only North American numbers (+1 and ten digits)",
        )
        .hint(OTHER_PROVIDER)
    })?;
    Ok(format!("{digits}@{domain}"))
}

impl GatewaySender {
    pub fn new(smtp: SmtpSender) -> GatewaySender {
        GatewaySender { smtp }
    }

    /// Connects to the SMTP server the gateway mail goes through.
    pub fn check(&self, name: &str) -> Check {
        let mut c = self.smtp.check(name);
        c.detail = format!("carrier email-to-SMS gateways via SMTP: {}", c.detail);
        c
    }
}

impl Sender for GatewaySender {
    fn send(&self, msg: &Message) -> Result<(), Error> {
        let to = gateway_address(&msg.to, msg.gateway.as_ref())?;
        self.smtp
            .send_sms_mail(&to, &msg.text.body)
            .map_err(|e| Error {
                message: format!("SMS through the {} gateway: {}", carrier(msg), e.message),
                ..e
            })
    }
}

fn carrier(msg: &Message) -> &str {
    msg.gateway
        .as_ref()
        .map_or("carrier", |g| g.carrier.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EmailConfig, Secs};
    use crate::error::Kind;
    use crate::message::{self, Channel, Org};
    use crate::send::testing::{self, Server};

    fn sms(to: &str, gateway: Option<Gateway>) -> Message {
        let org = Org {
            name: "HMS",
            helpdesk: "(617) 432-2000",
        };
        Message {
            channel: Channel::Sms,
            to: to.into(),
            gateway,
            text: message::reset_code(&org, Channel::Sms, "0123456789", 10),
        }
    }

    fn verizon(active: bool) -> Option<Gateway> {
        Some(Gateway {
            carrier: "Verizon".into(),
            domain: "vtext.com".into(),
            active,
        })
    }

    fn sender(url: &str) -> GatewaySender {
        let cfg = EmailConfig {
            smtp_url: Some(url.into()),
            from: Some("SafeCode <safecode@example.org>".into()),
            timeout: Some(Secs(5)),
            ..EmailConfig::default()
        };
        GatewaySender::new(SmtpSender::from_config(&cfg, None).unwrap())
    }

    #[test]
    fn digits() {
        assert_eq!(nanp_digits("+16174322000").as_deref(), Some("6174322000"));
        assert_eq!(nanp_digits("+4420794600"), None);
        assert_eq!(nanp_digits("+1617432200"), None);
        assert_eq!(nanp_digits("6174322000"), None);
    }

    #[test]
    fn sends_to_digits_at_the_gateway_without_a_subject() {
        let dir = tempfile::tempdir().unwrap();
        let sink = Server::smtp_sink(dir.path(), &[]);
        let msg = sms("+16174322000", verizon(true));
        sender(&sink.smtp_url()).send(&msg).unwrap();
        let mail = &testing::read_mails(dir.path(), 1)[0];
        assert!(
            mail.contains("X-Envelope-To: 6174322000@vtext.com\r\n"),
            "{mail}"
        );
        assert!(!mail.contains("Subject:"), "{mail}");
        assert!(mail.contains("Content-Transfer-Encoding: 7bit"), "{mail}");
        assert!(
            mail.ends_with(&format!("\r\n\r\n{}\r\n", msg.text.body)),
            "{mail}"
        );
    }

    #[test]
    fn refuses_a_discontinued_gateway_with_a_hint() {
        let e = gateway_address("+16174322000", verizon(false).as_ref()).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("Verizon"), "{}", e.message);
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("the carrier Verizon discontinued its email-to-SMS gateway"),
            "{hint}"
        );
        assert!(
            hint.contains("[sms] provider = \"http\" or \"command\""),
            "{hint}"
        );
    }

    #[test]
    fn refuses_without_a_carrier_or_outside_nanp() {
        let e = gateway_address("+16174322000", None).unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(e.message.contains("no carrier"), "{}", e.message);
        assert!(e.hint.unwrap().contains("--carrier"));
        let e = gateway_address("+442079460000", verizon(true).as_ref()).unwrap_err();
        assert!(e.message.contains("North American"), "{}", e.message);
    }

    #[test]
    fn smtp_failure_names_the_gateway() {
        let port = testing::refused_port();
        let e = sender(&format!("smtp://127.0.0.1:{port}"))
            .send(&sms("+16174322000", verizon(true)))
            .unwrap_err();
        assert_eq!(e.kind, Kind::Delivery);
        assert!(
            e.message
                .starts_with("SMS through the Verizon gateway: SMTP server"),
            "{}",
            e.message
        );
    }
}
