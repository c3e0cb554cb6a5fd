//! CSV import rows: arbitrary bytes read as an import file (SPEC §4: a header row,
//! columns `username`, `name`, `phone`, `carrier`, `email` in any order), each row
//! validated field by field.
//!
//! The real per-row validator is `safecode::cmd::enroll::validate`, which is
//! `pub(crate)`, and the import command that will use it is still being written.
//! `validate_row` below mirrors it on the public `contact` functions; switch to the
//! import command's row validator once `safecode::cmd` exposes one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::config::Config;
use safecode::contact::{self, Carrier};

const COLUMNS: [&str; 5] = ["username", "name", "phone", "carrier", "email"];

/// Problems with one row, as `(column, message)`, or nothing if it is valid.
fn validate_row(
    fields: &[Option<&str>; 5],
    cfg: &Config,
    carriers: &[Carrier],
) -> Vec<(&'static str, String)> {
    let [username, name, phone, carrier, email] = fields.map(|f| f.map(str::trim));
    let mut errors = Vec::new();
    match username {
        Some(u) => {
            if let Err(e) = contact::validate_username(u) {
                errors.push(("username", e));
            }
        }
        None => errors.push(("username", "missing".into())),
    }
    if let Some(n) = name {
        // Names are stored as given but always printed cleaned.
        let _ = contact::printable(n);
    }
    let carrier = carrier.filter(|c| !c.is_empty());
    let carrier_found = carrier.map(|c| contact::find_carrier(carriers, c));
    if let Some(None) = carrier_found {
        errors.push(("carrier", "unknown carrier".into()));
    }
    match phone.filter(|p| !p.is_empty()) {
        Some(p) => match contact::parse_phone(p, &cfg.default_region) {
            Ok(e164) => {
                let _ = contact::mask_phone(&e164);
                if let Some(Some(c)) = carrier_found {
                    let digits = contact::national_digits(&e164).unwrap_or_default();
                    let _ = format!("{digits}@{}", c.gateway);
                }
            }
            Err(e) => errors.push(("phone", e.to_string())),
        },
        None if carrier.is_some() => errors.push(("carrier", "a carrier needs a phone".into())),
        None => {}
    }
    if let Some(e) = email.filter(|e| !e.is_empty()) {
        match contact::parse_email(
            e,
            &cfg.policy.institution_domains,
            &cfg.policy.preferred_domains,
        ) {
            Ok(em) => {
                let _ = contact::mask_email(&em.address);
            }
            Err(e) => errors.push(("email", e.to_string())),
        }
    }
    for (_, message) in &errors {
        // Reported as `line N: <column>: <problem>`, one line each.
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
    errors
}

fuzz_target!(|data: &[u8]| {
    let cfg = Config::default();
    let carriers = contact::carriers(&cfg.carriers);
    // BOM tolerated, as the import command promises.
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let Ok(header) = reader.byte_headers().cloned() else {
        return;
    };
    let mut index = [None; 5];
    for (i, h) in header.iter().enumerate() {
        let Ok(h) = std::str::from_utf8(h) else {
            return;
        };
        match COLUMNS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(h.trim()))
        {
            Some(col) => index[col] = Some(i),
            // Unknown columns are an error for the whole file.
            None => return,
        }
    }
    let mut record = csv::ByteRecord::new();
    // A bounded number of rows keeps each execution fast.
    for _ in 0..64 {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
        let mut fields = [None; 5];
        let mut utf8 = true;
        for (slot, i) in fields.iter_mut().zip(index) {
            *slot = match i.and_then(|i| record.get(i)).map(std::str::from_utf8) {
                None => None,
                Some(Ok(s)) => Some(s),
                Some(Err(_)) => {
                    utf8 = false;
                    None
                }
            };
        }
        if utf8 {
            let _ = validate_row(&fields, &cfg, &carriers);
        }
    }
});
