//! safecode: administration of SafeCode, the one-time-code protection on password
//! resets. `main` calls [`run`]; the command line is in [`cli`], one module per
//! subcommand in `cmd/`, SQL only in [`store`], pure policy in the domain modules.

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
pub mod target;
pub mod who;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Global};
use crate::config::Config;
use crate::error::{Error, Kind};
use crate::output::Output;
use crate::store::Store;
use crate::who::Who;

/// Everything a command needs besides its own arguments.
pub struct Ctx {
    pub global: Global,
    pub config: Config,
    pub db_path: PathBuf,
    pub who: Who,
    pub out: Output,
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
}

/// Parses the arguments, runs the command and maps the outcome to an exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Files we create (database, -wal, -shm) are private whatever the caller's umask.
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let cli = match Cli::try_parse_from(args) {
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
    let outcome = match &cli.command {
        // Generated files must not depend on this machine's configuration.
        cli::Command::Generate(args) => cmd::generate::run(args, &out),
        // doctor reports a broken configuration as one of its checks.
        cli::Command::Doctor => {
            setup(&cli.global, true).and_then(|ctx| cmd::run(cli.command, &ctx))
        }
        _ => setup(&cli.global, false).and_then(|ctx| cmd::run(cli.command, &ctx)),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => report(&out, &e),
    }
}

/// Builds the context. With `lenient`, an unloadable configuration falls back to the
/// defaults (for `doctor`, which loads it again to report what is wrong).
fn setup(global: &Global, lenient: bool) -> anyhow::Result<Ctx> {
    let config = match Config::load(global.config.as_deref()) {
        Ok(c) => c,
        Err(_) if lenient => Config::default(),
        Err(e) => return Err(e.into()),
    };
    let db_path = match (&global.db, &config.database) {
        (Some(p), _) if !p.as_os_str().is_empty() => p.clone(),
        (_, Some(p)) => p.clone(),
        _ => config::default_db_path().ok_or_else(|| {
            error::usage("no database path: neither --db, SAFECODE_DB, `database` in the config, nor $HOME is set")
                .hint("pass --db PATH")
        })?,
    };
    Ok(Ctx {
        global: global.clone(),
        config,
        db_path,
        who: Who::current(global.actor.clone()),
        out: Output::new(global.json, global.quiet),
    })
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
