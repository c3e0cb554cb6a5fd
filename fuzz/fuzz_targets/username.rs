//! `contact::validate_username` and `contact::printable`, the two things done to
//! every username that arrives from a CSV file or a command line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::contact;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);

    let clean = contact::printable(&s);
    assert!(
        !clean.chars().any(|c| c.is_control()
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
        "printable({s:?}) = {clean:?}"
    );
    // Cleaning is idempotent: clean text passes through unchanged.
    assert_eq!(contact::printable(&clean), clean);

    match contact::validate_username(&s) {
        Ok(()) => {
            assert!((1..=contact::USERNAME_MAX).contains(&s.len()), "{s:?}");
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')),
                "{s:?}"
            );
            assert_eq!(clean, *s);
        }
        Err(m) => assert!(!m.chars().any(char::is_control), "{m:?}"),
    }
});
