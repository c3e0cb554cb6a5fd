//! Config parsing: the TOML text deserialised into `Config` and range-checked, as
//! `Config::load` does, including its merge-then-reserialise path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safecode::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = toml::from_str::<Config>(text) {
        let _ = cfg.validate();
    }
    // Config::load merges files as tables, writes the merge back out and parses that.
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        let again = toml::to_string(&table).unwrap_or_default();
        if let Ok(cfg) = toml::from_str::<Config>(&again) {
            let _ = cfg.validate();
        }
    }
});
