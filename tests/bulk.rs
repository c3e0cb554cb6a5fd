//! Issue 4: import, export, purge, stats, audit.

use std::io::Write;
use std::path::PathBuf;

use crate::common::TestEnv;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn count(env: &TestEnv, table: &str) -> u64 {
    env.sql(&format!("SELECT count(*) FROM {table}"))
        .parse()
        .unwrap()
}

/// Writes `rows` generated rows (distinct valid US numbers and emails, or only
/// names when `contacts` is false, which is quicker) after a header, then `last`
/// verbatim if given; returns the path.
fn generate(env: &TestEnv, name: &str, rows: usize, contacts: bool, last: Option<&[u8]>) -> String {
    let path = env.path(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "username,name,phone,carrier,email").unwrap();
    for i in 0..rows {
        if !contacts {
            writeln!(f, "user{i},User {i},,,").unwrap();
            continue;
        }
        writeln!(
            f,
            "user{i},User {i},+1617{:07},,user{i}@example.com",
            4_320_000 + i
        )
        .unwrap();
    }
    if let Some(l) = last {
        f.write_all(l).unwrap();
    }
    f.flush().unwrap();
    path.display().to_string()
}

/// The one SafeCode in a dry-run message.
fn code_in(stdout: &str) -> String {
    stdout
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

#[test]
fn import_reads_bom_crlf_quotes_and_columns_in_any_order() {
    let env = TestEnv::new();
    let j = env
        .run(["--json", "import", &fixture("import-bom-crlf.csv")])
        .ok()
        .json();
    assert_eq!(j["created"], 3);
    assert_eq!(j["rejected"], 0);
    let ann = env.run(["--json", "user", "show", "ann"]).ok().json();
    assert_eq!(ann["name"], "Smith, Ann");
    assert_eq!(ann["phone"]["number"], "+16174322000");
    assert_eq!(ann["phone"]["carrier"], "verizon");
    assert_eq!(ann["phone"]["confirmed"], true);
    assert_eq!(ann["email"]["address"], "ann@gmail.com");
    assert_eq!(ann["state"], "enrolled");
    let bob = env.run(["--json", "user", "show", "bob"]).ok().json();
    assert_eq!(bob["name"], "Bob \"the builder\"");
    assert_eq!(bob["phone"]["number"], "+447400123456");
    let cat = env.run(["--json", "user", "show", "cat"]).ok().json();
    assert_eq!(cat["email"]["preferred"], true);
    // One summary audit row, and one per contact the import vouched for.
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'import'"),
        "1"
    );
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'contact.add'"),
        env.sql("SELECT count(*) FROM contacts")
    );
}

#[test]
fn import_reads_stdin() {
    let env = TestEnv::new();
    env.run(["import", "-"])
        .stdin("username,phone\r\nzed,617-432-2000\r\n")
        .ok()
        .stdout_has("created 1");
    assert_eq!(count(&env, "contacts"), 1);
}

#[test]
fn bad_rows_are_each_reported_and_nothing_is_written() {
    let env = TestEnv::new();
    let d = env.run(["import", &fixture("import-bad-rows.csv")]).code(6);
    d.stderr_has("5 of 7 rows invalid, nothing was written")
        .stderr_has("--skip-invalid");
    d.stdout_has("line 3: phone: `12` is not a valid phone number")
        .stdout_has("line 4: email:")
        .stdout_has("hms.harvard.edu")
        .stdout_has("line 5: username: `dan` appears on an earlier line")
        .stdout_has("line 6: has 3 fields, the header has 5")
        .stdout_has("line 7: phone:")
        .stdout_lacks("line 2:")
        .stdout_lacks("line 8:");
    // All or nothing: the valid rows 2 and 8 were rolled back too.
    assert_eq!(count(&env, "users"), 0);
    assert_eq!(count(&env, "contacts"), 0);
    assert_eq!(
        env.sql("SELECT count(*) FROM audit WHERE action = 'import'"),
        "0"
    );
}

#[test]
fn skip_invalid_writes_the_valid_rows_and_check_writes_nothing() {
    let env = TestEnv::new();
    let j = env
        .run([
            "--json",
            "import",
            "--check",
            &fixture("import-bad-rows.csv"),
        ])
        .code(6)
        .json();
    assert_eq!(j["rejected"], 5);
    assert_eq!(j["created"], 2);
    assert_eq!(j["written"], false);
    assert_eq!(count(&env, "users"), 0);
    env.run(["import", "--check", &fixture("import-bom-crlf.csv")])
        .ok()
        .stdout_has("nothing written");
    assert_eq!(count(&env, "users"), 0);

    let j = env
        .run([
            "--json",
            "import",
            "--skip-invalid",
            &fixture("import-bad-rows.csv"),
        ])
        .ok()
        .json();
    assert_eq!(j["written"], true);
    assert_eq!(j["problems_total"], 5);
    assert_eq!(
        env.sql("SELECT group_concat(username) FROM (SELECT username FROM users ORDER BY 1)"),
        "dan,ivy"
    );
}

#[test]
fn file_level_problems_name_what_is_wrong() {
    let env = TestEnv::new();
    env.run(["import", &fixture("empty.csv")])
        .code(6)
        .stderr_has("empty");
    env.run(["import", &fixture("header-only.csv")])
        .code(6)
        .stderr_has("header but no rows");
    env.run(["import", &fixture("no-header.csv")])
        .code(6)
        .stderr_has("line 1: unknown columns `ann`")
        .stderr_has("hint: the first line must name the columns");
    env.run(["import", &fixture("unknown-columns.csv")])
        .code(6)
        .stderr_has("`mobile`, `department`");
    env.run(["import", &fixture("no-username.csv")])
        .code(6)
        .stderr_has("no `username` column");
    env.run(["import", "no-such-file.csv"]).code(3);
    assert_eq!(count(&env, "users"), 0);
}

#[test]
fn invalid_utf8_deep_in_the_file_is_reported_by_line() {
    let env = TestEnv::new();
    // Header is line 1, so generated row k is line k + 2; the bad row is line 40,000.
    let f = generate(
        &env,
        "utf8.csv",
        39_998,
        false,
        Some(b"bad,Caf\xe9 Bar,,,\n"),
    );
    env.run(["import", &f])
        .code(6)
        .stdout_has("line 40000: name: invalid UTF-8")
        .stderr_has("1 of 39999 rows invalid");
    assert_eq!(count(&env, "users"), 0);
}

#[test]
fn a_ten_megabyte_field_is_reported_not_stored() {
    let env = TestEnv::new();
    let path = env.path("huge.csv");
    let mut data = b"username,name\nann,\"".to_vec();
    data.extend(std::iter::repeat_n(b'x', 10 << 20));
    data.extend(b"\"\nbob,Bob\n");
    std::fs::write(&path, data).unwrap();
    env.run(["import", path.to_str().unwrap()])
        .code(6)
        .stdout_has("line 2: name: longer than 1024 bytes (10485760 bytes)");
    assert_eq!(count(&env, "users"), 0);
}

#[test]
fn a_bad_last_row_of_a_large_file_writes_nothing() {
    // The issue asks for 1,000,000 rows; the debug-build test uses 50,000 to stay
    // quick on a shared machine. scripts/bench-import.sh runs the full million.
    let env = TestEnv::new();
    let f = generate(
        &env,
        "large.csv",
        50_000,
        true,
        Some(b"last,Last,+1 555 0100,,\n"),
    );
    env.run(["import", &f])
        .code(6)
        .stdout_has("line 50002: phone:");
    assert_eq!(count(&env, "users"), 0);
    assert_eq!(count(&env, "contacts"), 0);
}

#[test]
fn changing_a_confirmed_contact_needs_replace_contacts() {
    let env = TestEnv::new();
    env.enrolled("ann");
    let csv = "username,phone\nann,617-432-2999\n";
    env.run(["import", "-"])
        .stdin(csv)
        .code(6)
        .stdout_has("line 2: phone: would replace a confirmed contact")
        .stdout_has("--replace-contacts");
    assert_eq!(env.sql("SELECT address FROM contacts"), "+16174322000");
    env.run(["import", "--replace-contacts", "-"])
        .stdin(csv)
        .ok()
        .stdout_has("updated 1");
    assert_eq!(env.sql("SELECT address FROM contacts"), "+16174322999");
    // The replacement is audited with the old address.
    env.sql("SELECT detail FROM audit WHERE action = 'contact.replace'")
        .contains("+16174322000 -> +16174322999")
        .then_some(())
        .unwrap();
    // Empty cells leave fields unchanged.
    env.run(["import", "-"])
        .stdin("username,name,phone,email\nann,,,\n")
        .ok()
        .stdout_has("unchanged 1");
}

#[test]
fn unconfirmed_imports_wait_for_confirmation() {
    let env = TestEnv::new();
    env.run(["import", "--unconfirmed", "-"])
        .stdin("username,phone\nann,617-432-2000\n")
        .ok();
    let j = env.run(["--json", "user", "show", "ann"]).ok().json();
    assert_eq!(j["phone"]["confirmed"], false);
    assert_ne!(j["state"], "enrolled");
}

#[test]
fn export_then_import_changes_nothing_and_formulas_are_neutralised() {
    let env = TestEnv::new();
    env.run(["import", "-"])
        .stdin(
            "username,name,phone,carrier,email\n\
             ann,=HYPERLINK(\"http://x\"),617-432-2000,verizon,ann@gmail.com\n\
             bob,@SUM(A1),+44 7400 123456,,\n\
             cat,Cat,,,cat@partners.org\n",
        )
        .ok();
    env.run(["user", "add", "dee"]).ok();
    let csv = env.run(["export"]).ok().stdout.clone();
    assert!(
        csv.starts_with("username,name,phone,carrier,email,phone_confirmed,email_confirmed\n"),
        "{csv}"
    );
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'@SUM(A1)"), "{csv}");
    assert!(
        csv.contains(",+16174322000,verizon,ann@gmail.com,yes,yes\n"),
        "phones stay as data: {csv}"
    );
    let j = env.run(["--json", "import", "-"]).stdin(&csv).ok().json();
    assert_eq!(j["unchanged"], 4, "{j}");
    assert_eq!(j["updated"], 0);
    assert_eq!(j["created"], 0);
    let ann = env.run(["--json", "user", "show", "ann"]).ok().json();
    assert_eq!(ann["name"], "=HYPERLINK(\"http://x\")");

    let j = env.run(["export", "--format", "json"]).ok().json();
    assert_eq!(j.as_array().unwrap().len(), 4);
    assert_eq!(j[0]["username"], "ann");
    assert_eq!(j[0]["phone"]["confirmed"], true);
}

#[test]
fn purge_keeps_a_live_code_that_still_verifies() {
    let env = TestEnv::new();
    env.enrolled("ann").enrolled("bob");
    // An old, used code and an expired one for bob; an open reset window for ann
    // comes later; a live code for ann is issued now.
    env.run(["--dry-run", "issue", "bob"]).ok();
    env.sql("UPDATE codes SET state = 'used', closed_at = 1000");
    env.run(["--dry-run", "issue", "bob"]).ok();
    env.sql("UPDATE codes SET expires_at = 1000 WHERE state = 'live'");
    env.sql(
        "INSERT INTO reset_windows (user_id, opened_at, expires_at, used_at) \
         SELECT id, 900, 1000, NULL FROM users WHERE username = 'bob'",
    );
    let out = env.run(["--dry-run", "issue", "ann"]).ok().stdout.clone();
    let code = code_in(&out);
    assert_eq!(count(&env, "codes"), 3);
    let j = env.run(["--json", "purge"]).ok().json();
    assert_eq!(j["codes"], 2);
    assert_eq!(j["reset_windows"], 1);
    assert_eq!(count(&env, "codes"), 1);
    env.run(["verify", "ann", &code]).ok();
    // The window just opened by verify is open: purge keeps it.
    env.run(["-q", "purge"]).ok();
    assert_eq!(env.run(["-q", "purge"]).ok().stdout, "");
    assert_eq!(count(&env, "reset_windows"), 1);
    env.sql("SELECT detail FROM audit WHERE action = 'purge' ORDER BY id LIMIT 1")
        .contains("codes 2, reset windows 1")
        .then_some(())
        .unwrap();
}

#[test]
fn purge_older_than_keeps_recently_closed_codes() {
    let env = TestEnv::new();
    env.enrolled("ann");
    env.run(["--dry-run", "issue", "ann"]).ok();
    env.run(["--dry-run", "issue", "ann"]).ok(); // voids the first one now
    let j = env
        .run(["--json", "purge", "--older-than", "1h"])
        .ok()
        .json();
    assert_eq!(j["codes"], 0);
    env.run(["purge", "--older-than", "soon"]).code(2);
}

#[test]
fn purge_during_an_import_changes_nothing_in_use() {
    let env = TestEnv::new();
    env.enrolled("ann");
    let out = env.run(["--dry-run", "issue", "ann"]).ok().stdout.clone();
    let code = code_in(&out);
    let f = generate(&env, "concurrent.csv", 3_000, true, None);
    let import = env.command().args(["import", &f]).spawn().unwrap();
    for _ in 0..3 {
        env.run(["-q", "purge"]).ok();
    }
    let st = import.wait_with_output().unwrap();
    assert!(st.status.success());
    assert_eq!(count(&env, "users"), 3_001);
    env.run(["verify", "ann", &code]).ok();
}

#[test]
fn audit_verify_catches_a_row_changed_with_sqlite3() {
    let env = TestEnv::new();
    env.enrolled("ann");
    env.run(["skip", "bob"]).code(3);
    env.run(["user", "add", "bob"]).ok();
    env.run(["audit", "--verify"]).ok().stdout_has("intact");
    env.sql("UPDATE audit SET detail = 'nothing to see' WHERE id = 2");
    env.run(["audit", "--verify"])
        .code(1)
        .stderr_has("audit row 2")
        .stderr_has("changed");
    env.sql("UPDATE audit SET detail = NULL WHERE id = 2");
}

#[test]
fn audit_verify_catches_a_deleted_row_and_passes_after_purging_old_rows() {
    let env = TestEnv::new();
    for u in ["ann", "bob", "cat"] {
        env.run(["user", "add", u]).ok();
    }
    // Purging old audit rows removes a prefix; the chain still verifies.
    let j = env
        .run(["--json", "purge", "--audit-older-than", "1d"])
        .faketime("+401d")
        .ok()
        .json();
    // All four are old; the newest stays, for the chain to go on from.
    assert_eq!(j["audit_rows"], 3);
    env.run(["audit", "--verify"]).ok();
    env.run(["user", "add", "dee"]).ok();
    env.run(["user", "add", "eve"]).ok();
    env.run(["audit", "--verify"]).ok();
    // Deleting a row in the middle breaks the chain.
    let mid = env.sql("SELECT min(id) + 1 FROM audit");
    env.sql(&format!("DELETE FROM audit WHERE id = {mid}"));
    env.run(["audit", "--verify"])
        .code(1)
        .stderr_has("does not follow");
}

#[test]
fn audit_lists_newest_first_by_user_and_since() {
    let env = TestEnv::new();
    env.run(["user", "add", "ann"]).ok();
    env.run(["user", "add", "bob"]).ok();
    let j = env.run(["--json", "audit", "ann"]).ok().json();
    let rows = j.as_array().unwrap();
    assert!(rows.iter().all(|r| r["username"] == "ann"), "{j}");
    assert!(!rows.is_empty());
    let j = env.run(["--json", "audit", "--limit", "2"]).ok().json();
    assert_eq!(j.as_array().unwrap().len(), 2);
    assert_eq!(j[0]["username"], "bob");
    env.run(["audit", "--since", "1h"])
        .ok()
        .stdout_has("user.add");
    env.run(["audit", "--since", "x"]).code(2);
}

#[test]
fn stats_counts_users_contacts_and_codes() {
    let env = TestEnv::new();
    env.enrolled("ann");
    env.run(["user", "add", "bob"]).ok();
    env.run(["--dry-run", "issue", "ann"]).ok();
    env.run(["verify", "ann", "000000"]).code(7);
    let j = env.run(["--json", "stats"]).ok().json();
    assert_eq!(j["users"]["enrolled"], 1);
    assert_eq!(j["users"]["may_skip"], 1);
    assert_eq!(j["last_24h"]["issued"], 1);
    assert_eq!(j["last_24h"]["rejected"], 1);
    assert_eq!(j["last_30d"]["verified"], 0);
    assert_eq!(j["contacts"][0]["channel"], "sms");
    let p = env.run(["stats", "--prometheus"]).ok().stdout.clone();
    assert!(p.contains("# HELP safecode_users "), "{p}");
    assert!(p.contains("# TYPE safecode_users gauge"), "{p}");
    assert!(p.contains("safecode_users{state=\"enrolled\"} 1"), "{p}");
    assert!(p.contains("safecode_codes_issued{window=\"24h\"} 1"), "{p}");
    assert!(
        p.contains("safecode_contacts{channel=\"sms\",carrier=\"\",confirmed=\"true\"} 1"),
        "{p}"
    );
    env.run(["stats"]).ok().stdout_has("must register");
}
