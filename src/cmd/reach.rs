//! Contacts that can never get a code: with `[sms] provider = "gateway"` an SMS
//! goes to `<digits>@<carrier gateway>`, so a phone without a carrier, with a
//! discontinued carrier, or outside North America cannot receive one. Checked
//! when a phone is entered (`enroll`, `import`, `prompt`), and by `doctor` over
//! the stored contacts.

use super::codes::masked;
use super::enroll::Change;
use crate::config::Config;
use crate::contact::{self, Carrier};
use crate::send::Gateway;
use crate::send::gateway::gateway_address;

/// True when SMS goes through the carriers' email-to-SMS gateways.
pub(crate) fn via_gateway(cfg: &Config) -> bool {
    cfg.sms.provider.as_deref().map(str::trim) == Some("gateway")
}

/// The gateway of a carrier id, as the sender resolves it.
pub(crate) fn gateway_of(carriers: &[Carrier], carrier: Option<&str>) -> Option<Gateway> {
    let c = contact::find_carrier(carriers, carrier?)?;
    Some(Gateway {
        carrier: c.name.clone(),
        domain: c.gateway.clone(),
        active: c.active,
    })
}

/// Why the phone `e164` with `carrier` can never receive a code with this
/// configuration, for an agent or admin; `None` when it can.
pub(crate) fn phone_unreachable(
    cfg: &Config,
    carriers: &[Carrier],
    e164: &str,
    carrier: Option<&str>,
) -> Option<String> {
    if !via_gateway(cfg) {
        return None;
    }
    gateway_address(e164, gateway_of(carriers, carrier).as_ref())
        .err()
        .map(|e| {
            let fix = if carrier.is_none() {
                "; give its carrier (--carrier NAME, see `safecode carriers`)"
            } else {
                ""
            };
            format!("cannot receive codes: {}{fix}", e.message)
        })
}

/// The first phone that `changes` route anew (added, or a new number or carrier)
/// and that can never get a code, with why; `None` when every one can. A phone
/// kept as it was stored is not refused here (`doctor` counts those).
pub(crate) fn refused_phone(
    cfg: &Config,
    carriers: &[Carrier],
    changes: &[Change],
) -> Option<String> {
    if !via_gateway(cfg) {
        return None;
    }
    for ch in changes {
        let (new, old) = match ch {
            Change::Added(c) => (c, None),
            Change::Replaced(o, c, _) => (c, Some(o)),
            Change::Pending { current, new, .. } => (new, Some(current)),
            Change::Confirmed(_) | Change::Unchanged(_) => continue,
        };
        if new.channel != crate::channel::Channel::Sms
            || old.is_some_and(|o| o.address == new.address && o.carrier == new.carrier)
        {
            continue;
        }
        if let Some(why) = phone_unreachable(cfg, carriers, &new.address, new.carrier.as_deref()) {
            return Some(format!("{} {why}", masked(new.channel, &new.address)));
        }
    }
    None
}

/// The same for the person at `prompt`: what to do, without configuration talk.
pub(crate) fn for_the_person(
    cfg: &Config,
    carriers: &[Carrier],
    e164: &str,
    carrier: Option<&str>,
) -> Option<&'static str> {
    phone_unreachable(cfg, carriers, e164, carrier)?;
    Some(match gateway_of(carriers, carrier) {
        None => "Texts reach your phone through your mobile carrier: please name it.",
        Some(_) => {
            "Text messages cannot be sent to this phone. Press Enter to leave out the \
             phone, and give a personal email instead."
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway_config() -> Config {
        let mut c = Config::default();
        c.sms.provider = Some("gateway".into());
        c
    }

    #[test]
    fn only_the_gateway_provider_needs_a_working_carrier() {
        let all = contact::carriers(&Default::default());
        let cfg = gateway_config();
        let no = phone_unreachable(&cfg, &all, "+16174322000", None).unwrap();
        assert!(
            no.contains("no carrier") && no.contains("--carrier"),
            "{no}"
        );
        let gone = phone_unreachable(&cfg, &all, "+16174322000", Some("att")).unwrap();
        assert!(gone.contains("discontinued"), "{gone}");
        assert_eq!(
            phone_unreachable(&cfg, &all, "+16174322000", Some("verizon")),
            None
        );
        assert!(phone_unreachable(&cfg, &all, "+447400123456", Some("verizon")).is_some());
        assert_eq!(
            phone_unreachable(&Config::default(), &all, "+16174322000", None),
            None
        );
        let person = for_the_person(&cfg, &all, "+16174322000", Some("att")).unwrap();
        assert!(!person.contains("provider") && !person.contains("config"));
    }
}
