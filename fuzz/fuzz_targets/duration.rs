//! `config::parse_duration`, used for every duration in the config file and on the
//! command line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::config::parse_duration;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    match parse_duration(&s) {
        Ok(secs) => {
            // A bare number is never accepted: its unit would be a guess.
            let t = s.trim();
            assert!(
                !t.is_empty() && !t.bytes().all(|b| b.is_ascii_digit()),
                "{s:?}"
            );
            assert!(secs.as_i64() >= 0);
            // The canonical `<n>s` spelling reads back as the same duration.
            assert_eq!(parse_duration(&format!("{}s", secs.0)), Ok(secs), "{s:?}");
        }
        Err(m) => assert!(!m.is_empty()),
    }
});
