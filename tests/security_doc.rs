//! SECURITY.md promises a test for every requirement: check that each test it
//! names exists, so the table cannot silently rot.

use std::path::Path;

fn source_of(module: &str) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in [
        root.join("tests").join(format!("{module}.rs")),
        root.join("src").join(format!("{module}.rs")),
    ] {
        if let Ok(s) = std::fs::read_to_string(p) {
            return Some(s);
        }
    }
    None
}

#[test]
fn every_test_named_in_security_md_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("SECURITY.md")).unwrap();
    let mut checked = 0;
    let mut missing = Vec::new();
    // `module::test` in the integration tests, and `src/<file>.rs name, name` unit tests.
    for cell in doc.split('`').skip(1).step_by(2) {
        if let Some((module, test)) = cell.split_once("::") {
            if ["module", "fuzz_regressions", "subtle"].contains(&module) {
                continue;
            }
            let src = source_of(module).unwrap_or_default();
            if !src.contains(&format!("fn {test}(")) {
                missing.push(cell.to_string());
            }
            checked += 1;
        }
    }
    for line in doc.lines() {
        for part in line.split("`src/").skip(1) {
            let Some((file, rest)) = part.split_once(".rs ") else {
                continue;
            };
            let src = source_of(file).unwrap_or_default();
            for name in rest.split('`').next().unwrap_or("").split([',', ' ']) {
                let name = name.trim();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
                {
                    continue;
                }
                if !src.contains(&format!("fn {name}(")) && !src.contains(&format!("fn {name}<")) {
                    missing.push(format!("src/{file}.rs {name}"));
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} test names found in SECURITY.md"
    );
    assert!(
        missing.is_empty(),
        "SECURITY.md names tests that do not exist: {missing:?}"
    );
}
