//! `safecode generate completions|man DIR` (hidden): writes the shell completions
//! and man pages from the clap definitions in `cli.rs`. The output is checked in
//! (`completions/`, `man/`) and a test fails when it is stale, so it must not depend
//! on the machine: no dates, no absolute paths, no environment.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::{Cli, GenerateArgs, GenerateWhat};
use crate::config::SYSTEM_CONFIG;
use crate::error::{self, EXIT_MAY_SKIP, EXIT_MUST_REGISTER, Kind};
use crate::output::Output;

/// The command that refreshes the checked-in files (quoted by the staleness test).
pub const REFRESH: &str =
    "cargo run -q -- generate completions completions && cargo run -q -- generate man man";

/// The date in the pages' title line. Fixed rather than today's, so regenerating
/// gives the same bytes; move it when the pages change in substance.
const MAN_DATE: &str = "2026-11-29";

pub fn run(args: &GenerateArgs, out: &Output) -> anyhow::Result<u8> {
    let dir = &args.dir;
    if !dir.is_dir() {
        return Err(
            error::not_found(format!("directory {} does not exist", dir.display()))
                .hint(format!("mkdir -p {}", dir.display()))
                .into(),
        );
    }
    let written = match args.what {
        GenerateWhat::Completions => completions(dir)?,
        GenerateWhat::Man => man_pages(dir)?,
    };
    out.say(&format!("Wrote {written} files to {}.", dir.display()))?;
    Ok(0)
}

/// The command tree as the generators see it: `help` is not a real subcommand.
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The command tree without hidden subcommands (`generate`): clap_complete
/// offers hidden subcommands, and a packager's tool has no place in a desk's
/// tab completion.
fn visible_command() -> clap::Command {
    let full = command();
    // The built tree already holds --help and --version as arguments: copied
    // below, so the new command must not add its own.
    let mut top = clap::Command::new("safecode")
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true);
    if let Some(about) = full.get_about() {
        top = top.about(about.clone());
    }
    top.args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned())
}

fn completions(dir: &Path) -> anyhow::Result<usize> {
    let shells = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell];
    for shell in shells {
        let mut cmd = visible_command();
        clap_complete::generate_to(shell, &mut cmd, "safecode", dir)
            .with_context(|| format!("writing {shell} completions to {}", dir.display()))?;
    }
    Ok(shells.len())
}

fn man_pages(dir: &Path) -> anyhow::Result<usize> {
    let top = command();
    let mut pages = Vec::new();
    collect(&top, &mut pages);
    let see_also: Vec<String> = pages
        .iter()
        .skip(1)
        .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_string())
        .collect();
    for (i, cmd) in pages.iter().enumerate() {
        let man = Man::new(cmd.clone())
            .date(MAN_DATE)
            .source(format!("safecode {}", env!("CARGO_PKG_VERSION")))
            .manual("SafeCode Manual");
        let mut page = Vec::new();
        man.render(&mut page)?;
        let page = String::from_utf8(page).context("man page is not UTF-8")?;
        let extra = if i == 0 {
            top_sections(&see_also)
        } else {
            sub_sections(cmd)
        };
        // clap_mangen separates possible values with `.br`, an empty line, `.br`,
        // which mandoc flags; one `.sp` says the same.
        let page = replace_extra(&page, &extra).replace("\n.br\n\n.br\n", "\n.sp\n");
        let path = dir.join(man.get_filename());
        std::fs::write(&path, page).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(pages.len())
}

/// The command and its visible subcommands, depth first, parents before children.
fn collect(cmd: &clap::Command, into: &mut Vec<clap::Command>) {
    into.push(cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, into);
    }
}

/// clap_mangen prints `after_help` verbatim under an `EXTRA` heading; replace it
/// with proper sections, placed before `VERSION`.
fn replace_extra(page: &str, sections: &str) -> String {
    let (head, tail) = match page.find(".SH VERSION") {
        Some(at) => page.split_at(at),
        None => (page, ""),
    };
    let head = match head.find(".SH EXTRA") {
        Some(at) => &head[..at],
        None => head,
    };
    format!("{head}{sections}{tail}")
}

fn man_ref(name: &str) -> String {
    format!("{name}(1)")
}

/// EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES and SEE ALSO for `safecode(1)`.
fn top_sections(pages: &[String]) -> String {
    let mut r = Roff::new();

    r.control("SH", ["EXIT STATUS"]);
    let exits = [
        (0, "success"),
        (
            Kind::Other.exit_code(),
            "other failure (I/O, database, configuration)",
        ),
        (Kind::Usage.exit_code(), "usage error"),
        (
            Kind::NotFound.exit_code(),
            "not found (user, database file)",
        ),
        (
            Kind::Policy.exit_code(),
            "refused by policy (institution email, skip limit reached, not enrolled, rate limited, locked, weak password, no open reset window, last contact)",
        ),
        (Kind::Delivery.exit_code(), "delivery failed"),
        (
            Kind::InvalidData.exit_code(),
            "invalid input data (e.g. CSV rows)",
        ),
        (
            Kind::CodeRejected.exit_code(),
            "code rejected (wrong, expired, already used, none outstanding)",
        ),
        (EXIT_MAY_SKIP, "check: the user may skip registration"),
        (EXIT_MUST_REGISTER, "check: the user must register now"),
    ];
    for (code, meaning) in exits {
        r.control("TP", []);
        r.text([bold(code.to_string())]);
        r.text([roman(meaning)]);
    }

    r.control("SH", ["ENVIRONMENT"]);
    let env = [
        ("SAFECODE_DB", "Database file, as --db."),
        ("SAFECODE_CONFIG", "Configuration file, as --config."),
        (
            "SAFECODE_DRY_RUN",
            "Print messages instead of sending them, as --dry-run (any value but empty, 0, false, no, off).",
        ),
        (
            "SAFECODE_ACTOR",
            "A name for the audit log, as --actor; recorded beside the operating-system user, never instead of it.",
        ),
        (
            "SAFECODE_SMTP_PASSWORD",
            "SMTP password; overrides password in the [email] section of the configuration.",
        ),
        (
            "SAFECODE_SMS_TOKEN",
            "Token for the HTTP SMS provider ([sms] http).",
        ),
        (
            "SUDO_USER",
            "Under sudo, the invoking user, recorded in the audit log as the operating-system user.",
        ),
        (
            "XDG_DATA_HOME",
            "Base of the default database path (default: $HOME/.local/share).",
        ),
        (
            "XDG_CONFIG_HOME",
            "Base of the per-user configuration file (default: $HOME/.config).",
        ),
        ("NO_COLOR", "When set and not empty, no colour is used."),
    ];
    for (name, what) in env {
        r.control("TP", []);
        r.text([bold(name)]);
        r.text([roman(what)]);
    }

    r.control("SH", ["FILES"]);
    let files = [
        (
            "$XDG_DATA_HOME/safecode/safecode.db".to_string(),
            "The default database (SQLite, mode 0600), unless --db, SAFECODE_DB or database in the configuration names another. Its -wal and -shm side files sit beside it, also mode 0600.",
        ),
        (
            SYSTEM_CONFIG.to_string(),
            "Site-wide configuration (TOML), read first if present.",
        ),
        (
            "$XDG_CONFIG_HOME/safecode/config.toml".to_string(),
            "Per-user configuration, read next if present; its keys win. --config or SAFECODE_CONFIG replaces both. Every key and its default is listed in examples/config.toml in the source tree.",
        ),
    ];
    for (path, what) in files {
        r.control("TP", []);
        r.text([italic(path)]);
        r.text([roman(what)]);
    }

    r.control("SH", ["EXAMPLES"]);
    let examples: [(&str, &[&str]); 8] = [
        (
            "Reset a caller's password: send a code, take it back, set the password:",
            &["safecode reset alice"],
        ),
        (
            "The same, one step at a time (for scripts):",
            &[
                "safecode issue alice",
                "safecode verify alice 123456",
                "safecode set-password alice --generate",
            ],
        ),
        (
            "Look a person up:",
            &[
                "safecode user show alice",
                "safecode audit alice --limit 20",
            ],
        ),
        (
            "Replace a stolen phone (the agent has checked the caller's identity):",
            &["safecode enroll alice --phone '(617) 555-0100' --carrier verizon --confirmed"],
        ),
        (
            "Register an outside email address; a confirmation code is sent to it:",
            &[
                "safecode enroll alice --email alice@gmail.com",
                "safecode confirm alice",
            ],
        ),
        (
            "Unlock a person after too many wrong codes:",
            &["safecode user unlock alice"],
        ),
        (
            "Bulk-import contacts from an HR export, validating first:",
            &[
                "safecode import contacts.csv --check",
                "safecode import contacts.csv",
            ],
        ),
        (
            "From cron: purge spent codes, check the installation:",
            &["safecode -q purge", "safecode doctor"],
        ),
    ];
    for (i, (what, lines)) in examples.into_iter().enumerate() {
        if i > 0 {
            r.control("PP", []);
        }
        r.text([roman(what)]);
        r.control("PP", []);
        r.control("RS", ["4"]);
        r.control("nf", []);
        for l in lines {
            r.text([roman(*l)]);
        }
        r.control("fi", []);
        r.control("RE", []);
    }

    see_also(&mut r, pages.iter().map(|p| man_ref(p)));
    r.to_roff()
}

/// For a subcommand page: its `after_help` as EXAMPLES (indented lines are
/// commands, the rest is prose), then SEE ALSO safecode(1).
fn sub_sections(cmd: &clap::Command) -> String {
    let mut r = Roff::new();
    if let Some(text) = cmd.get_after_help() {
        let text = text.to_string();
        let mut in_example = false;
        let mut para = String::new();
        let heading = if text.trim_start().starts_with("Examples:") {
            "EXAMPLES"
        } else {
            "NOTES"
        };
        r.control("SH", [heading]);
        // A paragraph macro straight after a heading is redundant (mandoc warns).
        let mut first = true;
        let flush = |r: &mut Roff, para: &mut String, first: &mut bool| {
            if !para.is_empty() {
                if !*first {
                    r.control("PP", []);
                }
                r.text([roman(para.trim())]);
                para.clear();
                *first = false;
            }
        };
        for line in text.lines().filter(|l| l.trim() != "Examples:") {
            if line.starts_with("  ") {
                flush(&mut r, &mut para, &mut first);
                if !in_example {
                    if !first {
                        r.control("PP", []);
                    }
                    first = false;
                    r.control("RS", ["4"]);
                    r.control("nf", []);
                    in_example = true;
                }
                r.text([roman(line.trim())]);
                continue;
            }
            if in_example {
                r.control("fi", []);
                r.control("RE", []);
                in_example = false;
            }
            if line.trim().is_empty() {
                flush(&mut r, &mut para, &mut first);
            } else {
                let _ = write!(para, "{} ", line.trim());
            }
        }
        if in_example {
            r.control("fi", []);
            r.control("RE", []);
        }
        flush(&mut r, &mut para, &mut first);
    }
    see_also(&mut r, [man_ref("safecode")].into_iter());
    r.to_roff()
}

fn see_also(r: &mut Roff, refs: impl Iterator<Item = String>) {
    r.control("SH", ["SEE ALSO"]);
    let mut all: Vec<String> = refs.collect();
    all.push("sqlite3(1)".into());
    let n = all.len();
    for (i, name) in all.into_iter().enumerate() {
        let (page, section) = name.split_once('(').unwrap_or((name.as_str(), ""));
        let sep = if i + 1 < n { "," } else { "" };
        r.control("BR", [page, &format!("({section}{sep}")]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_section_is_replaced_before_version() {
        let page = ".TH X\n.SH EXTRA\nold\n.SH VERSION\nv1\n";
        assert_eq!(
            replace_extra(page, ".SH NEW\n"),
            ".TH X\n.SH NEW\n.SH VERSION\nv1\n"
        );
        assert_eq!(replace_extra(".TH X\n", ".SH NEW\n"), ".TH X\n.SH NEW\n");
    }
}
