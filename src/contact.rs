//! Usernames, phone numbers, email addresses, mobile carriers and masking: the pure
//! parsing and policy behind SPEC §1 "Contact" and §2 "Output". Nothing here touches
//! the database, the network or the terminal, so every rule is unit-tested below.

use std::collections::BTreeMap;

use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use phonenumber::{Mode, country};

use crate::config::CarrierConfig;

/// Why a contact was not accepted. Each message is one short line that names the
/// offending input, safe to print: control characters, escape sequences and bidi
/// overrides in it are shown escaped (`\u{1b}`), so the agent sees they were
/// there, and long input is cut short.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// Malformed input; the String is a short human reason, e.g. "`123` is not a
    /// valid phone number for region US".
    #[error("{0}")]
    Invalid(String),
    /// Refused by policy: an institution email domain (exit code 4 upstream).
    #[error("{0}")]
    Institution(String),
}

fn invalid(msg: impl Into<String>) -> ContactError {
    ContactError::Invalid(msg.into())
}

// ---------------------------------------------------------------------------
// Usernames

/// Longest username SPEC §1 allows.
pub const USERNAME_MAX: usize = 64;

/// 1–64 characters of ASCII letters, digits, `.`, `_`, `-`, `@` (SPEC §1). The
/// error says what is wrong: empty, too long, or which character is not allowed
/// (control and invisible characters shown escaped, e.g. `\u{7}`).
pub fn validate_username(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("username is empty".into());
    }
    if let Some(c) = s
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(format!(
            "username `{}` contains {}; use letters, digits, `.`, `_`, `-` and `@`",
            shown(s),
            describe_char(c)
        ));
    }
    // Only ASCII is left, so bytes are characters.
    if s.len() > USERNAME_MAX {
        return Err(format!(
            "username is {} characters long (at most {USERNAME_MAX})",
            s.len()
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Phone numbers

/// What kind of line a number belongs to, by libphonenumber's metadata. Only some
/// kinds can receive the SMS that carries a SafeCode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineType {
    Mobile,
    /// The numbering plan does not tell mobile from landline (all of NANP).
    FixedLineOrMobile,
    Voip,
    PersonalNumber,
    FixedLine,
    TollFree,
    PremiumRate,
    SharedCost,
    Pager,
    Uan,
    Voicemail,
    /// Valid, but the metadata cannot say which kind.
    Unknown,
}

impl LineType {
    /// Whether an SMS may reach such a number. Kinds that might (VoIP, personal
    /// numbers, unknown) get the benefit of the doubt: the confirmation code sent
    /// on enrollment proves the number works before any reset code relies on it.
    pub fn receives_sms(self) -> bool {
        matches!(
            self,
            LineType::Mobile
                | LineType::FixedLineOrMobile
                | LineType::Voip
                | LineType::PersonalNumber
                | LineType::Unknown
        )
    }

    /// "a landline number", for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            LineType::Mobile => "a mobile number",
            LineType::FixedLineOrMobile => "a mobile or landline number",
            LineType::Voip => "a VoIP number",
            LineType::PersonalNumber => "a personal (forwarding) number",
            LineType::FixedLine => "a landline number",
            LineType::TollFree => "a toll-free number",
            LineType::PremiumRate => "a premium-rate number",
            LineType::SharedCost => "a shared-cost number",
            LineType::Pager => "a pager number",
            LineType::Uan => "a company (UAN) number",
            LineType::Voicemail => "a voicemail access number",
            LineType::Unknown => "a number of unknown kind",
        }
    }
}

/// A valid phone number in E.164 form, with its line type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// `+16174322000`.
    pub e164: String,
    pub line: LineType,
}

/// Parse a phone number for SMS and return it in E.164 (`+16174322000`).
///
/// Accepts what people type: spaces, dots, dashes, parentheses, a `tel:` prefix, a
/// leading `+`, `00` or the region's own international prefix (`011` in NANP).
/// Refuses letters (vanity numbers such as `1-800-FLOWERS` and extensions are not
/// guessed at), numbers that are not *valid* for their country, and kinds of
/// number that cannot receive SMS (landlines, toll-free, premium-rate, ...).
pub fn parse_phone(input: &str, default_region: &str) -> Result<String, ContactError> {
    let phone = parse_phone_number(input, default_region)?;
    if !phone.line.receives_sms() {
        return Err(invalid(format!(
            "`{}` is {}, which cannot receive SMS",
            shown(input.trim()),
            phone.line.describe()
        )));
    }
    Ok(phone.e164)
}

/// Like [`parse_phone`] but without the SMS policy: any valid number, with its
/// line type, so callers can explain or decide for themselves.
///
/// Why not just `phonenumber::parse(Some(region), input)`: given a default region,
/// phonenumber 0.3 applies *that region's* national (trunk) prefix rules even to a
/// number written with `+` and another country code. With region US it strips a
/// leading `1` from the foreign national number: `+49 151 23456789` silently
/// becomes `+495123456789` (a different, valid German number) and `+86 138…`,
/// `+20 10…` become invalid. So a number written internationally is parsed with no
/// default region, and only a national number is parsed with it.
pub fn parse_phone_number(input: &str, default_region: &str) -> Result<Phone, ContactError> {
    parse_phone_number_with(input, default_region, true)
}

/// [`parse_phone_number`], with the NANP shortcut ([`nanp_phone`]) on or off: the
/// tests check that both ways give the same answer.
fn parse_phone_number_with(
    input: &str,
    default_region: &str,
    nanp_shortcut: bool,
) -> Result<Phone, ContactError> {
    let region_code = default_region.trim().to_ascii_uppercase();
    let region: country::Id = region_code.parse().map_err(|_| {
        invalid(format!(
            "`{}` is not a known phone region (use a two-letter code such as US)",
            shown(default_region)
        ))
    })?;
    let text = input.trim();
    if text.is_empty() {
        return Err(invalid("empty phone number"));
    }
    let (plus, digits) = phone_digits(text)?;
    if digits.is_empty() {
        return Err(invalid(format!("`{}` has no digits", shown(text))));
    }
    // At most 15 digits in E.164, plus a few for an international or trunk prefix.
    if digits.len() > 20 {
        return Err(invalid(format!(
            "`{}` has too many digits for a phone number",
            shown(text)
        )));
    }

    let international = if plus {
        Some(digits.as_str())
    } else {
        strip_international_prefix(&digits, &region_code)
    };
    let bad = || match international {
        Some(_) => invalid(format!("`{}` is not a valid phone number", shown(text))),
        None => invalid(format!(
            "`{}` is not a valid phone number for region {region_code} \
             (write other countries' numbers with + and the country code)",
            shown(text)
        )),
    };
    if nanp_shortcut && let Some(national) = nanp_national(international, &digits, &region_code) {
        return nanp_phone(national).ok_or_else(bad);
    }
    let parsed = match international {
        Some(rest) => phonenumber::parse(None, format!("+{rest}")),
        None => phonenumber::parse(Some(region), &digits),
    }
    .map_err(|_| bad())?;
    let number = if parsed.is_valid() {
        parsed
    } else {
        mexico_without_mobile_one(&parsed).ok_or_else(bad)?
    };
    if number.extension().is_some() {
        return Err(bad());
    }
    let e164 = number.format().mode(Mode::E164).to_string();
    let line = line_type(number.code().value(), &number.national().to_string());
    Ok(Phone { e164, line })
}

/// Splits typed text into "began with +" and its digits, refusing anything but
/// digits and the separators people use. Letters are refused rather than mapped to
/// keypad digits as phonenumber would (`1-800-FLOWERS`, `x123` extensions).
fn phone_digits(text: &str) -> Result<(bool, String), ContactError> {
    let body = match text.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => text[4..].trim_start(),
        _ => text,
    };
    let mut plus = false;
    let mut digits = String::with_capacity(body.len());
    for (i, c) in body.char_indices() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            '+' => {
                return Err(invalid(format!(
                    "`{}` has a + that is not at the start",
                    shown(text)
                )));
            }
            ' ' | '.' | '-' | '(' | ')' => {}
            // Non-breaking spaces and typographic dashes arrive by copy and paste.
            '\u{a0}' | '\u{202f}' | '\u{2010}'..='\u{2015}' | '\u{2212}' => {}
            c if c.is_alphabetic() => {
                return Err(invalid(format!(
                    "`{}` contains letters; type the number in digits only",
                    shown(text)
                )));
            }
            c => {
                return Err(invalid(format!(
                    "`{}` contains {}, which is not part of a phone number",
                    shown(text),
                    describe_char(c)
                )));
            }
        }
    }
    Ok((plus, digits))
}

/// The digits after an international dialling prefix, if `digits` starts with
/// one: the region's own (`011` in NANP, `0011` in Australia) or the ITU's `00`,
/// which no national number starts with and which people use out of habit.
fn strip_international_prefix<'a>(digits: &'a str, region: &str) -> Option<&'a str> {
    let own = DATABASE
        .by_id(region)
        .and_then(Metadata::international_prefix)
        .and_then(|re| re.find(digits))
        .filter(|m| m.start() == 0)
        .map(|m| &digits[m.end()..]);
    own.or_else(|| digits.strip_prefix("00"))
        // A country code never starts with 0, so "00 0…" is something else.
        .filter(|rest| !rest.starts_with('0'))
}

/// The ten digits of a NANP number written `+1 NPA NXX XXXX` (or after an
/// international prefix), or written as ten national digits in a NANP region.
/// Only numbers whose area code starts 2–9 qualify: phonenumber parses exactly
/// those to the same ten digits, so [`nanp_phone`] can skip its parser.
fn nanp_national<'a>(
    international: Option<&'a str>,
    digits: &'a str,
    region_code: &str,
) -> Option<&'a str> {
    let national = match international {
        Some(rest) => rest.strip_prefix('1')?,
        None if DATABASE.by_id(region_code)?.country_code() == 1 => digits,
        None => return None,
    };
    (national.len() == 10 && national.as_bytes()[0] >= b'2').then_some(national)
}

/// A NANP number without phonenumber's parser: a bulk import spends most of its
/// time there (about 8 µs a number, plus one global regex-cache lock per pattern
/// match), and a NANP number's E.164 form is just `+1` and its ten digits.
/// Validity is decided as phonenumber's `is_valid` decides it (the region whose
/// leading digits match, or else whose patterns match, must know the number), and
/// the line type as for any other number; the tests compare the two paths.
fn nanp_phone(national: &str) -> Option<Phone> {
    let regions = DATABASE.by_code(&1)?;
    let source = regions
        .into_iter()
        .find(|meta| match meta.leading_digits() {
            Some(re) => pattern_at_start(re.as_str(), national),
            None => known_number(meta, national),
        })?;
    known_number(source, national).then(|| Phone {
        e164: format!("+1{national}"),
        line: line_type(1, national),
    })
}

/// Whether a region's metadata gives the number any type (phonenumber's
/// `number_type(..) != Unknown`).
fn known_number(meta: &'static Metadata, national: &str) -> bool {
    let d = meta.descriptors();
    if !descriptor_match(d.general(), national) {
        return false;
    }
    [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
        d.fixed_line(),
        d.mobile(),
    ]
    .into_iter()
    .flatten()
    .any(|desc| descriptor_match(desc, national))
}

/// `Descriptor::is_match` (possible lengths, then the pattern matching at the
/// start) without phonenumber's regex cache, whose every lookup takes one global
/// lock and hashes the whole pattern (some are kilobytes): that was a third of an
/// import's time.
fn descriptor_match(desc: &'static Descriptor, national: &str) -> bool {
    let lengths = desc.possible_length();
    if !lengths.is_empty() && !u16::try_from(national.len()).is_ok_and(|n| lengths.contains(&n)) {
        return false;
    }
    pattern_at_start(desc.national_number().as_str(), national)
}

/// Whether one of phonenumber's metadata patterns matches `text` at its start (a
/// leftmost match that begins at 0, as the crate checks), with the pattern
/// compiled once per thread. Patterns live in phonenumber's static `DATABASE`, so
/// their address identifies them and the lookup hashes a pointer, not the text.
fn pattern_at_start(pattern: &'static str, text: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static COMPILED: RefCell<HashMap<(usize, usize), Option<regex::Regex>>> =
            RefCell::new(HashMap::new());
    }
    COMPILED.with(|cell| {
        let mut compiled = cell.borrow_mut();
        let re = compiled
            .entry((pattern.as_ptr().addr(), pattern.len()))
            .or_insert_with(|| {
                // The options phonenumber compiles its metadata with.
                regex::RegexBuilder::new(pattern)
                    .ignore_whitespace(true)
                    .build()
                    .ok()
            });
        match re {
            Some(re) => re.find(text).is_some_and(|m| m.start() == 0),
            // Unreachable: phonenumber refuses to load metadata whose patterns do
            // not compile with these options.
            None => false,
        }
    })
}

/// Mexico dropped the `1` that used to follow +52 for mobiles (2019–2020) and the
/// metadata now calls `+52 1 55 1234 5678` invalid, but people still type it.
fn mexico_without_mobile_one(
    number: &phonenumber::PhoneNumber,
) -> Option<phonenumber::PhoneNumber> {
    let national = number.national().to_string();
    if number.code().value() != 52 || national.len() != 11 {
        return None;
    }
    let rest = national.strip_prefix('1')?;
    phonenumber::parse(None, format!("+52{rest}"))
        .ok()
        .filter(phonenumber::PhoneNumber::is_valid)
}

/// The line type of a national significant number, leading zeros included.
///
/// phonenumber 0.3's own `number_type` drops leading zeros before matching, so it
/// calls valid mobiles of Côte d'Ivoire (`+225 07…`) or Congo (`+242 06…`)
/// "unknown". This mirrors libphonenumber's order of checks on the full number.
fn line_type(country_code: u16, national: &str) -> LineType {
    let Some(regions) = DATABASE.by_code(&country_code) else {
        return LineType::Unknown;
    };
    regions
        .into_iter()
        .map(|meta| line_type_in(meta, national))
        .find(|&t| t != LineType::Unknown)
        .unwrap_or(LineType::Unknown)
}

fn line_type_in(meta: &'static Metadata, national: &str) -> LineType {
    let d = meta.descriptors();
    if !descriptor_match(d.general(), national) {
        return LineType::Unknown;
    }
    let is = |desc: Option<&'static Descriptor>| {
        desc.is_some_and(|desc| descriptor_match(desc, national))
    };
    let special = [
        (d.premium_rate(), LineType::PremiumRate),
        (d.toll_free(), LineType::TollFree),
        (d.shared_cost(), LineType::SharedCost),
        (d.voip(), LineType::Voip),
        (d.personal_number(), LineType::PersonalNumber),
        (d.pager(), LineType::Pager),
        (d.uan(), LineType::Uan),
        (d.voicemail(), LineType::Voicemail),
    ];
    if let Some(&(_, t)) = special.iter().find(|(desc, _)| is(*desc)) {
        return t;
    }
    match (is(d.fixed_line()), is(d.mobile())) {
        (true, true) => LineType::FixedLineOrMobile,
        (true, false) => LineType::FixedLine,
        (false, true) => LineType::Mobile,
        (false, false) => LineType::Unknown,
    }
}

/// Country calling code and national significant number of an E.164 string,
/// leading zeros kept (`+390612345678` → 39, `0612345678`). Country codes are
/// prefix-free, so the first 1–3 digits that name a known code are the code.
fn split_e164(e164: &str) -> Option<(u16, &str)> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // NANP without the metadata, whose first use costs a noticeable fraction of a
    // second: masking a list of US numbers should not pay for it.
    if let Some(national) = digits.strip_prefix('1') {
        return Some((1, national));
    }
    (1..=3.min(digits.len() - 1)).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        DATABASE.by_code(&code).map(|_| (code, &digits[len..]))
    })
}

/// National significant number digits of an E.164 number, for `<digits>@<gateway>`:
/// `+16174322000` → `6174322000`. None if it is not E.164.
pub fn national_digits(e164: &str) -> Option<String> {
    split_e164(e164).map(|(_, national)| national.to_string())
}

/// Mask for human output (SPEC §2): `+16174322000` → `+1 ***-***-2000`; elsewhere
/// the country code and the last four digits: `+447400123456` → `+44 ***3456`.
pub fn mask_phone(e164: &str) -> String {
    match split_e164(e164) {
        Some((1, national)) if national.len() == 10 => {
            format!("+1 ***-***-{}", &national[6..])
        }
        Some((code, national)) if national.len() > 4 => {
            format!("+{code} ***{}", &national[national.len() - 4..])
        }
        Some((code, _)) => format!("+{code} ***"),
        None => "***".into(),
    }
}

// ---------------------------------------------------------------------------
// Email addresses

/// A validated email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Local part as typed, `@`, domain lowercased in ASCII (punycode) form.
    pub address: String,
    /// In an affiliate (preferred) domain or one of its subdomains.
    pub preferred: bool,
}

/// RFC 5321 limits.
const LOCAL_MAX: usize = 64;
const ADDRESS_MAX: usize = 254;

/// Validate an email address (SPEC §1): one `@`; a local part of at most 64
/// characters in RFC 5322 dot-atom form (case kept); a domain with at least one
/// dot, converted to lowercase ASCII through IDNA (UTS #46, strict) and without
/// a trailing dot; at most 254 characters in all. Addresses in an institution
/// domain or its subdomains are refused with [`ContactError::Institution`];
/// those in a preferred domain are marked `preferred`.
///
/// Domains are compared in their ASCII form so that look-alike spellings
/// (`ＨＭＳ.harvard.edu`, `HMS.Harvard.EDU.`) cannot slip past the institution
/// check. Quoted and non-ASCII local parts are refused: they need SMTPUTF8 or
/// quoting at every hop, and no reset code should depend on that.
pub fn parse_email(
    input: &str,
    institution_domains: &[String],
    preferred_domains: &[String],
) -> Result<Email, ContactError> {
    let text = input.trim();
    let not_email =
        |why: &str| invalid(format!("`{}` is not an email address ({why})", shown(text)));
    if text.is_empty() {
        return Err(invalid("empty email address"));
    }
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_whitespace() || is_unprintable(c))
    {
        return Err(not_email(&format!("it contains {}", describe_char(c))));
    }
    let (local, domain) = match text.split_once('@') {
        None => return Err(not_email("no @")),
        Some((_, d)) if d.contains('@') => return Err(not_email("more than one @")),
        Some(parts) => parts,
    };
    if local.is_empty() {
        return Err(not_email("nothing before the @"));
    }
    if local.len() > LOCAL_MAX {
        return Err(not_email("more than 64 characters before the @"));
    }
    if let Some(c) = local.chars().find(|&c| !(is_atext(c) || c == '.')) {
        return Err(not_email(&format!(
            "{} is not allowed before the @",
            describe_char(c)
        )));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(not_email("misplaced dot before the @"));
    }

    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.is_empty() {
        return Err(not_email("nothing after the @"));
    }
    let ascii = idna::domain_to_ascii_strict(domain)
        .map_err(|_| not_email(&format!("`{}` is not a valid domain name", shown(domain))))?;
    let Some((_, tld)) = ascii.rsplit_once('.') else {
        return Err(not_email("the domain has no dot"));
    };
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_email("the domain is an IP address"));
    }
    let address = format!("{local}@{ascii}");
    if address.len() > ADDRESS_MAX {
        return Err(not_email("longer than 254 characters"));
    }
    if let Some(inst) = matching_domain(&ascii, institution_domains) {
        return Err(ContactError::Institution(format!(
            "`{}` is in the institution domain {inst}; register an address outside the institution",
            shown(&address)
        )));
    }
    let preferred = matching_domain(&ascii, preferred_domains).is_some();
    Ok(Email { address, preferred })
}

/// RFC 5322 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// The first listed domain that `ascii_domain` is, or is a subdomain of. The match
/// is on a label boundary: `notmed.harvard.edu` is not in `med.harvard.edu`.
fn matching_domain(ascii_domain: &str, list: &[String]) -> Option<String> {
    list.iter().map(|d| normalize_domain(d)).find(|d| {
        !d.is_empty()
            && (ascii_domain == d
                || ascii_domain
                    .strip_suffix(d.as_str())
                    .is_some_and(|head| head.ends_with('.')))
    })
}

/// A configured domain in the same form as a parsed address's domain.
fn normalize_domain(d: &str) -> String {
    let d = d.trim();
    let d = d.strip_suffix('.').unwrap_or(d);
    idna::domain_to_ascii(d).unwrap_or_else(|_| d.to_ascii_lowercase())
}

/// Mask for human output (SPEC §2): `alice@gmail.com` → `a***@gmail.com`.
pub fn mask_email(addr: &str) -> String {
    match addr.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            printable(&format!("{first}***@{domain}"))
        }
        None => "***".into(),
    }
}

// ---------------------------------------------------------------------------
// Carriers

/// A mobile carrier and its email-to-SMS gateway (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Carrier {
    /// Short id used in the database and the config (`verizon`).
    pub id: String,
    /// Display name (`Verizon`).
    pub name: String,
    /// Gateway domain; mail to `<national digits>@<gateway>` arrives as an SMS.
    pub gateway: String,
    /// `false` for a gateway that was shut down or cannot be relied on; sending
    /// through it is refused with a hint.
    pub active: bool,
}

/// Built-in US carriers, as reported in late 2026. The carriers have been retiring
/// these gateways: AT&T shut txt.att.net on 17 June 2025; T-Mobile's tmomail.net
/// reportedly stopped delivering in late 2024 (no announcement found); Verizon's
/// vtext.com is reported to end on 31 March 2027. Gateways not known to work are
/// marked inactive; a site that finds one working can re-enable it under
/// `[carriers.<id>]` in the config.
pub fn builtin_carriers() -> Vec<Carrier> {
    const BUILTIN: &[(&str, &str, &str, bool)] = &[
        // Shut down 17 June 2025.
        ("att", "AT&T", "txt.att.net", false),
        // Boost (now EchoStar): no working gateway confirmed.
        ("boost", "Boost Mobile", "sms.myboostmobile.com", false),
        (
            "consumercellular",
            "Consumer Cellular",
            "mailmymobile.net",
            false,
        ),
        // An AT&T brand; not confirmed to have survived AT&T's shutdown.
        (
            "cricket",
            "Cricket Wireless",
            "sms.cricketwireless.net",
            false,
        ),
        // The one major gateway still documented as working.
        ("googlefi", "Google Fi", "msg.fi.google.com", true),
        ("metropcs", "Metro by T-Mobile", "mymetropcs.com", false),
        // Runs on T-Mobile's gateway, which stopped delivering in late 2024.
        ("mint", "Mint Mobile", "tmomail.net", false),
        // Sprint's network was merged into T-Mobile's; gateway retired.
        ("sprint", "Sprint", "messaging.sprintpcs.com", false),
        // Reportedly silent since late 2024.
        ("tmobile", "T-Mobile", "tmomail.net", false),
        // Wireless business sold to T-Mobile in 2025.
        ("uscellular", "UScellular", "email.uscc.net", false),
        // Working but unreliable; reported to end on 31 March 2027.
        ("verizon", "Verizon", "vtext.com", true),
        // Verizon MVNOs: not confirmed to be reachable through vtext.com.
        ("visible", "Visible", "vtext.com", false),
        ("xfinity", "Xfinity Mobile", "vtext.com", false),
    ];
    BUILTIN
        .iter()
        .map(|&(id, name, gateway, active)| Carrier {
            id: id.into(),
            name: name.into(),
            gateway: gateway.into(),
            active,
        })
        .collect()
}

/// Built-ins, then config entries (same id overrides, new ids add), sorted by id.
pub fn carriers(extra: &BTreeMap<String, CarrierConfig>) -> Vec<Carrier> {
    let mut all: BTreeMap<String, Carrier> = builtin_carriers()
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    for (id, c) in extra {
        all.insert(
            id.clone(),
            Carrier {
                id: id.clone(),
                name: c.name.clone(),
                gateway: c.gateway.clone(),
                active: c.active,
            },
        );
    }
    all.into_values().collect()
}

/// Case-insensitive lookup by id, then by display name, ignoring spaces and
/// punctuation: `T-Mobile`, `tmobile` and `t mobile` all find T-Mobile, `at&t`
/// finds AT&T.
pub fn find_carrier<'a>(all: &'a [Carrier], input: &str) -> Option<&'a Carrier> {
    let key = carrier_key(input);
    if key.is_empty() {
        return None;
    }
    all.iter()
        .find(|c| carrier_key(&c.id) == key)
        .or_else(|| all.iter().find(|c| carrier_key(&c.name) == key))
}

fn carrier_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------
// Terminal safety: one cleaning function, in `output` (re-exported for callers here).

use crate::output::is_unprintable;
pub use crate::output::printable;

/// User input quoted in an error message: unprintable characters escaped (so the
/// message shows that they were there) and long input cut short.
fn shown(s: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if is_unprintable(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// One character named for an error message: `` `/` ``, "a space", `\u{7}`.
fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".into()
    } else if c.is_alphanumeric() || c.is_ascii_graphic() {
        format!("`{c}`")
    } else {
        format!("`{}`", c.escape_unicode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // -- usernames --------------------------------------------------------

    #[test]
    fn usernames_accepted() {
        for ok in [
            "a",
            "alice",
            "Alice.Smith",
            "a_b-c",
            "alice@hms",
            "x".repeat(64).as_str(),
        ] {
            assert_eq!(validate_username(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn username_errors_say_what_is_wrong() {
        assert_eq!(validate_username("").unwrap_err(), "username is empty");
        let long = validate_username(&"x".repeat(65)).unwrap_err();
        assert!(
            long.contains("65 characters") && long.contains("64"),
            "{long}"
        );
        let space = validate_username("ali ce").unwrap_err();
        assert!(space.contains("a space"), "{space}");
        let bell = validate_username("alice\u{7}").unwrap_err();
        assert!(bell.contains(r"\u{7}"), "{bell}");
        assert!(!bell.contains('\u{7}'), "raw control char in {bell:?}");
        let esc = validate_username("a\u{1b}[31m").unwrap_err();
        assert!(
            esc.contains(r"\u{1b}") && !esc.contains('\u{1b}'),
            "{esc:?}"
        );
        let accent = validate_username("élodie").unwrap_err();
        assert!(accent.contains("`é`"), "{accent}");
        assert!(validate_username("a/b").unwrap_err().contains("`/`"));
        assert!(validate_username("alice\n").unwrap_err().contains(r"\u{a}"));
        assert!(
            validate_username("bob\u{202e}")
                .unwrap_err()
                .contains(r"\u{202e}")
        );
    }

    // -- phones -----------------------------------------------------------

    fn ok(input: &str, region: &str) -> String {
        match parse_phone(input, region) {
            Ok(e164) => e164,
            Err(e) => panic!("{input:?} ({region}) refused: {e}"),
        }
    }

    fn err(input: &str, region: &str) -> String {
        match parse_phone(input, region) {
            Ok(e164) => panic!("{input:?} ({region}) accepted as {e164}"),
            Err(ContactError::Invalid(m)) => m,
            Err(e) => panic!("{input:?}: wrong error kind {e:?}"),
        }
    }

    #[test]
    fn us_numbers_as_people_type_them() {
        for input in [
            "(617) 432-2000",
            "617.432.2000",
            "617-432-2000",
            "617 432 2000",
            "6174322000",
            "+1 617 432 2000",
            "+16174322000",
            "1-617-432-2000",
            "1 (617) 432-2000",
            "  617-432-2000  ",
            "tel:+16174322000",
            "TEL:+1-617-432-2000",
            "00 1 617 432 2000",
            "011 1 617 432 2000",
            "617\u{a0}432\u{2013}2000",
        ] {
            assert_eq!(ok(input, "US"), "+16174322000", "{input}");
        }
        // The region is case-insensitive.
        assert_eq!(ok("617 432 2000", "us"), "+16174322000");
    }

    #[test]
    fn international_numbers_keep_their_country() {
        // Region US throughout: these are the numbers phonenumber 0.3 gets wrong
        // when given a default region, by stripping a leading 1 as a US trunk prefix.
        let cases = [
            ("+49 151 23456789", "+4915123456789"),    // Germany, mobile
            ("+86 138 0013 8000", "+8613800138000"),   // China, mobile
            ("+20 10 1234 5678", "+201012345678"),     // Egypt, mobile
            ("+33 6 12 34 56 78", "+33612345678"),     // France
            ("+55 11 91234-5678", "+5511912345678"),   // Brazil
            ("+91 98765 43210", "+919876543210"),      // India
            ("+44 7400 123456", "+447400123456"),      // UK mobile
            ("+44 (0)7400 123456", "+447400123456"),   // UK habit: (0) trunk
            ("0044 7400 123456", "+447400123456"),     // 00 international prefix
            ("+81 90-1234-5678", "+819012345678"),     // Japan
            ("+61 412 345 678", "+61412345678"),       // Australia
            ("+39 312 345 6789", "+393123456789"),     // Italy, mobile
            ("+7 912 345 67 89", "+79123456789"),      // Russia
            ("+1 264 235 1234", "+12642351234"),       // Anguilla (NANP, not US)
            ("+52 55 1234 5678", "+525512345678"),     // Mexico
            ("+52 1 55 1234 5678", "+525512345678"),   // Mexico, obsolete mobile 1
            ("+225 07 12 34 56 78", "+2250712345678"), // Côte d'Ivoire, NSN starts 0
            ("+242 06 123 4567", "+242061234567"),     // Congo, NSN starts 0
        ];
        for (input, e164) in cases {
            assert_eq!(ok(input, "US"), e164, "{input}");
            // The default region must not matter for a number with a country code.
            assert_eq!(ok(input, "GB"), e164, "{input} with GB");
            // And the result parses to itself.
            assert_eq!(ok(e164, "US"), e164, "{e164} again");
        }
        // 011 is the international prefix in NANP only.
        assert_eq!(ok("011 44 7400 123456", "US"), "+447400123456");
        assert_eq!(ok("011 44 7400 123456", "CA"), "+447400123456");
        assert!(parse_phone("011 44 7400 123456", "GB").is_err());
    }

    #[test]
    fn national_numbers_use_the_default_region() {
        assert_eq!(ok("07400 123456", "GB"), "+447400123456");
        assert_eq!(ok("07400123456", "gb"), "+447400123456");
        assert_eq!(ok("0151 23456789", "DE"), "+4915123456789");
        assert_eq!(ok("06 12 34 56 78", "FR"), "+33612345678");
        assert_eq!(ok("55 1234 5678", "MX"), "+525512345678");
        assert_eq!(ok("1 55 1234 5678", "MX"), "+525512345678");
        assert_eq!(ok("138 0013 8000", "CN"), "+8613800138000");
        // In GB, 00 is the international prefix.
        assert_eq!(ok("00 1 617 432 2000", "GB"), "+16174322000");
    }

    #[test]
    fn line_types() {
        let p = |s: &str| parse_phone_number(s, "US").unwrap();
        assert_eq!(p("+447400123456").line, LineType::Mobile);
        assert_eq!(p("617-432-2000").line, LineType::FixedLineOrMobile);
        // A UK landline whose national number starts with 1: correct E.164 (a US
        // trunk prefix strip would give +4421…), but no SMS.
        let birmingham = p("+44 121 234 5678");
        assert_eq!(birmingham.e164, "+441212345678");
        assert_eq!(birmingham.line, LineType::FixedLine);
        assert_eq!(p("+39 06 1234 5678").line, LineType::FixedLine);
        assert_eq!(p("+1 800 356 9377").line, LineType::TollFree);
        assert_eq!(p("+2250712345678").line, LineType::Mobile);
    }

    #[test]
    fn nanp_shortcut_agrees_with_phonenumber() {
        // Every area code, a few exchanges and lines (valid, invalid, toll-free,
        // premium, personal, Caribbean), in the forms the shortcut takes.
        let mut checked = 0;
        for npa in 200..1000 {
            for nxx in [211, 234, 555, 876] {
                for line in ["0000", "2000"] {
                    let n = format!("{npa}{nxx}{line}");
                    for (input, region) in [
                        (format!("+1{n}"), "US"),
                        (format!("+1 {n}"), "GB"),
                        (format!("011 1 {n}"), "US"),
                        (n.clone(), "US"),
                        (n.clone(), "CA"),
                        (n.clone(), "JM"),
                    ] {
                        let fast = parse_phone_number_with(&input, region, true);
                        let slow = parse_phone_number_with(&input, region, false);
                        assert_eq!(fast, slow, "{input} ({region})");
                        checked += usize::from(fast.is_ok());
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn descriptor_match_agrees_with_phonenumber() {
        for region in ["US", "CA", "JM", "GB", "DE", "CI", "IT", "MX"] {
            let Some(meta) = DATABASE.by_id(region) else {
                panic!("{region}")
            };
            let d = meta.descriptors();
            for desc in [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.voip(),
            ]
            .into_iter()
            .flatten()
            {
                for n in [
                    "6174322000",
                    "8003569377",
                    "07400123456",
                    "7400123456",
                    "0712345678",
                    "3123456789",
                    "5512345678",
                    "12",
                    "",
                ] {
                    assert_eq!(descriptor_match(desc, n), desc.is_match(n), "{region} {n}");
                }
            }
        }
    }

    #[test]
    fn numbers_that_cannot_receive_sms_are_refused() {
        let landline = err("+44 121 234 5678", "US");
        assert!(
            landline.contains("landline") && landline.contains("+44 121 234 5678"),
            "{landline}"
        );
        assert!(err("+39 06 1234 5678", "US").contains("landline"));
        assert!(err("+1 800 356 9377", "US").contains("toll-free"));
        assert!(err("1-800-356-9377", "US").contains("toll-free"));
    }

    #[test]
    fn bad_phone_numbers() {
        let flowers = err("1-800-FLOWERS", "US");
        assert!(
            flowers.contains("`1-800-FLOWERS`") && flowers.contains("letters"),
            "{flowers}"
        );
        assert!(err("617-432-2000 x123", "US").contains("letters"));
        assert!(err("617-432-2000 ext. 5", "US").contains("letters"));
        let short = err("123", "US");
        assert_eq!(
            short,
            "`123` is not a valid phone number for region US \
             (write other countries' numbers with + and the country code)"
        );
        assert_eq!(err("+1 555", "US"), "`+1 555` is not a valid phone number");
        assert_eq!(err("", "US"), "empty phone number");
        assert_eq!(err("   ", "US"), "empty phone number");
        assert!(err("+", "US").contains("no digits"));
        assert!(err("()-.", "US").contains("no digits"));
        assert!(err("tel:", "US").contains("no digits"));
        // A foreign number without its + is not silently made American.
        assert!(err("44 7400 123456", "US").contains("region US"));
        assert!(err("+44 1632 960983", "US").contains("not a valid"));
        assert!(err("+1 617 432 20001", "US").contains("not a valid"));
        assert!(err("+999 1234567", "US").contains("not a valid"));
        assert!(err("+0 123 456", "US").contains("not a valid"));
        assert!(err("617+432+2000", "US").contains("+ that is not at the start"));
        assert!(err("617/432-2000", "US").contains("`/`"));
        assert!(err("tel:+1-617-432-2000;ext=1", "US").contains("`;`"));
        assert!(err("617 432 2000, 617 555 0100", "US").contains("`,`"));
        assert!(err("６１７４３２２０００", "US").contains("`６`"));
        assert!(err(&"1".repeat(30), "US").contains("too many digits"));
    }

    #[test]
    fn phone_errors_are_one_safe_line() {
        let m = err("617\u{7}432\u{1b}[2J2000\n", "US");
        assert!(!m.chars().any(char::is_control), "{m:?}");
        assert!(m.contains(r"\u{7}"), "{m}");
        let long = err(&format!("{}x", "9".repeat(500)), "US");
        assert!(long.len() < 200, "{long}");
    }

    #[test]
    fn unknown_region() {
        assert!(err("617 432 2000", "ZZ").contains("`ZZ` is not a known phone region"));
        assert!(err("617 432 2000", "").contains("region"));
        assert!(err("617 432 2000", "USA").contains("region"));
    }

    #[test]
    fn national_digits_for_gateways() {
        assert_eq!(
            national_digits("+16174322000").as_deref(),
            Some("6174322000")
        );
        assert_eq!(
            national_digits("+447400123456").as_deref(),
            Some("7400123456")
        );
        assert_eq!(
            national_digits("+390612345678").as_deref(),
            Some("0612345678")
        );
        assert_eq!(
            national_digits("+2250712345678").as_deref(),
            Some("0712345678")
        );
        assert_eq!(
            national_digits("+8613800138000").as_deref(),
            Some("13800138000")
        );
        assert_eq!(national_digits("6174322000"), None);
        assert_eq!(national_digits("+1 617 432 2000"), None);
        assert_eq!(national_digits("+"), None);
        assert_eq!(national_digits(""), None);
    }

    #[test]
    fn phone_masks() {
        assert_eq!(mask_phone("+16174322000"), "+1 ***-***-2000");
        assert_eq!(mask_phone("+12642351234"), "+1 ***-***-1234");
        assert_eq!(mask_phone("+447400123456"), "+44 ***3456");
        assert_eq!(mask_phone("+2250712345678"), "+225 ***5678");
        assert_eq!(mask_phone("+4915123456789"), "+49 ***6789");
        assert_eq!(mask_phone("+1234"), "+1 ***");
        assert_eq!(mask_phone("garbage"), "***");
        assert_eq!(mask_phone(""), "***");
    }

    // -- email ------------------------------------------------------------

    fn inst() -> Vec<String> {
        ["hms.harvard.edu", "med.harvard.edu", "hsdm.harvard.edu"]
            .map(String::from)
            .to_vec()
    }

    fn pref() -> Vec<String> {
        ["partners.org", "bidmc.harvard.edu"]
            .map(String::from)
            .to_vec()
    }

    fn email(input: &str) -> Result<Email, ContactError> {
        parse_email(input, &inst(), &pref())
    }

    fn address(input: &str) -> String {
        match email(input) {
            Ok(e) => e.address,
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    fn email_err(input: &str) -> String {
        match email(input) {
            Ok(e) => panic!("{input:?} accepted as {e:?}"),
            Err(ContactError::Invalid(m)) => m,
            Err(e) => panic!("{input:?}: wrong error kind {e:?}"),
        }
    }

    #[test]
    fn emails_accepted_and_normalized() {
        assert_eq!(
            email("alice@gmail.com"),
            Ok(Email {
                address: "alice@gmail.com".into(),
                preferred: false
            })
        );
        assert_eq!(
            address("Alice.Smith@Example.COM"),
            "Alice.Smith@example.com"
        );
        assert_eq!(address("  bob@example.com.  "), "bob@example.com");
        assert_eq!(
            address("o'brien+safecode@mail.example.co.uk"),
            "o'brien+safecode@mail.example.co.uk"
        );
        assert_eq!(address("user@bücher.example"), "user@xn--bcher-kva.example");
        assert_eq!(address("user@BÜCHER.example"), "user@xn--bcher-kva.example");
        assert_eq!(address("user@ＥＸＡＭＰＬＥ.com"), "user@example.com");
        assert_eq!(
            address("user@xn--bcher-kva.example"),
            "user@xn--bcher-kva.example"
        );
        assert_eq!(
            address(&format!("{}@example.com", "a".repeat(64))).len(),
            76
        );
    }

    #[test]
    fn institution_domains_refused() {
        for input in [
            "alice@hms.harvard.edu",
            "Alice@HMS.Harvard.EDU.",
            "x@sub.med.harvard.edu",
            "x@a.b.hsdm.harvard.edu",
            "x@ＨＭＳ.harvard.edu",
            "x@hms.harvard.edu.",
        ] {
            match email(input) {
                Err(ContactError::Institution(m)) => {
                    assert!(m.contains("institution"), "{m}")
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        // Suffix matches only on a label boundary.
        for input in [
            "x@notmed.harvard.edu",
            "x@harvard.edu",
            "x@hms.harvard.edu.example",
        ] {
            assert!(email(input).is_ok(), "{input}");
        }
        // The configured list is normalized the same way as the address.
        let odd = vec!["HMS.Harvard.EDU.".to_string(), String::new()];
        assert!(matches!(
            parse_email("x@hms.harvard.edu", &odd, &[]),
            Err(ContactError::Institution(_))
        ));
        assert!(parse_email("x@example.com", &odd, &[]).is_ok());
    }

    #[test]
    fn preferred_domains_marked() {
        for input in [
            "x@partners.org",
            "x@mail.Partners.org",
            "x@BIDMC.harvard.edu",
        ] {
            assert!(email(input).unwrap().preferred, "{input}");
        }
        for input in ["x@notpartners.org", "x@gmail.com", "x@harvard.edu"] {
            assert!(!email(input).unwrap().preferred, "{input}");
        }
    }

    #[test]
    fn bad_emails() {
        assert_eq!(email_err("foo"), "`foo` is not an email address (no @)");
        assert_eq!(email_err(""), "empty email address");
        assert!(email_err("a@b@example.com").contains("more than one @"));
        assert!(email_err("@example.com").contains("nothing before the @"));
        assert!(email_err("alice@").contains("nothing after the @"));
        assert!(email_err("alice@.").contains("nothing after the @"));
        assert!(email_err("alice@localhost").contains("no dot"));
        assert!(email_err("al ice@example.com").contains("a space"));
        assert!(email_err("alice@exa mple.com").contains("a space"));
        assert!(email_err("alice@example..com").contains("not a valid domain"));
        assert!(email_err("alice@-example.com").contains("not a valid domain"));
        assert!(email_err("alice@exa_mple.com").contains("not a valid domain"));
        assert!(email_err(&format!("alice@{}.com", "a".repeat(64))).contains("not a valid domain"));
        assert!(email_err(".alice@example.com").contains("dot"));
        assert!(email_err("alice.@example.com").contains("dot"));
        assert!(email_err("al..ice@example.com").contains("dot"));
        assert!(email_err(&format!("{}@example.com", "a".repeat(65))).contains("64"));
        let long_domain = format!("{}.com", vec!["a".repeat(61); 4].join("."));
        assert!(email_err(&format!("alice@{long_domain}")).contains("254"));
        assert!(email_err("alice@1.2.3.4").contains("IP address"));
        assert!(email_err("alice@[1.2.3.4]").contains("not a valid domain"));
        assert!(email_err("\"al ice\"@example.com").contains("a space"));
        assert!(email_err("\"alice\"@example.com").contains("`\"`"));
        assert!(email_err("josé@example.com").contains("`é`"));
        assert!(email_err("alice(comment)@example.com").contains("`(`"));
    }

    #[test]
    fn email_errors_are_one_safe_line() {
        let m = email_err("alice\u{1b}]0;pwned\u{7}@example.com");
        assert!(!m.chars().any(char::is_control), "{m:?}");
        assert!(m.contains(r"\u{1b}"), "{m}");
        assert!(email_err("alice\n@example.com").contains(r"\u{a}"));
    }

    #[test]
    fn email_masks() {
        assert_eq!(mask_email("alice@gmail.com"), "a***@gmail.com");
        assert_eq!(mask_email("A@example.com"), "A***@example.com");
        assert_eq!(mask_email("élodie@example.com"), "é***@example.com");
        assert_eq!(mask_email("nonsense"), "***");
    }

    // -- carriers ---------------------------------------------------------

    #[test]
    fn builtin_carriers_are_sane() {
        let all = builtin_carriers();
        let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "ids sorted and unique");
        for c in &all {
            assert_eq!(carrier_key(&c.id), c.id, "id {} is its own key", c.id);
            assert!(
                c.gateway.contains('.') && !c.gateway.contains('@'),
                "{}",
                c.gateway
            );
        }
        let by = |id: &str| all.iter().find(|c| c.id == id).unwrap();
        assert!(!by("att").active, "AT&T shut its gateway in June 2025");
        assert_eq!(by("att").gateway, "txt.att.net");
        assert!(!by("sprint").active);
        assert!(by("verizon").active);
        assert_eq!(by("verizon").gateway, "vtext.com");
        assert_eq!(by("tmobile").gateway, "tmomail.net");
        assert!(by("googlefi").active);
    }

    #[test]
    fn config_carriers_override_and_add() {
        let mut extra = BTreeMap::new();
        extra.insert(
            "tmobile".to_string(),
            CarrierConfig {
                name: "T-Mobile".into(),
                gateway: "tmomail.net".into(),
                active: true,
            },
        );
        extra.insert(
            "acme".to_string(),
            CarrierConfig {
                name: "Acme Mobile".into(),
                gateway: "sms.acme.example".into(),
                active: true,
            },
        );
        let all = carriers(&extra);
        assert_eq!(all.len(), builtin_carriers().len() + 1);
        assert_eq!(all[0].id, "acme");
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        assert!(all.iter().find(|c| c.id == "tmobile").unwrap().active);
        assert_eq!(carriers(&BTreeMap::new()), builtin_carriers());
    }

    #[test]
    fn carriers_found_by_id_or_name() {
        let all = builtin_carriers();
        let id = |input: &str| find_carrier(&all, input).map(|c| c.id.as_str());
        for input in ["T-Mobile", "tmobile", "t mobile", "TMOBILE", " T-Mobile "] {
            assert_eq!(id(input), Some("tmobile"), "{input}");
        }
        assert_eq!(id("AT&T"), Some("att"));
        assert_eq!(id("at&t"), Some("att"));
        assert_eq!(id("Google Fi"), Some("googlefi"));
        assert_eq!(id("Metro by T-Mobile"), Some("metropcs"));
        assert_eq!(id("metropcs"), Some("metropcs"));
        assert_eq!(id("Consumer Cellular"), Some("consumercellular"));
        assert_eq!(id("US Cellular"), Some("uscellular"));
        assert_eq!(id("nope"), None);
        assert_eq!(id(""), None);
        assert_eq!(id("-"), None);
    }

    #[test]
    fn the_completions_offer_every_builtin_carrier() {
        let ids: Vec<String> = builtin_carriers().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, crate::cli::CARRIER_IDS);
    }

    #[test]
    fn carriers_serialize_with_stable_names() {
        let v = serde_json::to_value(&builtin_carriers()[0]).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id": "att", "name": "AT&T", "gateway": "txt.att.net", "active": false})
        );
    }

    // -- printable --------------------------------------------------------

    #[test]
    fn printable_strips_escape_sequences() {
        assert_eq!(printable("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(printable("\u{1b}[1;31;48;5;200mx"), "x");
        assert_eq!(printable("\u{1b}]0;evil title\u{7}ok"), "ok");
        assert_eq!(
            printable("\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(printable("\u{1b}Pq#0;2;0;0;0\u{1b}\\after"), "after");
        assert_eq!(printable("a\u{9b}31mb"), "ab");
        assert_eq!(printable("\u{1b}(Bplain"), "plain");
        assert_eq!(printable("\u{1b}creset"), "reset");
        assert_eq!(printable("end\u{1b}"), "end");
        assert_eq!(printable("unterminated\u{1b}]0;title"), "unterminated");
    }

    #[test]
    fn printable_removes_controls_and_keeps_unicode() {
        assert_eq!(printable("José Ñúñez 中文 🙂"), "José Ñúñez 中文 🙂");
        assert_eq!(printable("a\tb\nc\r\nd"), "a b c  d");
        assert_eq!(printable("bell\u{7}del\u{7f}nul\u{0}"), "belldelnul");
        assert_eq!(printable("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(printable("x\u{2066}y\u{2069}"), "xy");
        assert_eq!(printable("line\u{2028}break"), "line break");
        assert_eq!(printable(""), "");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn printable_output_has_no_controls(s in any::<String>()) {
                let out = printable(&s);
                prop_assert!(!out.chars().any(is_unprintable), "{:?}", out);
            }

            #[test]
            fn parsers_never_panic_and_errors_are_clean(s in any::<String>()) {
                for r in [parse_phone(&s, "US").err(), email(&s).err()].into_iter().flatten() {
                    let m = r.to_string();
                    prop_assert!(!m.chars().any(is_unprintable), "{:?}", m);
                }
                if let Err(m) = validate_username(&s) {
                    prop_assert!(!m.chars().any(is_unprintable), "{:?}", m);
                }
                let _ = (mask_phone(&s), mask_email(&s), national_digits(&s));
            }

            #[test]
            fn typed_numbers_are_normalized(
                sep in prop::sample::select(vec![" ", "-", ".", ""]),
                area in 200u32..1000, exchange in 200u32..1000, line in 0u32..10_000,
            ) {
                let digits = format!("{area}{exchange}{line:04}");
                let typed = format!("({area}){sep}{exchange}{sep}{line:04}");
                if let Ok(e164) = parse_phone(&typed, "US") {
                    prop_assert_eq!(&e164, &format!("+1{digits}"));
                    prop_assert_eq!(parse_phone(&e164, "GB").ok(), Some(e164.clone()));
                    prop_assert_eq!(national_digits(&e164), Some(digits));
                }
            }
        }
    }
}
