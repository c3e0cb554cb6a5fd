//! `code::normalize_input`, which reads what a person typed back, and `generate`.
//!
//! Input: the first byte is the code length (any u8, so out-of-range lengths are
//! exercised too), the rest is the typed text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::code;

fuzz_target!(|data: &[u8]| {
    let Some((&len, rest)) = data.split_first() else {
        return;
    };
    let typed = String::from_utf8_lossy(rest);
    match code::normalize_input(&typed, len) {
        Ok(c) => {
            assert_eq!(c.len(), usize::from(len));
            assert!(c.as_str().bytes().all(|b| b.is_ascii_digit()));
            let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(c.as_str(), digits);
        }
        Err(m) => assert!(!m.chars().any(char::is_control), "{m:?}"),
    }
    if let Ok(c) = code::generate(len) {
        assert_eq!(c.len(), usize::from(len));
        assert!(code::normalize_input(c.as_str(), len).is_ok());
    }
});
