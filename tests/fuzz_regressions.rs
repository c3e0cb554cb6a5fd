//! Inputs the fuzzers (fuzz/, `scripts/fuzz.sh`) once crashed on, kept so the fix
//! stays fixed. Each lives under tests/fixtures/fuzz/<target>/ in the fuzz target's
//! own input format (see fuzz/README.md); every file there is replayed through the
//! same function the target calls, so a new crashing input only needs copying in.
//! The fuzzers' seed inputs (fuzz/seeds/<target>/) are replayed too, so the harness
//! itself is exercised while no crash has been found.

use std::path::PathBuf;

use safecode::config::{Config, parse_duration};
use safecode::{code, contact};

/// Every regression input and seed for one fuzz target, as (path, bytes).
fn fixtures(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out: Vec<(String, Vec<u8>)> = ["tests/fixtures/fuzz", "fuzz/seeds"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(root.join(dir).join(target)).ok())
        .flatten()
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| !name.ends_with(".gitkeep"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no inputs for fuzz target {target}");
    out
}

#[test]
fn duration_fixtures() {
    for (name, data) in fixtures("duration") {
        let text = String::from_utf8_lossy(&data);
        if let Ok(secs) = parse_duration(&text) {
            assert_eq!(parse_duration(&format!("{}s", secs.0)), Ok(secs), "{name}");
        }
    }
}

#[test]
fn config_fixtures() {
    for (_, data) in fixtures("config") {
        if let Ok(cfg) = toml::from_str::<Config>(&String::from_utf8_lossy(&data)) {
            let _ = cfg.validate();
        }
    }
}

#[test]
fn phone_fixtures() {
    for (name, data) in fixtures("phone") {
        let text = String::from_utf8_lossy(&data);
        let (region, number) = text.split_once('\n').unwrap_or(("US", &text));
        let _ = (
            contact::mask_phone(number),
            contact::national_digits(number),
        );
        if let Ok(e164) = contact::parse_phone(number, region) {
            assert_eq!(
                contact::parse_phone(&e164, region).as_deref(),
                Ok(e164.as_str()),
                "{name}"
            );
        }
    }
}

#[test]
fn email_fixtures() {
    let policy = safecode::config::Policy::default();
    for (name, data) in fixtures("email") {
        let text = String::from_utf8_lossy(&data);
        let input = text.lines().next().unwrap_or_default();
        let _ = contact::mask_email(input);
        if let Ok(email) = contact::parse_email(
            input,
            &policy.institution_domains,
            &policy.preferred_domains,
        ) {
            assert!(email.address.len() <= 254, "{name}");
        }
    }
}

#[test]
fn username_fixtures() {
    for (name, data) in fixtures("username") {
        let text = String::from_utf8_lossy(&data);
        let clean = contact::printable(&text);
        assert_eq!(contact::printable(&clean), clean, "{name}");
        let _ = contact::validate_username(&text);
    }
}

#[test]
fn code_input_fixtures() {
    for (name, data) in fixtures("code_input") {
        let Some((&len, rest)) = data.split_first() else {
            continue;
        };
        if let Ok(c) = code::normalize_input(&String::from_utf8_lossy(rest), len) {
            assert_eq!(c.len(), usize::from(len), "{name}");
        }
    }
}
