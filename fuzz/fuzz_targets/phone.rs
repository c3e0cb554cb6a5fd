//! `contact::parse_phone` and the masking of what it returns.
//!
//! Input: `REGION\nNUMBER`, or just `NUMBER` for region US. Text, so seeds and
//! crashing inputs stay readable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::contact;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (region, number) = text.split_once('\n').unwrap_or(("US", &text));

    // Masking takes whatever is in the database, not only parse_phone's output.
    let _ = contact::mask_phone(number);
    let _ = contact::national_digits(number);

    let Ok(e164) = contact::parse_phone(number, region) else {
        return;
    };
    let digits = e164
        .strip_prefix('+')
        .unwrap_or_else(|| panic!("{e164:?} lacks +"));
    assert!(
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{number:?} ({region:?}) gave {e164:?}, not E.164"
    );
    // What is stored must parse to itself, whatever the region: it is re-read on
    // import/export and when an agent pastes it back.
    assert_eq!(
        contact::parse_phone(&e164, region).as_deref(),
        Ok(e164.as_str()),
        "{number:?} ({region:?}) gave {e164:?}, which does not parse to itself"
    );
    let national =
        contact::national_digits(&e164).unwrap_or_else(|| panic!("no national digits in {e164:?}"));
    assert!(e164.ends_with(&national));
    let masked = contact::mask_phone(&e164);
    assert!(
        masked.starts_with('+') && masked.contains("***"),
        "{masked:?}"
    );
});
