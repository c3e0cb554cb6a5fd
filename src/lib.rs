//! safecode: administration of SafeCode, the one-time-code protection on password
//! resets. `main` calls [`run`]; the command line is in [`cli`], one module per
//! subcommand in `cmd/`, SQL only in [`store`], pure policy in the domain modules.

pub mod access;
pub mod channel;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod code;
pub mod config;
pub mod contact;
pub mod enrollment;
pub mod error;
pub mod message;
pub mod output;
pub mod password;
pub mod send;
pub mod store;
pub mod system;
pub mod target;
pub mod who;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::access::{Caller, Request, Role, Via};
use crate::cli::{Cli, Command, Global};
use crate::config::Config;
use crate::error::{Error, Kind};
use crate::output::Output;
use crate::store::{AuditEntry, Store};
use crate::who::Who;

/// Everything a command needs besides its own arguments.
pub struct Ctx {
    pub global: Global,
    pub config: Config,
    pub db_path: PathBuf,
    pub who: Who,
    pub out: Output,
    /// Who is calling (SPEC §7), and the role they act in.
    pub caller: Caller,
    pub role: Role,
}

impl Ctx {
    /// Opens the existing database (never creates it).
    pub fn open(&self) -> Result<Store, Error> {
        Store::open(&self.db_path, self.who.clone())
    }

    /// True when prompts may be shown: stdin and stderr are both terminals.
    pub fn interactive(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// Opens a file named on the command line for reading, with the caller's
    /// rights: through sudo, a file the caller could not read themselves is
    /// "permission denied", not read by root on their behalf (SPEC §7).
    pub fn open_input(&self, path: &Path) -> std::io::Result<std::fs::File> {
        match self.caller.via {
            Via::Sudo => system::open_as(path, &self.caller.account),
            Via::Direct | Via::Root => std::fs::File::open(path),
        }
    }
}

/// Parses the arguments, runs the command and maps the outcome to an exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Before anything else: a private umask, no core dumps, no debugger attach.
    system::harden();
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, user_omitted(&m))));
    let (cli, omitted) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                // `safecode` alone prints the help but is still a usage error.
                _ => Kind::Usage.exit_code(),
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let out = Output::new(cli.global.json, cli.global.quiet);
    let Cli {
        global,
        mut command,
    } = cli;
    let outcome = match &command {
        // Generated files must not depend on this machine's configuration; who
        // may write them still does (through sudo, only an admin).
        Command::Generate(args) if Caller::identify().is_ok_and(|c| c.via != Via::Sudo) => {
            cmd::generate::run(args, &out)
        }
        // doctor reports a broken configuration as one of its checks.
        Command::Doctor => {
            setup(&global, &mut command, omitted, true).and_then(|ctx| cmd::run(command, &ctx))
        }
        _ => setup(&global, &mut command, omitted, false).and_then(|ctx| cmd::run(command, &ctx)),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => report(&out, &e),
    }
}

/// Builds the context after asking [`access`] whether the caller may make this
/// request; a refusal is audited (when a trusted database is at hand) and ends
/// here with exit 8. With `lenient`, an unloadable configuration falls back to
/// the defaults (for `doctor`, which loads it again to report what is wrong),
/// except through sudo, where the configuration decides the caller's role.
fn setup(
    global: &Global,
    command: &mut Command,
    omitted: bool,
    lenient: bool,
) -> anyhow::Result<Ctx> {
    let caller = Caller::identify()?;
    let mut request = Request::of(command, global);
    if omitted {
        // USER left out means the caller (an explicit "" stays a bad username).
        request.user = Some(caller.account.name.clone());
    }
    // Through sudo the caller must not choose the configuration that decides
    // their role: the system file first, an explicit one only for an admin.
    let (config, role) = if caller.via == Via::Sudo {
        let system = Config::load(None)?;
        let role = caller.role(&system.access);
        match &global.config {
            Some(p) if role == Role::Admin && !p.as_os_str().is_empty() => {
                // An admin of safecode is not root: a file of theirs would choose
                // the programs root runs. Only one root keeps.
                config::check_trusted(p)?;
                (Config::load(Some(p))?, role)
            }
            _ => (system, role),
        }
    } else {
        let explicit = global
            .config
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty());
        let config = match Config::load(explicit) {
            Ok(c) => c,
            Err(_) if lenient => Config::default(),
            Err(e) => return Err(e.into()),
        };
        (config, Role::Admin)
    };
    let who = Who::new(caller.audit_name(role), global.actor.clone());
    if let Err(refusal) = access::decide(role, &caller.account.name, &request) {
        let e = refusal.into_error();
        audit_refusal(config.database.as_deref(), &who, &request, &e);
        return Err(e.into());
    }
    if omitted {
        fill_in_caller(command, &caller.account.name);
    }
    let db_path = database_path(global, &config, &caller)?;
    if system::effective_uid() == 0 {
        trusted_database(&db_path)?;
    }
    Ok(Ctx {
        global: global.clone(),
        config,
        db_path,
        who,
        out: Output::new(global.json, global.quiet),
        caller,
        role,
    })
}

/// Which database: `--db` / `SAFECODE_DB`, else `database` in the config, else
/// (not through sudo, where `HOME` is the caller's) the XDG default.
fn database_path(global: &Global, config: &Config, caller: &Caller) -> Result<PathBuf, Error> {
    match (&global.db, &config.database) {
        (Some(p), _) if !p.as_os_str().is_empty() => Ok(p.clone()),
        (_, Some(p)) => Ok(p.clone()),
        _ if caller.via == Via::Sudo => Err(error::other(format!(
            "no database configured: set `database` in {}",
            config::SYSTEM_CONFIG
        ))
        .hint("e.g. database = \"/var/lib/safecode/safecode.db\" (see README, Deploying for a service desk)")),
        _ => config::default_db_path().ok_or_else(|| {
            error::usage("no database path: neither --db, SAFECODE_DB, `database` in the config, nor $HOME is set")
                .hint("pass --db PATH")
        }),
    }
}

/// Running as root, the database (or, before `init`, its directory) must be
/// root's: a file someone else owns could be swapped or crafted under us.
fn trusted_database(path: &Path) -> Result<(), Error> {
    let checked = if path.exists() {
        path
    } else {
        match path.parent() {
            Some(d) if !d.as_os_str().is_empty() && d.exists() => d,
            _ => return Ok(()), // Store reports the missing directory.
        }
    };
    system::check_root_owned(checked).map_err(|u| {
        error::other(format!("refusing database {}: {u}", path.display())).hint(format!(
            "the database and the directories above it must be root's: chown root:root {p} && chmod go-w {p}",
            p = u.path.display()
        ))
    })
}

/// Whether the command's USER was left out (clap filled in its empty default).
fn user_omitted(m: &ArgMatches) -> bool {
    m.subcommand().is_some_and(|(_, sub)| {
        sub.try_get_raw("user").is_ok_and(|v| v.is_some())
            && sub.value_source("user") == Some(clap::parser::ValueSource::DefaultValue)
    })
}

/// `USER` left out of a `self` command means the caller.
fn fill_in_caller(command: &mut Command, caller: &str) {
    let user = match command {
        Command::Skip(a) | Command::Check(a) | Command::Prompt(a) | Command::Authenticate(a) => {
            &mut a.user
        }
        Command::Enroll(a) => &mut a.user,
        Command::Confirm(a) => &mut a.user,
        _ => return,
    };
    if user.is_empty() {
        *user = caller.to_string();
    }
}

/// Records a refusal in the configured database, if there is one root may use.
/// Best effort: the refusal stands whether or not it could be written down.
fn audit_refusal(database: Option<&Path>, who: &Who, request: &Request, e: &Error) {
    let Some(db) = database else { return };
    if system::effective_uid() == 0 && trusted_database(db).is_err() {
        return;
    }
    let Ok(mut store) = Store::open(db, who.clone()) else {
        return;
    };
    let target = request
        .user
        .as_deref()
        .map(|t| contact::printable(t).chars().take(64).collect::<String>());
    let _ = store.write(|tx| {
        tx.audit(AuditEntry {
            username: target.as_deref(),
            action: "access",
            outcome: "refused",
            detail: Some(format!("{}: {}", request.command, e.message)),
        })
    });
}

/// Prints an error as `safecode: …` plus an optional hint, and returns its exit code.
/// A closed stdout pipe (`safecode export | head`) is not an error.
fn report(out: &Output, e: &anyhow::Error) -> ExitCode {
    if output::is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    let (kind, hint) = match error::find(e) {
        Some(err) => (err.kind, err.hint.clone()),
        None => (Kind::Other, None),
    };
    out.error(&format!("{e:#}"), hint.as_deref());
    ExitCode::from(kind.exit_code())
}
