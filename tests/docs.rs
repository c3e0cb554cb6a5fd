//! Docs issue: generated completions and man pages, `--help`, the example
//! configuration and `doctor`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use safecode::cmd::generate::REFRESH;

use crate::common::{TestEnv, mode};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Regenerates `what` into a temp directory and names the checked-in files that
/// differ, are missing or are left over.
fn stale(what: &str) -> Vec<String> {
    let env = TestEnv::bare();
    let out = env.path(what);
    std::fs::create_dir(&out).unwrap();
    env.run(["generate", what, out.to_str().unwrap()]).ok();
    let fresh = files_in(&out);
    let checked_in = files_in(&repo().join(what));
    assert!(!fresh.is_empty(), "generate {what} wrote nothing");
    let mut names: Vec<&String> = fresh.keys().chain(checked_in.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| fresh.get(*n) != checked_in.get(*n))
        .map(|n| format!("{what}/{n}"))
        .collect()
}

#[test]
fn checked_in_completions_and_man_pages_are_current() {
    let mut stale_files = stale("completions");
    stale_files.extend(stale("man"));
    assert!(
        stale_files.is_empty(),
        "generated files are stale ({}); run: {REFRESH}",
        stale_files.join(", ")
    );
}

#[test]
fn man_pages_have_the_reference_sections() {
    let top = std::fs::read_to_string(repo().join("man/safecode.1")).unwrap();
    for section in [
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(top.contains(section), "safecode.1 lacks {section}");
    }
    for text in [
        "SAFECODE_DB",
        "SAFECODE_SMTP_PASSWORD",
        "/etc/safecode/config.toml",
    ] {
        assert!(top.contains(text), "safecode.1 lacks {text}");
    }
    assert!(
        top.contains("safecode\\-issue"),
        "SEE ALSO lacks the subcommands"
    );
    for page in [
        "safecode-issue.1",
        "safecode-user-add.1",
        "safecode-doctor.1",
    ] {
        let text = std::fs::read_to_string(repo().join("man").join(page)).unwrap();
        assert!(text.contains(".SH \"SEE ALSO\""), "{page} lacks SEE ALSO");
    }
    let issue = std::fs::read_to_string(repo().join("man/safecode-issue.1")).unwrap();
    assert!(issue.contains(".SH EXAMPLES"));
    // The hidden generator has no page.
    assert!(!repo().join("man/safecode-generate.1").exists());
}

#[test]
fn man_pages_pass_mandoc_lint() {
    let pages: Vec<PathBuf> = files_in(&repo().join("man"))
        .keys()
        .map(|n| repo().join("man").join(n))
        .collect();
    assert!(pages.len() > 10, "man/ is nearly empty; run: {REFRESH}");
    // STYLE messages (long lines, lower-case titles) are acceptable; WARNING and
    // ERROR are not.
    let out = crate::common::tool("mandoc", "mandoc")
        .args(["-T", "lint", "-W", "warning"])
        .args(&pages)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && report.trim().is_empty(),
        "mandoc -T lint:\n{report}"
    );
}

#[test]
fn every_command_and_flag_has_a_doc_comment() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        if cmd.get_about().is_none() {
            missing.push(format!("command `{path}`"));
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("`{path}` argument `{id}`"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&safecode::cli::Cli::command(), "safecode", &mut missing);
    assert!(missing.is_empty(), "no doc comment: {}", missing.join(", "));
}

#[test]
fn help_of_the_agents_commands_has_examples() {
    let env = TestEnv::bare();
    for cmd in [
        "reset",
        "issue",
        "verify",
        "enroll",
        "import",
        "purge",
        "set-password",
        "confirm",
    ] {
        env.run([cmd, "--help"]).ok().stdout_has("Examples");
    }
}

#[test]
fn help_shows_the_environment_variables() {
    let env = TestEnv::bare();
    for args in [vec!["--help"], vec!["issue", "--help"]] {
        let d = env.run(args).ok();
        // Help is wrapped to the terminal width, possibly inside `[env: …]`.
        let flat = d.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        for var in [
            "[env: SAFECODE_DB",
            "[env: SAFECODE_CONFIG",
            "[env: SAFECODE_DRY_RUN",
            "[env: SAFECODE_ACTOR",
        ] {
            assert!(flat.contains(var), "help lacks {var}: {}", d.stdout);
        }
    }
    // Generated pages carry them too.
    let top = std::fs::read_to_string(repo().join("man/safecode.1")).unwrap();
    assert!(top.contains("May also be specified with the \\fBSAFECODE_DB\\fR"));
}

fn example_config() -> PathBuf {
    repo().join("examples/config.toml")
}

#[test]
fn example_config_loads() {
    let env = TestEnv::bare();
    env.run(["--config", example_config().to_str().unwrap(), "carriers"])
        .ok();
}

#[test]
fn example_config_holds_exactly_the_defaults() {
    use safecode::config::Config;
    let loaded = Config::load(Some(&example_config())).unwrap();
    assert_eq!(
        format!("{loaded:?}"),
        format!("{:?}", Config::default()),
        "examples/config.toml must show every default as it is"
    );
}

#[test]
fn example_config_optional_keys_are_real_keys() {
    // Optional keys are written `#key = value` (no space after `#`; prose comments
    // have one). Uncommented, they must still load: no misspelt key in the example.
    let text = std::fs::read_to_string(example_config()).unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(uncommented, text, "expected some optional keys");
    let env = TestEnv::bare();
    let path = env.path("uncommented.toml");
    std::fs::write(&path, &uncommented).unwrap();
    safecode::config::Config::load(Some(&path))
        .unwrap_or_else(|e| panic!("uncommented example: {e}\n{uncommented}"));
}

#[test]
fn example_schedules_run_purge_and_stats() {
    let crontab = std::fs::read_to_string(repo().join("examples/crontab")).unwrap();
    assert!(crontab.contains("safecode -q purge"));
    assert!(crontab.contains("stats --prometheus"));
    for unit in [
        "safecode-purge.service",
        "safecode-purge.timer",
        "safecode-stats.service",
        "safecode-stats.timer",
    ] {
        let text = std::fs::read_to_string(repo().join("examples/systemd").join(unit)).unwrap();
        let section = if unit.ends_with(".timer") {
            "[Timer]"
        } else {
            "ExecStart="
        };
        assert!(text.contains(section), "{unit} lacks {section}");
    }
}

/// An environment whose delivery checks pass (SMS through a command).
fn healthy() -> TestEnv {
    let env = TestEnv::new();
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    env
}

#[test]
fn doctor_passes_on_a_healthy_installation() {
    let env = healthy();
    env.run(["doctor"])
        .ok()
        .stdout_has("ok    config:")
        .stdout_has("ok    database:")
        .stdout_has("ok    file modes: db 600")
        .stdout_has("ok    schema: version")
        .stdout_has("ok    integrity:")
        .stdout_has("ok    purge:")
        .stdout_has("warn  email delivery:")
        .stdout_has("ok    sms delivery:");
}

#[test]
fn doctor_reports_a_missing_database_as_a_fail_line() {
    let env = TestEnv::bare();
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    env.run(["doctor"])
        .code(1)
        .stdout_has("fail  database:")
        .stdout_has("safecode init")
        .stdout_has("sms delivery")
        .stderr_has("1 check failed");
    assert!(!env.db.exists(), "doctor must not create the database");
}

#[test]
fn doctor_reports_a_world_readable_database_and_still_checks_it() {
    let env = healthy();
    std::fs::set_permissions(&env.db, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    env.run(["doctor"])
        .code(1)
        .stdout_has("fail  file modes: db 644")
        .stdout_has("chmod 600")
        .stdout_has("ok    integrity:");
    assert_eq!(mode(&env.db), 0o644, "doctor only looks");
    let mut wal = env.db.as_os_str().to_owned();
    wal.push("-wal");
    assert!(!Path::new(&wal).exists(), "doctor left a -wal file behind");
}

#[test]
fn doctor_reports_a_broken_config_and_goes_on() {
    let env = TestEnv::new();
    env.config("[policy]\ncode_lenght = 8\n");
    env.run(["doctor"])
        .code(1)
        .stdout_has("fail  config:")
        .stdout_has("code_lenght")
        .stdout_has("ok    integrity:");
}

#[test]
fn doctor_reports_a_file_that_is_not_a_database() {
    let env = TestEnv::bare();
    env.config("[sms]\ncommand = \"/bin/true\"\n");
    std::fs::write(&env.db, "not sqlite at all, just some text\n".repeat(200)).unwrap();
    std::fs::set_permissions(&env.db, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    env.run(["doctor"])
        .code(1)
        .stdout_has("not a safecode database");
}

#[test]
fn doctor_warns_when_purge_is_overdue() {
    let env = healthy();
    env.sql(
        "INSERT INTO users (username, created_at, updated_at) VALUES ('zed', 0, 0);
         INSERT INTO codes (user_id, purpose, channel, destination, salt, digest,
                            created_at, expires_at, state, closed_at)
         VALUES ((SELECT id FROM users WHERE username = 'zed'), 'reset', 'sms',
                 '+16174322000', x'00', x'00', 0, 600, 'used', 60);
         INSERT INTO reset_windows (user_id, opened_at, expires_at)
         VALUES ((SELECT id FROM users WHERE username = 'zed'), 60, 660);",
    );
    env.run(["doctor"])
        .ok()
        .stdout_has("warn  purge: 1 codes and 1 reset windows")
        .stdout_has("cron");
}

#[test]
fn doctor_json_lists_every_check() {
    let env = healthy();
    let v = env.run(["doctor", "--json"]).ok().json();
    assert_eq!(v["ok"], true);
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for n in [
        "config",
        "database",
        "file modes",
        "schema",
        "integrity",
        "purge",
        "email delivery",
        "sms delivery",
    ] {
        assert!(names.contains(&n), "no {n} check in {names:?}");
    }
    for c in v["checks"].as_array().unwrap() {
        assert!(["ok", "warn", "fail"].contains(&c["status"].as_str().unwrap()));
    }

    let bare = TestEnv::bare();
    let v = bare.run(["doctor", "--json"]).code(1).json();
    assert_eq!(v["ok"], false);
}
