//! The texts of every message safecode sends (SPEC §2 "Messages"), pure.
//!
//! Every message names the organisation, says what it is about, and whom to call
//! if the person did not ask for it; messages that carry a code also say what the
//! code is for and when it expires. The code always stands as one run of digits,
//! so that phones offer to copy it and agents can read it back.
//!
//! SMS bodies must fit one GSM-7 segment (160 septets): a second segment doubles
//! the fee, and a UCS-2 character anywhere cuts a segment to 70 characters. So the
//! organisation name and helpdesk are cleaned to the GSM alphabet, the wording
//! falls back to shorter variants, and only then is the organisation name cut.

use unicode_normalization::UnicodeNormalization;

/// Who sends the message and whom to call: `org_name` and `helpdesk` from the config.
#[derive(Debug, Clone, Copy)]
pub struct Org<'a> {
    pub name: &'a str,
    pub helpdesk: &'a str,
}

pub use crate::channel::Channel;

/// A message ready to send. SMS transports use only the body; the subject is for
/// email (and for the dry-run printer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// Septets in one GSM-7 SMS segment.
pub const SMS_SEPTETS: usize = 160;

/// Used when `org_name` is empty, so that no message reads oddly.
const FALLBACK_ORG: &str = "IT";
/// Used in SMS when `helpdesk` is empty ("call your service desk").
const FALLBACK_HELPDESK: &str = "your service desk";

/// The SafeCode that lets a person reset their password.
pub fn reset_code(org: &Org, ch: Channel, code: &str, ttl_minutes: u64) -> Text {
    let ttl = minutes(ttl_minutes);
    let name = email_clean(org.name, FALLBACK_ORG);
    let desk = service_desk(&name, org.helpdesk);
    let subject = format!("{name} SafeCode for your password reset");
    let body = match ch {
        Channel::Sms => fit_sms(
            org,
            &[
                &|o, h| {
                    format!(
                        "{o} SafeCode {code} for your password reset. It expires in {ttl}. \
                         If you did not request it, call {h}."
                    )
                },
                &|o, h| {
                    format!(
                        "{o} SafeCode {code} for your password reset. Expires in {ttl}. \
                         Not you? Call {h}"
                    )
                },
                &|o, h| format!("{o} reset code {code}, expires in {ttl}. Not you? Call {h}"),
            ],
        ),
        Channel::Email => format!(
            "Your {name} SafeCode for your password reset is:\n\
             \n    {code}\n\n\
             It expires in {ttl} and works only once. Enter it where you were asked, \
             or read it to the service desk agent on the call you made.\n\
             \n\
             If you did not ask to reset your password, someone may be trying to take \
             over your account: do not share this code with anyone, and call \
             {desk}.\n\
             \n\
             -- \n{name} SafeCode\n"
        ),
    };
    Text { subject, body }
}

/// The SafeCode that confirms a newly registered phone or email address.
pub fn confirm_code(org: &Org, ch: Channel, code: &str, ttl_minutes: u64) -> Text {
    let ttl = minutes(ttl_minutes);
    let name = email_clean(org.name, FALLBACK_ORG);
    let desk = service_desk(&name, org.helpdesk);
    let subject = format!("{name} SafeCode to confirm your {}", what_it_is(ch));
    let body = match ch {
        Channel::Sms => fit_sms(
            org,
            &[
                &|o, h| {
                    format!(
                        "{o} SafeCode {code} to confirm this phone for password resets. \
                         It expires in {ttl}. If you did not request it, call {h}."
                    )
                },
                &|o, h| {
                    format!(
                        "{o} SafeCode {code} to confirm this phone for password resets. \
                         Expires in {ttl}. Not you? Call {h}"
                    )
                },
                &|o, h| {
                    format!(
                        "{o} code {code} confirms this phone, expires in {ttl}. Not you? Call {h}"
                    )
                },
            ],
        ),
        Channel::Email => format!(
            "Your {name} SafeCode to confirm this email address for password resets is:\n\
             \n    {code}\n\n\
             It expires in {ttl} and works only once.\n\
             \n\
             If you did not ask to register this address, do not share this code with \
             anyone, and call {desk}.\n\
             \n\
             -- \n{name} SafeCode\n"
        ),
    };
    Text { subject, body }
}

/// Sent to every confirmed contact after a password change.
pub fn password_changed(org: &Org, ch: Channel) -> Text {
    let name = email_clean(org.name, FALLBACK_ORG);
    let desk = service_desk(&name, org.helpdesk);
    let subject = format!("{name}: your password was changed");
    let body = match ch {
        Channel::Sms => fit_sms(
            org,
            &[
                &|o, h| {
                    format!(
                        "{o}: your password was just changed. \
                         If you did not do this, call {h} now."
                    )
                },
                &|o, h| format!("{o}: password changed. Not you? Call {h}"),
            ],
        ),
        Channel::Email => format!(
            "The password of your {name} account was just changed.\n\
             \n\
             If you made this change, you need not do anything.\n\
             \n\
             If you did not, someone else may have taken over your account: call \
             {desk} right away.\n\
             \n\
             -- \n{name} SafeCode\n"
        ),
    };
    Text { subject, body }
}

/// Sent after a contact for password resets was replaced (`removed` false) or
/// removed: to the old contact itself (`here`), which no longer receives codes, and
/// to every other confirmed contact of the person. `changed` is the channel of the
/// contact that changed; `ch` the channel this notice goes out on.
pub fn contact_changed(
    org: &Org,
    ch: Channel,
    changed: Channel,
    here: bool,
    removed: bool,
) -> Text {
    let thing = what_it_is(changed);
    let verb = if removed { "removed" } else { "changed" };
    let name = email_clean(org.name, FALLBACK_ORG);
    let desk = service_desk(&name, org.helpdesk);
    let subject = format!("{name}: your {thing} for password resets was {verb}");
    let body = match ch {
        Channel::Sms => fit_sms(
            org,
            &[
                &|o, h| {
                    format!(
                        "{o}: the {thing} for your password resets was {verb}. \
                         If you did not do this, call {h} now."
                    )
                },
                &|o, h| format!("{o}: {thing} for password resets {verb}. Not you? Call {h}"),
            ],
        ),
        Channel::Email => {
            let what = match (here, removed) {
                (true, false) => {
                    "was replaced with a new one. SafeCodes will no longer be sent here."
                }
                (true, true) => "was removed. SafeCodes will no longer be sent here.",
                (false, false) => {
                    "was replaced with a new one. This address still receives SafeCodes."
                }
                (false, true) => "was removed. This address still receives SafeCodes.",
            };
            format!(
                "The {thing} registered for password resets of your {name} account {what}\n\
                 \n\
                 If you made this change, you need not do anything.\n\
                 \n\
                 If you did not, someone else may be trying to take over your account: call \
                 {desk} right away.\n\
                 \n\
                 -- \n{name} SafeCode\n"
            )
        }
    };
    Text { subject, body }
}

/// "the HMS service desk at (617) 432-2000", for email bodies.
fn service_desk(name: &str, helpdesk: &str) -> String {
    let help = email_clean(helpdesk, "");
    if help.is_empty() {
        format!("the {name} service desk")
    } else {
        format!("the {name} service desk at {help}")
    }
}

fn what_it_is(ch: Channel) -> &'static str {
    match ch {
        Channel::Sms => "mobile phone number",
        Channel::Email => "email address",
    }
}

fn minutes(n: u64) -> String {
    if n == 1 {
        "1 minute".to_string()
    } else {
        format!("{n} minutes")
    }
}

/// The GSM 03.38 default alphabet (one septet each), without the escape character.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                         ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: escape + character, two septets each.
const GSM_EXTENSION: &str = "\u{0C}^{}\\[~]|€";

fn septets_of(c: char) -> Option<usize> {
    // Printable ASCII first: nearly every character asked about.
    match c {
        ' '..='Z' | '_' | 'a'..='z' | '\n' | '\r' => return Some(1),
        '[' | '\\' | ']' | '^' | '{' | '|' | '}' | '~' | '\u{0C}' => return Some(2),
        '`' => return None,
        _ if c.is_ascii() => return None,
        _ => {}
    }
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Septets needed to send `s` in the GSM 03.38 default alphabet (extension-table
/// characters count two); `None` if a character is outside it, which would force
/// UCS-2 and 70-character segments.
pub fn gsm7_septets(s: &str) -> Option<usize> {
    s.chars().map(septets_of).sum()
}

/// Whether `s` goes out as a single GSM-7 segment.
pub fn fits_one_sms(s: &str) -> bool {
    gsm7_septets(s).is_some_and(|n| n <= SMS_SEPTETS)
}

/// `org_name` or `helpdesk` made safe for an SMS: GSM characters only (accents
/// stripped where the alphabet lacks them, typographic quotes and dashes made
/// plain, anything else `?`), whitespace collapsed.
fn gsm_clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            out.push(' ');
        } else if septets_of(c).is_some() {
            out.push(c);
        } else {
            match c {
                '‘' | '’' | '‚' | '′' | '`' | '´' => out.push('\''),
                '“' | '”' | '„' | '″' | '«' | '»' => out.push('"'),
                '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => out.push('-'),
                '…' => out.push_str("..."),
                // Letters that do not decompose into a base letter.
                'Ł' => out.push('L'),
                'ł' => out.push('l'),
                'Đ' => out.push('D'),
                'đ' | 'ð' => out.push('d'),
                'Œ' => out.push_str("OE"),
                'œ' => out.push_str("oe"),
                'ı' => out.push('i'),
                _ => {
                    // é, ü etc. are in the alphabet; á, ł, ç are not: try the base letter.
                    let base: String = c.nfd().filter(|d| septets_of(*d).is_some()).collect();
                    if base.is_empty() {
                        out.push('?');
                    } else {
                        out.push_str(&base);
                    }
                }
            }
        }
    }
    collapse_spaces(&out)
}

/// `org_name` or `helpdesk` made safe for an email line or subject: no control
/// characters, whitespace collapsed.
fn email_clean(s: &str, fallback: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = collapse_spaces(&cleaned);
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

type SmsWording<'a> = &'a dyn Fn(&str, &str) -> String;

/// The first wording that fits one segment; failing all, the shortest wording with
/// the organisation name cut, then (for an absurdly long helpdesk) the helpdesk cut.
fn fit_sms(org: &Org, wordings: &[SmsWording]) -> String {
    let mut name = gsm_clean(org.name);
    if name.is_empty() {
        name = FALLBACK_ORG.to_string();
    }
    let mut help = gsm_clean(org.helpdesk);
    if help.is_empty() {
        help = FALLBACK_HELPDESK.to_string();
    }
    for wording in wordings {
        let body = wording(&name, &help);
        if fits_one_sms(&body) {
            return body;
        }
    }
    let Some(shortest) = wordings.last() else {
        return String::new();
    };
    let name: Vec<char> = name.chars().collect();
    let help: Vec<char> = help.chars().collect();
    let cut = |chars: &[char], n: usize| -> String {
        chars
            .iter()
            .take(n)
            .collect::<String>()
            .trim_end()
            .to_string()
    };
    if let Some(body) = longest_fitting(name.len(), |n| {
        shortest(&cut(&name, n), &cut(&help, help.len()))
    }) {
        return body;
    }
    let name = cut(&name, 1);
    if let Some(body) = longest_fitting(help.len(), |n| shortest(&name, &cut(&help, n))) {
        return body;
    }
    // Only reachable with a code longer than any the policy allows.
    truncate_septets(&shortest(&name, ""), SMS_SEPTETS)
}

/// The body built from the longest prefix (1..=len characters) that fits one
/// segment. The body only grows with the prefix, so a binary search finds it.
fn longest_fitting(len: usize, body: impl Fn(usize) -> String) -> Option<String> {
    let (mut lo, mut hi) = (1, len);
    let mut best = None;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let b = body(mid);
        if fits_one_sms(&b) {
            best = Some(b);
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    best
}

fn truncate_septets(s: &str, max: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        let n = septets_of(c).unwrap_or(1);
        if used + n > max {
            break;
        }
        used += n;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DEFAULT: Org = Org {
        name: "HMS",
        helpdesk: "(617) 432-2000",
    };
    const LONG_ORG: &str = "Harvard Medical School Department of Very Long Names, Boston";
    const CODE: &str = "0123456789";

    /// Maximal runs of ASCII digits in `s`.
    fn digit_runs(s: &str) -> Vec<&str> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|r| !r.is_empty())
            .collect()
    }

    fn all_texts(org: &Org, ch: Channel) -> Vec<(&'static str, Text)> {
        vec![
            ("reset", reset_code(org, ch, CODE, 10)),
            ("confirm", confirm_code(org, ch, CODE, 10)),
            ("changed", password_changed(org, ch)),
            (
                "replaced-phone",
                contact_changed(org, ch, Channel::Sms, true, false),
            ),
            (
                "replaced-email",
                contact_changed(org, ch, Channel::Email, true, false),
            ),
            (
                "removed-phone",
                contact_changed(org, ch, Channel::Sms, false, true),
            ),
            (
                "other-email",
                contact_changed(org, ch, Channel::Email, false, false),
            ),
        ]
    }

    #[test]
    fn long_org_name_is_sixty_chars() {
        assert_eq!(LONG_ORG.chars().count(), 60);
    }

    #[test]
    fn every_text_names_org_and_helpdesk() {
        for ch in [Channel::Sms, Channel::Email] {
            for (what, t) in all_texts(&DEFAULT, ch) {
                assert!(t.body.contains("HMS"), "{what} {ch}: {}", t.body);
                assert!(t.body.contains("(617) 432-2000"), "{what} {ch}: {}", t.body);
                assert!(t.subject.contains("HMS"), "{what} {ch}: {}", t.subject);
            }
        }
    }

    #[test]
    fn code_texts_say_purpose_expiry_and_carry_one_code_run() {
        for ch in [Channel::Sms, Channel::Email] {
            let reset = reset_code(&DEFAULT, ch, CODE, 10);
            let confirm = confirm_code(&DEFAULT, ch, CODE, 10);
            assert!(reset.body.contains("reset"), "{}", reset.body);
            assert!(confirm.body.contains("confirm"), "{}", confirm.body);
            for t in [&reset, &confirm] {
                let lower = t.body.to_lowercase();
                assert!(lower.contains("expires in 10 minutes"), "{}", t.body);
                let runs = digit_runs(&t.body);
                assert_eq!(runs.iter().filter(|r| **r == CODE).count(), 1, "{}", t.body);
                // No other run could be mistaken for (part of) the code.
                assert!(runs.iter().all(|r| *r == CODE || r.len() <= 4), "{runs:?}");
            }
        }
        assert_eq!(
            reset_code(&DEFAULT, Channel::Email, CODE, 10).subject,
            "HMS SafeCode for your password reset"
        );
    }

    #[test]
    fn notices_carry_no_code_and_say_what_happened() {
        for ch in [Channel::Sms, Channel::Email] {
            let changed = password_changed(&DEFAULT, ch);
            assert!(changed.body.contains("password"), "{}", changed.body);
            assert!(changed.body.contains("changed"), "{}", changed.body);
            let phone = contact_changed(&DEFAULT, ch, Channel::Sms, true, false);
            assert!(phone.body.contains("mobile phone number"), "{}", phone.body);
            assert!(phone.body.contains("changed") || phone.body.contains("replaced"));
            let email = contact_changed(&DEFAULT, ch, Channel::Email, false, true);
            assert!(email.body.contains("email address"), "{}", email.body);
            assert!(email.body.contains("removed"), "{}", email.body);
            if ch == Channel::Email {
                assert!(
                    phone.body.contains("no longer be sent here"),
                    "{}",
                    phone.body
                );
                assert!(email.body.contains("still receives"), "{}", email.body);
            }
        }
    }

    #[test]
    fn one_minute_is_singular() {
        let t = reset_code(&DEFAULT, Channel::Sms, CODE, 1);
        assert!(t.body.contains("expires in 1 minute."), "{}", t.body);
    }

    #[test]
    fn sms_fits_with_defaults_and_uses_the_long_wording() {
        for (what, t) in all_texts(&DEFAULT, Channel::Sms) {
            assert!(fits_one_sms(&t.body), "{what}: {}", t.body);
        }
        let t = reset_code(&DEFAULT, Channel::Sms, CODE, 10);
        assert_eq!(
            t.body,
            "HMS SafeCode 0123456789 for your password reset. It expires in 10 minutes. \
             If you did not request it, call (617) 432-2000."
        );
    }

    #[test]
    fn sms_fits_with_a_sixty_char_org_name() {
        let org = Org {
            name: LONG_ORG,
            helpdesk: "(617) 432-2000",
        };
        for (what, t) in all_texts(&org, Channel::Sms) {
            assert!(fits_one_sms(&t.body), "{what}: {}", t.body);
            assert!(t.body.contains("(617) 432-2000"), "{what}: {}", t.body);
            assert!(t.body.starts_with("Harvard Medical"), "{what}: {}", t.body);
        }
        let t = reset_code(&org, Channel::Sms, CODE, 10);
        assert!(t.body.contains(CODE), "{}", t.body);
        assert!(t.body.to_lowercase().contains("expires in 10 minutes"));
        // Shorter wording is enough here; the name stays whole.
        assert!(t.body.contains(LONG_ORG), "{}", t.body);
    }

    #[test]
    fn sms_cuts_the_org_name_only_when_wording_is_not_enough() {
        let name = "A".repeat(150);
        let org = Org {
            name: &name,
            helpdesk: "(617) 432-2000",
        };
        let t = reset_code(&org, Channel::Sms, CODE, 10);
        assert!(fits_one_sms(&t.body), "{}", t.body);
        assert!(t.body.contains(CODE));
        assert!(t.body.contains("(617) 432-2000"));
        assert_eq!(gsm7_septets(&t.body), Some(SMS_SEPTETS), "{}", t.body);
    }

    #[test]
    fn sms_replaces_characters_outside_gsm() {
        let org = Org {
            name: "Clínica “Łódź” — Zürich 🏥",
            helpdesk: "+41 44 000\u{00a0}00 00",
        };
        let t = reset_code(&org, Channel::Sms, CODE, 10);
        assert!(fits_one_sms(&t.body), "{}", t.body);
        assert!(
            t.body.starts_with("Clinica \"Lodz\" - Zürich ?"),
            "{}",
            t.body
        );
        assert!(t.body.contains("+41 44 000 00 00"), "{}", t.body);
    }

    #[test]
    fn email_keeps_unicode_but_drops_control_characters() {
        let org = Org {
            name: "Clínica\r\nBcc: x@example.org",
            helpdesk: "",
        };
        let t = reset_code(&org, Channel::Email, CODE, 10);
        assert!(!t.subject.contains('\n') && !t.subject.contains('\r'));
        assert!(t.subject.starts_with("Clínica Bcc"), "{}", t.subject);
        assert!(
            t.body
                .contains("call the Clínica Bcc: x@example.org service desk."),
            "{}",
            t.body
        );
        let t = reset_code(&org, Channel::Sms, CODE, 10);
        assert!(t.body.ends_with("call your service desk."), "{}", t.body);
        let nameless = Org {
            name: " ",
            helpdesk: "x",
        };
        let t = password_changed(&nameless, Channel::Sms);
        assert!(t.body.starts_with("IT: your password"), "{}", t.body);
    }

    #[test]
    fn gsm_septet_counts() {
        assert_eq!(gsm7_septets("hello"), Some(5));
        assert_eq!(gsm7_septets("€[]"), Some(6));
        assert_eq!(gsm7_septets("£é@\n"), Some(4));
        assert_eq!(gsm7_septets("á"), None);
        assert_eq!(gsm7_septets("😀"), None);
        assert_eq!(gsm7_septets("\u{1b}"), None);
        assert!(fits_one_sms(&"x".repeat(160)));
        assert!(!fits_one_sms(&"x".repeat(161)));
        assert!(!fits_one_sms(&"{".repeat(81)));
        assert!(fits_one_sms(&"{".repeat(80)));
    }

    #[test]
    fn ascii_fast_path_matches_the_tables() {
        for b in 0u8..128 {
            let c = char::from(b);
            let table = if GSM_BASIC.contains(c) {
                Some(1)
            } else if GSM_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            };
            assert_eq!(septets_of(c), table, "{b:#x}");
        }
        assert_eq!(GSM_BASIC.chars().count(), 127);
    }

    #[test]
    fn channel_names() {
        assert_eq!("SMS".parse::<Channel>(), Ok(Channel::Sms));
        assert_eq!("email".parse::<Channel>(), Ok(Channel::Email));
        assert!("fax".parse::<Channel>().is_err());
        assert_eq!(serde_json::to_string(&Channel::Email).unwrap(), "\"email\"");
        assert_eq!(Channel::Sms.to_string(), "sms");
    }

    proptest! {
        #[test]
        fn any_org_and_helpdesk_fit_one_sms(
            name in "\\PC{0,200}",
            helpdesk in "\\PC{0,200}",
            code in "[0-9]{6,10}",
            ttl in 1u64..=10,
        ) {
            let org = Org { name: &name, helpdesk: &helpdesk };
            for t in [
                reset_code(&org, Channel::Sms, &code, ttl),
                confirm_code(&org, Channel::Sms, &code, ttl),
                password_changed(&org, Channel::Sms),
                contact_changed(&org, Channel::Sms, Channel::Sms, true, false),
                contact_changed(&org, Channel::Sms, Channel::Email, false, true),
            ] {
                prop_assert!(fits_one_sms(&t.body), "{}", t.body);
            }
            let t = reset_code(&org, Channel::Sms, &code, ttl);
            let code_is_whole = t.body.split(|c: char| !c.is_ascii_digit()).any(|r| r == code);
            prop_assert!(code_is_whole, "{}", t.body);
        }
    }
}
