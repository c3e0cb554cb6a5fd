//! `safecode doctor`: one line per check (ok / warn / fail) on the configuration,
//! the database file, its modes, schema and integrity, the purge backlog and
//! delivery. Exit 1 when any check fails.
//!
//! Every check runs whatever the others found: a missing or world-readable database
//! is a `fail` line, not an abort, and doctor only reads from the database.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::Ctx;
use crate::clock;
use crate::config::{self, Config};
use crate::contact;
use crate::error;
use crate::send::{self, Check, Status};
use crate::store::{self, Store};

/// Codes closed longer ago than this, still in the database, mean `purge` is not
/// being run (the example cron job runs it every 15 minutes).
const PURGE_OVERDUE_SECS: i64 = 24 * 3600;

pub fn run(ctx: &Ctx) -> anyhow::Result<u8> {
    let (config, loaded) = config_check(ctx);
    let mut checks = vec![config, site_check(&ctx.config)];
    if let Some(cfg) = &loaded {
        checks.push(policy_check(cfg));
    }
    checks.extend(database_checks(ctx));
    checks.extend(deployment_checks(ctx));
    checks.extend(match crate::target::from_config(&ctx.config) {
        Ok(t) => t.check(),
        Err(e) => vec![Check::new("password target", Status::Fail, with_hint(&e))],
    });
    checks.extend(
        send::dispatcher(&ctx.config, ctx.global.dry_run, Box::new(std::io::sink())).check(),
    );

    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    if ctx.out.json {
        ctx.out.json(&json!({
            "ok": failed == 0,
            "checks": checks,
        }))?;
    } else {
        // The report is the data asked for; `-q` keeps only what needs attention.
        for c in &checks {
            if !ctx.out.quiet || c.status != Status::Ok {
                ctx.out.data(&line(c))?;
            }
        }
    }
    if failed > 0 {
        let s = if failed == 1 { "" } else { "s" };
        return Err(error::other(format!("doctor: {failed} check{s} failed")).into());
    }
    Ok(0)
}

/// `ok    database: …`: the status first, padded, so the column lines up.
fn line(c: &Check) -> String {
    let status = match c.status {
        Status::Ok => "ok",
        Status::Warn => "warn",
        Status::Fail => "fail",
    };
    format!("{status:<4}  {}: {}", c.name, c.detail)
}

/// What the configured policy promises, from the configured values (SPEC §6): the
/// odds an online guesser has, and the most codes a person can be sent.
fn policy_check(cfg: &Config) -> Check {
    let p = &cfg.policy;
    Check::new(
        "policy",
        Status::Ok,
        format!(
            "{}-digit codes live {}; {}; at most {} codes per 15m and {} per 24h",
            p.code_length,
            clock::span(p.code_ttl.as_i64()),
            config::describe_guessing_odds(p),
            config::most_sends_in(&p.issue_limit, 15 * 60),
            config::most_sends_in(&p.issue_limit, 24 * 3600),
        ),
    )
}

fn config_check(ctx: &Ctx) -> (Check, Option<Config>) {
    let explicit = ctx.global.config.as_deref();
    let files: Vec<PathBuf> = match explicit {
        Some(p) => vec![p.to_path_buf()],
        None => config::default_paths()
            .into_iter()
            .filter(|p| p.exists())
            .collect(),
    };
    match Config::load(explicit) {
        Ok(c) if files.is_empty() => (
            Check::new(
                "config",
                Status::Ok,
                format!(
                    "no configuration file ({} not present): built-in defaults",
                    config::SYSTEM_CONFIG
                ),
            ),
            Some(c),
        ),
        Ok(c) => (
            Check::new("config", Status::Ok, display_list(&files)),
            Some(c),
        ),
        Err(e) => (Check::new("config", Status::Fail, with_hint(&e)), None),
    }
}

/// `org_name` and `helpdesk` are in every message: the built-in values belong to
/// one site, and another site's people would call the wrong desk.
fn site_check(cfg: &Config) -> Check {
    let builtin = Config::default();
    let mut left = Vec::new();
    if cfg.org_name == builtin.org_name {
        left.push(format!("org_name is the built-in \"{}\"", builtin.org_name));
    }
    if cfg.helpdesk == builtin.helpdesk {
        left.push(format!("helpdesk is the built-in \"{}\"", builtin.helpdesk));
    }
    if left.is_empty() {
        Check::new(
            "site",
            Status::Ok,
            format!("messages name {} and {}", cfg.org_name, cfg.helpdesk),
        )
    } else {
        Check::new(
            "site",
            Status::Warn,
            format!(
                "{}: every message names them (hint: set org_name and helpdesk in the config)",
                left.join(", ")
            ),
        )
    }
}

fn database_checks(ctx: &Ctx) -> Vec<Check> {
    let path = &ctx.db_path;
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m,
        Ok(_) => {
            return vec![Check::new(
                "database",
                Status::Fail,
                format!("{shown} is not a file"),
            )];
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec![Check::new(
                "database",
                Status::Fail,
                format!("{shown} does not exist (hint: run `safecode init --db {shown}`)"),
            )];
        }
        Err(e) => {
            return vec![Check::new(
                "database",
                Status::Fail,
                format!("cannot read {shown}: {e}"),
            )];
        }
    };
    let mut checks = vec![
        Check::new(
            "database",
            Status::Ok,
            format!("{shown} ({})", size(meta.len())),
        ),
        modes_check(path),
    ];

    let mut store = match Store::inspect(path, ctx.who.clone()) {
        Ok(s) => s,
        Err(e) => {
            checks.push(Check::new("schema", Status::Fail, with_hint(&e)));
            return checks;
        }
    };
    let latest = store::latest_version();
    let version = match store.version() {
        Ok(v) => v,
        Err(e) => {
            checks.push(Check::new("schema", Status::Fail, with_hint(&e)));
            return checks;
        }
    };
    checks.push(match version {
        0 => Check::new(
            "schema",
            Status::Fail,
            "no safecode schema (hint: run `safecode init`)",
        ),
        v if v < latest => Check::new(
            "schema",
            Status::Fail,
            format!(
                "version {v}, this safecode needs {latest} (hint: run `safecode init` to upgrade)"
            ),
        ),
        v if v > latest => Check::new(
            "schema",
            Status::Fail,
            format!("version {v} is newer than this safecode ({latest}): upgrade safecode"),
        ),
        v => Check::new("schema", Status::Ok, format!("version {v}")),
    });

    checks.push(match store.integrity_problems(5) {
        Ok(p) if p.is_empty() => Check::new("integrity", Status::Ok, "PRAGMA integrity_check: ok"),
        Ok(p) => Check::new(
            "integrity",
            Status::Fail,
            format!(
                "{} (hint: restore from a backup, or try sqlite3 .recover)",
                p.join("; ")
            ),
        ),
        Err(e) => Check::new("integrity", Status::Fail, with_hint(&e)),
    });

    if version == latest {
        checks.extend(reach_check(ctx, &mut store));
        let now = clock::now();
        checks.push(match store.purge_backlog(now, now - PURGE_OVERDUE_SECS) {
            Ok(b) if b.stale > 0 => Check::new(
                "purge",
                Status::Warn,
                format!(
                    "{} codes and {} reset windows wait for purge, {} of them closed over a day ago: is the `safecode purge` cron job or timer running?",
                    b.codes, b.windows, b.stale
                ),
            ),
            Ok(b) => Check::new(
                "purge",
                Status::Ok,
                format!(
                    "{} codes and {} reset windows wait for purge, none closed over a day ago",
                    b.codes, b.windows
                ),
            ),
            Err(e) => Check::new("purge", Status::Fail, with_hint(&e)),
        });
        checks.push(match store.unfinished_password_changes() {
            Ok(u) if u.is_empty() => Check::new(
                "password changes",
                Status::Ok,
                "every change started at the password target has its outcome recorded",
            ),
            Ok(u) => Check::new(
                "password changes",
                Status::Warn,
                format!(
                    "{} change{} started at the password target without a recorded outcome (safecode stopped while the target was asked; unless one is running now, check whether the target changed the password): {}",
                    u.len(),
                    if u.len() == 1 { "" } else { "s" },
                    u.iter()
                        .take(5)
                        .map(|c| format!(
                            "{} at {}",
                            crate::contact::printable(c.username.as_deref().unwrap_or("?")),
                            clock::human(c.at)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Err(e) => Check::new("password changes", Status::Fail, with_hint(&e)),
        });
    }
    checks
}

/// With SMS through the carrier gateways, phones without a carrier or with a
/// discontinued (or unknown) one can never get a code: say how many there are.
fn reach_check(ctx: &Ctx, store: &mut Store) -> Option<Check> {
    if !super::reach::via_gateway(&ctx.config) {
        return None;
    }
    let rows = match store.read(|tx| tx.contacts_by_channel()) {
        Ok(r) => r,
        Err(e) => return Some(Check::new("reachable", Status::Fail, format!("{e:#}"))),
    };
    let carriers = contact::carriers(&ctx.config.carriers);
    let (mut phones, mut no_carrier, mut gone) = (0u64, 0u64, 0u64);
    for (channel, carrier, _, n) in rows {
        if channel != "sms" {
            continue;
        }
        phones += n;
        if carrier.is_empty() {
            no_carrier += n;
        } else if super::reach::gateway_of(&carriers, Some(&carrier)).is_none_or(|g| !g.active) {
            gone += n;
        }
    }
    Some(if no_carrier + gone == 0 {
        Check::new(
            "reachable",
            Status::Ok,
            format!("all {phones} phones have a carrier with a working gateway"),
        )
    } else {
        Check::new(
            "reachable",
            Status::Warn,
            format!(
                "{} of {phones} phones cannot get codes through the carrier gateways: {no_carrier} without a carrier, {gone} with a discontinued or unknown one (hint: `safecode stats` lists phones by carrier; `safecode enroll USER --phone NUMBER --carrier NAME`, or register an email)",
                no_carrier + gone
            ),
        )
    })
}

/// The database and its `-wal` / `-shm` side files must be private (0600).
fn modes_check(path: &Path) -> Check {
    let mut seen = Vec::new();
    let mut open = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        let f = PathBuf::from(s);
        if let Ok(m) = std::fs::metadata(&f) {
            let mode = m.mode() & 0o777;
            let name = if suffix.is_empty() {
                "db"
            } else {
                &suffix[1..]
            };
            seen.push(format!("{name} {mode:o}"));
            if mode & 0o077 != 0 {
                open.push(f.display().to_string());
            }
        }
    }
    if open.is_empty() {
        Check::new("file modes", Status::Ok, seen.join(", "))
    } else {
        Check::new(
            "file modes",
            Status::Fail,
            format!(
                "{}: readable or writable by others (hint: chmod 600 {})",
                seen.join(", "),
                open.join(" ")
            ),
        )
    }
}

fn with_hint(e: &error::Error) -> String {
    match &e.hint {
        Some(h) => format!("{} (hint: {h})", e.message),
        None => e.message.clone(),
    }
}

fn display_list(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// The deployment of SPEC §7: who is asking and in which role, the ownership of
/// what root relies on (configuration, database, `[sms] command`), the groups
/// `[access]` names, and core dumps off.
fn deployment_checks(ctx: &Ctx) -> Vec<Check> {
    use crate::system;
    let mut checks = vec![Check::new(
        "access",
        Status::Ok,
        format!("you are {}", ctx.who.os_user),
    )];
    let as_root = system::effective_uid() == 0;
    let trusted = |name: &str, what: &str, path: &Path| match system::check_root_owned(path) {
        Ok(()) => Check::new(
            name,
            Status::Ok,
            format!("{what} {} is root's", path.display()),
        ),
        Err(u) if as_root => Check::new(
            name,
            Status::Fail,
            format!(
                "{what} {}: {u} (hint: chown root:root, chmod go-w)",
                path.display()
            ),
        ),
        Err(u) => Check::new(
            name,
            Status::Warn,
            format!(
                "{what} {}: {u} (fine for direct use; not for sudo)",
                path.display()
            ),
        ),
    };
    let system_config = Path::new(config::SYSTEM_CONFIG);
    if system_config.exists() {
        let mut c = trusted("config owner", "configuration", system_config);
        if c.status == Status::Ok
            && std::fs::metadata(system_config).is_ok_and(|m| m.mode() & 0o004 != 0)
        {
            c = Check::new(
                "config owner",
                Status::Warn,
                format!(
                    "{} is readable by everyone; chmod 600 it if it holds a password",
                    system_config.display()
                ),
            );
        }
        checks.push(c);
    }
    if ctx.db_path.exists() {
        checks.push(trusted("database owner", "database", &ctx.db_path));
    }
    if let Some(cmd) = &ctx.config.sms.command
        && cmd.is_absolute()
    {
        checks.push(trusted("sms command owner", "[sms] command", cmd));
    }
    let access = &ctx.config.access;
    let listed: Vec<&String> = access.admins.iter().chain(&access.agents).collect();
    if listed.is_empty() && as_root {
        checks.push(Check::new(
            "access groups",
            Status::Warn,
            "[access] names no admins or agents: through sudo everyone is `self`",
        ));
    }
    for entry in listed {
        let (exists, what) = match entry.strip_prefix('%') {
            Some(g) => (system::group_id(g).is_some(), format!("group {g}")),
            None => (
                system::account_by_name(entry).is_some(),
                format!("user {entry}"),
            ),
        };
        checks.push(if exists {
            Check::new("access groups", Status::Ok, format!("{what} exists"))
        } else {
            Check::new(
                "access groups",
                Status::Fail,
                format!(
                    "[access] names {what}, which does not exist (hint: groupadd / fix the name)"
                ),
            )
        });
    }
    checks.push(if system::hardened() {
        Check::new(
            "core dumps",
            Status::Ok,
            "off (not dumpable, RLIMIT_CORE 0)",
        )
    } else {
        Check::new("core dumps", Status::Warn, "could not be turned off")
    });
    checks
}
