//! The command line, as clap derive definitions only. This file depends on nothing
//! but clap and std, so the man pages and completions are generated from the same
//! definitions (`safecode generate`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes: 0 success, 1 other failure, 2 usage error, 3 not found, 4 refused by policy,
5 delivery failed, 6 invalid input data, 7 code rejected, 8 not permitted for your role;
check: 10 may skip, 11 must register.

Examples:
  safecode init
  safecode enroll alice --phone '(617) 432-2000' --confirmed
  safecode reset alice
  safecode check alice || echo 'prompt alice to register'";

/// Administer SafeCode, the one-time-code protection on password resets.
///
/// A reset code goes to the person's registered phone (SMS) or outside email; it must
/// be read back before the password may be changed. Codes expire within 10 minutes
/// and work once.
#[derive(Debug, Parser)]
#[command(name = "safecode", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Database file [default: $XDG_DATA_HOME/safecode/safecode.db, or `database` in the config]
    #[arg(long, global = true, env = "SAFECODE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Configuration file [default: /etc/safecode/config.toml, then $XDG_CONFIG_HOME/safecode/config.toml]
    #[arg(long, global = true, env = "SAFECODE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print messages instead of sending them (admin only: a printed code is a real code)
    #[arg(long, global = true, env = "SAFECODE_DRY_RUN", value_parser = clap::builder::FalseyValueParser::new())]
    pub dry_run: bool,
    /// Print one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// A name for the audit log (e.g. your ticket handle), recorded beside the OS user
    #[arg(long, global = true, env = "SAFECODE_ACTOR", value_name = "NAME")]
    pub actor: Option<String>,
    /// Print errors only
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The built-in carrier ids, offered by the shell completions (a test keeps them
/// equal to `contact::builtin_carriers`). Any name is accepted: the config may add
/// carriers, and `enroll` checks the name against the full list.
pub const CARRIER_IDS: &[&str] = &[
    "att",
    "boost",
    "consumercellular",
    "cricket",
    "googlefi",
    "metropcs",
    "mint",
    "sprint",
    "tmobile",
    "uscellular",
    "verizon",
    "visible",
    "xfinity",
];

/// `--carrier`: any text, with [`CARRIER_IDS`] as the values to complete.
#[derive(Debug, Clone, Copy)]
pub struct CarrierName;

impl clap::builder::TypedValueParser for CarrierName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            CARRIER_IDS
                .iter()
                .map(|id| clap::builder::PossibleValue::new(*id)),
        ))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or upgrade its schema
    #[command(after_help = "\
Examples:
  safecode init
  safecode --db /var/lib/safecode/safecode.db init

Creates the file mode 0600 (its directory must exist), or upgrades an older schema
in place; running it again changes nothing.")]
    Init,
    /// Add, list, find, show, remove or unlock users
    #[command(subcommand)]
    #[command(after_help = "\
Examples:
  safecode user add alice --name 'Alice Smith'
  safecode user find 617.432.2000
  safecode user show alice
  safecode user list --state locked")]
    User(UserCommand),
    /// Register or replace a person's phone and email
    #[command(after_help = "\
Examples:
  safecode enroll alice --phone '(617) 432-2000' --carrier verizon
  safecode enroll alice --email alice@gmail.com --confirmed
  safecode enroll bob --phone '+44 7400 123456'
  safecode enroll bob --phone '(617) 555-0123' --confirmed   # stolen phone: replace now

The user must exist (`safecode user add`, or `import`); an unknown name is exit 3.
Without --confirmed a confirmation code is sent to each new contact; enter it with
`safecode confirm USER`. A new contact replacing a confirmed one is pending until
then: the confirmed one keeps receiving reset codes. With --confirmed (you verified
it) the replacement is immediate. Any replacement voids the codes sent to the old
contact, closes an open reset window, and notifies the old contact and every other
confirmed one. Institution email addresses are refused (exit 4).")]
    Enroll(EnrollArgs),
    /// Confirm a new contact with the code sent to it
    #[command(after_help = "\
Examples:
  safecode confirm alice             # prompts for the code on a terminal
  safecode confirm alice 123456
  echo 123456 | safecode confirm alice -
  safecode confirm alice --resend    # send the pending contact a fresh code

The code was sent by `safecode enroll` to the new phone or email. A new contact that
replaces a confirmed one is pending: the confirmed one keeps receiving reset codes
until the new one is confirmed here. Exit 7 when the code is wrong, expired or
already used (then --resend); exit 4 when nothing waits for confirmation.")]
    Confirm(ConfirmArgs),
    /// Remove one contact (refused if it is the last confirmed one)
    #[command(after_help = "\
Examples:
  safecode unenroll alice --email
  safecode unenroll alice --phone    # also drops a pending replacement phone

Voids the codes sent to the removed contact, closes an open reset window, and
notifies the removed contact and every other confirmed one. Refused (exit 4) for
the last confirmed contact: SafeCode cannot be disabled.")]
    Unenroll(UnenrollArgs),
    /// Record a skipped registration prompt
    #[command(after_help = "\
Examples:
  safecode skip alice
  sudo -n safecode skip              # in a login script: the caller's own account

Refused (exit 4) once all skips are used; `safecode check` then exits 11.")]
    Skip(SelfUserArg),
    /// For login scripts: exit 0 enrolled, 10 may skip, 11 must register
    #[command(after_help = "\
Examples:
  safecode check alice
  sudo -n safecode check             # in a login script: the caller's own account

Exit 0 enrolled, 10 may still skip, 11 must register now; any other status is a
failure, and a login script must then not let the person pass (see
examples/login.sh).")]
    Check(SelfUserArg),
    /// Interactive Register / Skip dialog shown at login
    #[command(after_help = "\
Examples:
  safecode prompt alice
  sudo safecode prompt               # from a login script, for the caller

Needs a terminal. Register asks for a phone (and carrier) or a personal email and
takes the confirmation code; Skip records a skip and says how many remain.")]
    Prompt(SelfUserArg),
    /// Send a reset SafeCode
    #[command(after_help = "\
Examples:
  safecode issue alice               # to the confirmed phone, else the email
  safecode issue alice --via email
  safecode --dry-run issue alice     # admin: print the message (a real code) instead
  safecode issue alice --override-limit --reason 'caller on the line, ticket 4711'

Refused (exit 4) for users who are not enrolled, are locked, or have had too many
codes recently; a failed delivery voids the code (exit 5) and does not count
against the sending limit.")]
    Issue(IssueArgs),
    /// Check a reset SafeCode; opens the reset window
    #[command(after_help = "\
Examples:
  safecode verify alice              # prompts for the code on a terminal
  safecode verify alice 123456
  echo 123456 | safecode verify alice -

Exit 7 when the code is wrong, expired, already used or none is outstanding.")]
    Verify(VerifyArgs),
    /// Set a new password inside the reset window
    #[command(after_help = "\
Examples:
  safecode set-password alice                    # after `verify`; prompts twice (hidden)
  safecode set-password alice --code 123456      # verify and set in one step
  safecode set-password alice --generate         # print a passphrase to change at login
  printf '%s\\n' \"$NEW\" | safecode set-password alice --password-stdin

Refused (exit 4) outside the reset window or for a weak password. The password is
set at `[password] target`: safecode's database (builtin), an LDAP directory or a
site program; a refusal by the directory's own policy is exit 4 with its message, a
target that fails (exit 1) leaves the window open for a retry. Every confirmed
contact of the user is told that the password changed, after the target said yes.")]
    SetPassword(SetPasswordArgs),
    /// Interactive: issue a code, take it back, set the password
    #[command(after_help = "\
Examples:
  safecode reset alice
  safecode --dry-run reset alice     # admin: the (real) code is printed, not sent
  safecode reset alice --via email

The agent reads the code the caller gives back, then types the new password twice
(hidden). For scripts use `issue`, `verify` and `set-password` instead.")]
    Reset(ResetArgs),
    /// Read a password on stdin; exit 0 if it matches, 7 if not, 12 if it must be changed
    #[command(after_help = "\
Examples:
  printf '%s\\n' \"$PASSWORD\" | safecode authenticate alice
  printf '%s\\n' \"$PASSWORD\" | sudo -n safecode authenticate   # the caller's own account

Checks the password where it lives (`[password] target`: the builtin hash, or a
bind to the LDAP directory). One trailing newline, or one NUL byte as older
pam_exec releases write, is not part of the password.

Exit 0: it matches. 7: it does not, the user does not exist, or the user is locked
(the same words for all three; each wrong password counts towards the lock). 12: it
matches, but the password must be changed now (a generated one).")]
    Authenticate(SelfUserArg),
    /// Bulk-import users and contacts from CSV
    #[command(after_help = "\
Examples:
  safecode import contacts.csv --check          # validate only, write nothing
  safecode import contacts.csv
  safecode import - --skip-invalid < hr-export.csv

Columns: username (required), name, phone, carrier, email, phone_confirmed,
email_confirmed (yes/no), in any order. Any invalid row means nothing is written
(exit 6); with --skip-invalid the valid rows are written, the others listed, exit 0.
Save spreadsheets as \"CSV UTF-8\".")]
    Import(ImportArgs),
    /// Export users and contacts as CSV (the import format) or JSON
    #[command(after_help = "\
Examples:
  safecode export > contacts.csv
  safecode export --excel > contacts-for-excel.csv
  safecode export --format json | jq '.[] | select(.phone == null) | .username'

Columns: username, name, phone, carrier, email, phone_confirmed, email_confirmed.
Importing the file again changes nothing: a contact marked `no` is not vouched for.")]
    Export(ExportArgs),
    /// Delete codes and reset windows that can no longer be used, and old audit rows
    #[command(after_help = "\
Examples:
  safecode purge
  safecode purge --older-than 1d --audit-older-than 400d
  # crontab: */15 * * * * safecode -q purge")]
    Purge(PurgeArgs),
    /// Enrollment and code figures; --prometheus for node_exporter
    #[command(after_help = "\
Examples:
  safecode stats
  safecode --json stats
  safecode stats --prometheus > /var/lib/prometheus/node-exporter/safecode.prom

Users by state (and locked), contacts by channel and carrier, codes issued,
verified, rejected, expired and failed to deliver over 24 hours and 30 days.")]
    Stats(StatsArgs),
    /// Show the audit log, newest first; --verify checks its hash chain
    #[command(after_help = "\
Examples:
  safecode audit alice --since 7d
  safecode audit --limit 0           # every row
  safecode audit --verify

Times are shown in the local time zone (TZ); --json gives RFC 3339 UTC.")]
    Audit(AuditArgs),
    /// Known mobile carriers and their email-to-SMS gateways
    #[command(after_help = "\
Examples:
  safecode carriers
  safecode --json carriers

The id goes to `safecode enroll USER --phone NUMBER --carrier ID`; add carriers
in the config under [carriers.ID].")]
    Carriers,
    /// A consistent copy of the database while agents work, checked before it is kept
    #[command(after_help = "\
Examples:
  safecode backup /var/backups/safecode/safecode.db
  # crontab (% must be escaped): a copy per weekday, kept a week
  30 2 * * *  /usr/bin/safecode -q backup /var/backups/safecode/safecode-$(date +\\%a).db

SQLite's online backup: agents and cron jobs go on working. The copy is written
mode 0600 beside FILE, opened, its integrity and audit chain checked (as `audit
--verify` does), and only then renamed to FILE, replacing an older copy. Restore
by stopping safecode's users and copying FILE back, mode 0600.")]
    Backup(BackupArgs),
    /// Check the database, file permissions, configuration and delivery
    #[command(after_help = "\
Examples:
  safecode doctor
  safecode -q doctor                 # only what needs attention
  safecode --json doctor

Exit 1 when a check fails; warnings (built-in org_name or helpdesk, phones that
cannot get codes, purge not running) exit 0.")]
    Doctor,
    /// Write shell completions or man pages (for packagers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user
    #[command(after_help = "\
Examples:
  safecode user add alice --name 'Alice Smith'
  printf '%s\\n' \"$PW\" | safecode user add bob --password-stdin")]
    Add(UserAddArgs),
    /// List users, optionally by enrollment state
    #[command(after_help = "\
Examples:
  safecode user list
  safecode user list --state must-register --limit 100
  safecode user list --state locked
  safecode --json user list | jq -r '.[].username'

--limit 0 means all, as for `audit`.")]
    List(UserListArgs),
    /// Show one user, their contacts and state
    #[command(after_help = "\
Examples:
  safecode user show alice
  safecode --json user show alice")]
    Show(UserArg),
    /// Find users by phone (typed any way), email, name or username part
    #[command(after_help = "\
Examples:
  safecode user find 617.432.2000      # the same as (617) 432-2000 or +16174322000
  safecode user find 2000              # the last digits of a phone, or any part
  safecode user find Ann.Smith@gmail.com
  safecode user find smith
  safecode --json user find smith

Contacts are masked with the last four digits shown, so the caller can be asked
to confirm them. Case does not matter.")]
    Find(UserFindArgs),
    /// Remove a user and everything about them
    #[command(after_help = "\
Examples:
  safecode user remove alice          # asks; type yes and Enter
  safecode user remove alice --yes    # in scripts")]
    Remove(UserRemoveArgs),
    /// Clear the failure lock
    #[command(after_help = "\
Examples:
  safecode user unlock alice

Only after checking the person's identity: the lock follows too many wrong codes.")]
    Unlock(UserArg),
}

#[derive(Debug, Args)]
pub struct UserArg {
    /// Username (case-insensitive)
    pub user: String,
}

/// For the commands a person may run on their own account (SPEC §7).
#[derive(Debug, Args)]
pub struct SelfUserArg {
    /// Username (case-insensitive) [default: yours, the caller's]
    #[arg(default_value = "", hide_default_value = true)]
    pub user: String,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Username: 1–64 letters, digits, '.', '_', '-', '@'
    pub user: String,
    /// Display name
    #[arg(long)]
    pub name: Option<String>,
    /// Read an initial password from stdin (one line)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StateArg {
    /// At least one confirmed contact
    Enrolled,
    /// Not enrolled, skips left
    MaySkip,
    /// Not enrolled, no skips left
    MustRegister,
    /// A contact waits for its confirmation code (new, or replacing a confirmed one)
    Pending,
    /// Locked after too many consecutive wrong codes (`safecode user unlock`)
    Locked,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    /// Only users in this enrollment state
    #[arg(long)]
    pub state: Option<StateArg>,
    /// At most this many users [default: all; 0 also means all]
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct UserFindArgs {
    /// A phone number (any format, or its last digits), an email, or part of a name or username
    pub text: String,
    /// At most this many users [default: 50; 0 means all]
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct UserRemoveArgs {
    /// Username
    pub user: String,
    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// Username of an existing user (`safecode user add` adds one) [default: yours, the caller's]
    #[arg(default_value = "", hide_default_value = true)]
    pub user: String,
    /// Mobile number; without +country code the configured default_region applies
    #[arg(long, value_name = "NUMBER")]
    pub phone: Option<String>,
    /// Mobile carrier (see `safecode carriers`), for email-to-SMS gateways
    #[arg(long, value_name = "NAME", requires = "phone", value_parser = CarrierName, hide_possible_values = true)]
    pub carrier: Option<String>,
    /// Email address outside the institution
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// The contact was verified in person: no confirmation code is sent, and it
    /// replaces a confirmed contact at once
    #[arg(long)]
    pub confirmed: bool,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// Username [default: yours, the caller's; give it when you give the code]
    #[arg(default_value = "", hide_default_value = true)]
    pub user: String,
    /// The confirmation code; prompted for on a terminal, `-` reads stdin
    #[arg(conflicts_with = "resend")]
    pub code: Option<String>,
    /// Send each contact waiting for confirmation a fresh code (the old one is voided)
    #[arg(long)]
    pub resend: bool,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct UnenrollWhich {
    /// Remove the phone
    #[arg(long)]
    pub phone: bool,
    /// Remove the email
    #[arg(long)]
    pub email: bool,
}

#[derive(Debug, Args)]
pub struct UnenrollArgs {
    /// Username
    pub user: String,
    #[command(flatten)]
    pub which: UnenrollWhich,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    Sms,
    Email,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Username
    pub user: String,
    /// Channel [default: sms if a confirmed phone exists, else email]
    #[arg(long)]
    pub via: Option<Via>,
    /// Send although the short sending limit (3 per 15 minutes) was reached; limits
    /// of a day or longer still hold. Needs --reason
    #[arg(long, requires = "reason")]
    pub override_limit: bool,
    /// Why the limit is overridden, for the audit log (e.g. a ticket number)
    #[arg(long, value_name = "TEXT", requires = "override_limit")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Username
    pub user: String,
    /// The code the person read back; prompted for on a terminal, `-` reads stdin
    pub code: Option<String>,
}

#[derive(Debug, Args)]
pub struct SetPasswordArgs {
    /// Username
    pub user: String,
    /// Verify this reset code and set the password in one step (`-` reads it from stdin's first line)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Read the new password from stdin (one line)
    #[arg(long, conflicts_with = "generate")]
    pub password_stdin: bool,
    /// Generate a random passphrase, print it once, and require a change at next login
    #[arg(long)]
    pub generate: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Username
    pub user: String,
    /// Channel [default: sms if a confirmed phone exists, else email]
    #[arg(long)]
    pub via: Option<Via>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV file, or `-` for stdin
    pub file: PathBuf,
    /// Validate every row and report, but write nothing
    #[arg(long)]
    pub check: bool,
    /// Write the valid rows and report the invalid ones (default: all or nothing)
    #[arg(long)]
    pub skip_invalid: bool,
    /// Allow rows to change an existing confirmed contact
    #[arg(long)]
    pub replace_contacts: bool,
    /// Imported contacts need confirmation (default: the import vouches for them)
    #[arg(long)]
    pub unconfirmed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, default_value = "csv")]
    pub format: ExportFormat,
    /// Start the CSV with a UTF-8 byte-order mark, so Excel shows accented names right
    #[arg(long)]
    pub excel: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (replaced only once the new copy checks out)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only what closed at least this long ago (e.g. 1h, 7d) [default: 0]
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Also delete audit rows older than this (e.g. 400d)
    #[arg(long, value_name = "DURATION")]
    pub audit_older_than: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Text exposition format for node_exporter's textfile collector
    #[arg(long)]
    pub prometheus: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only rows about this user
    pub user: Option<String>,
    /// Only rows newer than this (e.g. 24h, 30d)
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// At most this many rows [default: 50; 0 means all]
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Walk the hash chain; exit 1 naming the first row that does not match
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenerateWhat {
    Completions,
    Man,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to write
    pub what: GenerateWhat,
    /// Directory to write into
    pub dir: PathBuf,
}
