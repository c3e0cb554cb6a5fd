//! `contact::parse_email` and `mask_email`.
//!
//! Input: `ADDRESS`, optionally followed by a line of comma-separated institution
//! domains and a line of preferred domains; without them the default policy's lists
//! are used.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::config::Policy;
use safecode::contact::{self, ContactError};

fn list(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let input = lines.next().unwrap_or_default();
    let defaults = Policy::default();
    let institution = lines.next().map_or(defaults.institution_domains, list);
    let preferred = lines.next().map_or(defaults.preferred_domains, list);

    let _ = contact::mask_email(input);

    let email = match contact::parse_email(input, &institution, &preferred) {
        Ok(email) => email,
        Err(ContactError::Invalid(m) | ContactError::Institution(m)) => {
            // Messages quote the input; they must be safe to print on one line.
            assert!(!m.chars().any(char::is_control), "{m:?}");
            return;
        }
    };
    let address = &email.address;
    assert!(address.len() <= 254, "{address:?}");
    assert_eq!(address.matches('@').count(), 1, "{address:?}");
    assert!(!address.chars().any(|c| c.is_whitespace() || c.is_control()));
    let (_, domain) = address.split_once('@').unwrap_or_default();
    assert!(domain.is_ascii() && domain.contains('.'), "{address:?}");
    assert_eq!(domain, domain.to_ascii_lowercase(), "{address:?}");
    // The stored form parses to itself with the same verdict.
    assert_eq!(
        contact::parse_email(address, &institution, &preferred),
        Ok(email.clone()),
        "{input:?} gave {address:?}, which does not parse to itself"
    );
    let masked = contact::mask_email(address);
    assert!(masked.contains("***@"), "{masked:?}");
});
