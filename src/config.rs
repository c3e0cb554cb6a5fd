//! Configuration: TOML files plus environment, with every default in one place
//! (SPEC §6). Unknown keys are an error naming the key, so a typo never silently
//! falls back to a default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::error::{self, Error};

/// Where the site-wide configuration lives.
pub const SYSTEM_CONFIG: &str = "/etc/safecode/config.toml";

/// A duration written as `10m`, `24h`, `30d` (humantime syntax), kept in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Secs(pub u64);

impl Secs {
    pub fn as_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

/// Parses `10m`, `24h`, `30d`, `1h 30m`; a bare number is refused because its unit
/// would be a guess.
pub fn parse_duration(text: &str) -> Result<Secs, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration (write e.g. 10m, 24h or 30d)".into());
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{t}` has no unit (write e.g. {t}m, {t}h or {t}d)"));
    }
    humantime::parse_duration(t)
        .map(|d: Duration| Secs(d.as_secs()))
        .map_err(|e| format!("`{t}` is not a duration ({e}; write e.g. 10m, 24h or 30d)"))
}

impl<'de> Deserialize<'de> for Secs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_duration(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site-wide database path; `--db` / `SAFECODE_DB` override it.
    pub database: Option<PathBuf>,
    /// Named in every message.
    pub org_name: String,
    /// Whom to call if a code was not requested.
    pub helpdesk: String,
    /// Region for phone numbers written without `+` and a country code.
    pub default_region: String,
    pub policy: Policy,
    pub password: PasswordConfig,
    pub email: EmailConfig,
    pub sms: SmsConfig,
    pub audit: AuditConfig,
    /// Extra or overriding mobile carriers, keyed by a short id (`[carriers.acme]`).
    pub carriers: BTreeMap<String, CarrierConfig>,
    /// Who may do what through sudo (SPEC §7).
    pub access: AccessConfig,
}

/// `[access]`: users by name, groups as `%group`. Anyone else reaching safecode
/// through sudo has the `self` role.
#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AccessConfig {
    pub admins: Vec<String>,
    pub agents: Vec<String>,
}

/// `[audit]`: how long rows are kept, and where a copy of each row goes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// `purge --audit-older-than` never deletes rows younger than this (≥ 30d).
    pub retention: Secs,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            retention: Secs(DEFAULT_AUDIT_RETENTION),
        }
    }
}

/// `[audit] retention` by default: 400 days, a year and a bit for the yearly review.
pub const DEFAULT_AUDIT_RETENTION: u64 = 400 * 86_400;
/// The shortest `[audit] retention` allowed: 30 days.
pub const MIN_AUDIT_RETENTION: u64 = 30 * 86_400;
/// The longest a delivery (`[email] timeout`, `[sms] timeout`) may be given: 5 minutes,
/// well inside a code's life.
pub const MAX_SEND_TIMEOUT: u64 = 300;

/// The ceiling against SMS pumping (SPEC §6): whatever `issue_limit` says, no user may
/// be sent more than this many codes in any window of this many seconds.
pub const SEND_CEILINGS: [(u64, u64, &str); 2] = [(10, 15 * 60, "15m"), (50, 24 * 3600, "24h")];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub code_length: u8,
    pub code_ttl: Secs,
    pub max_attempts: u32,
    pub max_failures: u32,
    pub max_skips: u32,
    pub reset_window: Secs,
    pub issue_limit: Vec<IssueLimit>,
    pub institution_domains: Vec<String>,
    pub preferred_domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IssueLimit {
    pub count: u32,
    pub per: Secs,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordConfig {
    pub min_length: usize,
    pub argon2: Argon2Config,
    /// Where passwords are set and checked: `builtin` (the default: argon2id in
    /// safecode's database), `ldap` or `command` (SPEC §8).
    pub target: Option<String>,
    /// For `target = "command"`: the program, given the username as its only
    /// argument and the new password on stdin.
    pub command: Option<PathBuf>,
    /// For `target = "command"`: how long the program may take (default 30s).
    pub command_timeout: Option<Secs>,
    /// For `target = "ldap"`.
    pub ldap: Option<LdapConfig>,
}

/// `[password.ldap]`: the directory that holds the passwords.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct LdapConfig {
    /// `ldaps://host` or `ldap://host` (with `starttls = true`, or to a loopback
    /// address only).
    pub url: String,
    /// Where users are searched for, e.g. `ou=people,dc=example,dc=org`.
    pub base_dn: String,
    /// The search filter; `{username}` is replaced by the escaped username.
    pub user_filter: Option<String>,
    /// The service account that searches and sets passwords.
    pub bind_dn: String,
    /// A root-owned 0600 file holding the service account's password;
    /// `SAFECODE_LDAP_PASSWORD` is read instead when this is not set.
    pub bind_password_file: Option<PathBuf>,
    /// `exop` (RFC 3062 Password Modify, OpenLDAP and most servers) or `ad`
    /// (replace `unicodePwd`, Active Directory).
    pub mode: Option<String>,
    /// Upgrade an `ldap://` connection with StartTLS.
    pub starttls: bool,
    /// PEM file of the CA(s) that sign the directory's certificate; the system's
    /// roots when not set.
    pub ca_file: Option<PathBuf>,
    /// How long to wait for the TCP and TLS connection (default 5s).
    pub connect_timeout: Option<Secs>,
    /// How long each LDAP operation may take (default 10s).
    pub timeout: Option<Secs>,
    /// An entry `doctor` looks up (never changes) to prove the search works.
    pub doctor_user: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Config {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// `smtp://host:25`, `smtps://host:465`, `smtp://host:587?tls=required`.
    pub smtp_url: Option<String>,
    /// The From header, e.g. `SafeCode <safecode@example.org>`.
    pub from: Option<String>,
    /// SMTP user name (may also be given in the URL).
    pub username: Option<String>,
    /// SMTP password; `SAFECODE_SMTP_PASSWORD` overrides it. Never a flag.
    pub password: Option<String>,
    /// How long to wait for the SMTP server before giving up.
    pub timeout: Option<Secs>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// `gateway`, `http` or `command`.
    pub provider: Option<String>,
    /// For `command`: the program to run, with the E.164 number as its argument
    /// and the body on stdin.
    pub command: Option<PathBuf>,
    /// For `http`: a Twilio-compatible Messages API.
    pub http: Option<HttpSmsConfig>,
    /// How long a command or HTTP request may take.
    pub timeout: Option<Secs>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSmsConfig {
    pub url: String,
    pub account_sid: String,
    pub from: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierConfig {
    /// Display name, e.g. `Acme Mobile`.
    pub name: String,
    /// Email-to-SMS gateway domain, e.g. `sms.acme.example`.
    pub gateway: String,
    /// `false` marks a discontinued gateway.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: None,
            org_name: "HMS".into(),
            helpdesk: "(617) 432-2000".into(),
            default_region: "US".into(),
            policy: Policy::default(),
            password: PasswordConfig::default(),
            email: EmailConfig::default(),
            sms: SmsConfig::default(),
            audit: AuditConfig::default(),
            carriers: BTreeMap::new(),
            access: AccessConfig::default(),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            code_length: 6,
            code_ttl: Secs(600),
            max_attempts: 5,
            max_failures: 20,
            max_skips: 5,
            reset_window: Secs(600),
            issue_limit: vec![
                IssueLimit {
                    count: 3,
                    per: Secs(15 * 60),
                },
                IssueLimit {
                    count: 10,
                    per: Secs(24 * 3600),
                },
            ],
            institution_domains: vec![
                "hms.harvard.edu".into(),
                "med.harvard.edu".into(),
                "hsdm.harvard.edu".into(),
            ],
            preferred_domains: vec!["partners.org".into(), "bidmc.harvard.edu".into()],
        }
    }
}

impl Default for PasswordConfig {
    fn default() -> Self {
        PasswordConfig {
            min_length: 12,
            argon2: Argon2Config::default(),
            target: None,
            command: None,
            command_timeout: None,
            ldap: None,
        }
    }
}

/// OWASP's argon2id minimum: m=19456 KiB, t=2, p=1.
pub const ARGON2_MIN: Argon2Config = Argon2Config {
    memory_kib: 19456,
    iterations: 2,
    parallelism: 1,
};

impl Default for Argon2Config {
    fn default() -> Self {
        ARGON2_MIN
    }
}

impl Config {
    /// Loads the configuration: an explicit path (which must exist), or else the
    /// system file and then the user's file, the latter's keys winning (the
    /// user's file only in direct use, see [`default_paths`]). Running as root,
    /// the system file must be one only root could have written.
    pub fn load(explicit: Option<&Path>) -> Result<Config, Error> {
        let mut merged = toml::Table::new();
        let paths: Vec<PathBuf> = match explicit {
            Some(p) => {
                if !p.exists() {
                    return Err(error::other(format!(
                        "config file {} does not exist",
                        p.display()
                    ))
                    .hint("check --config / SAFECODE_CONFIG"));
                }
                vec![p.to_path_buf()]
            }
            None => {
                let paths: Vec<PathBuf> =
                    default_paths().into_iter().filter(|p| p.exists()).collect();
                if crate::system::effective_uid() == 0 {
                    for p in &paths {
                        check_trusted(p)?;
                    }
                }
                paths
            }
        };
        for path in &paths {
            let text = std::fs::read_to_string(path)
                .map_err(|e| error::other(format!("cannot read config {}: {e}", path.display())))?;
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| config_error(path, &text, &e))?;
            merge(&mut merged, table);
        }
        let text = toml::to_string(&merged).unwrap_or_default();
        let cfg: Config = toml::from_str(&text).map_err(|e| {
            // Re-locate the error in the file that holds the offending key when
            // there was only one file; with two files, name both.
            match paths.as_slice() {
                [one] => {
                    let original = std::fs::read_to_string(one).unwrap_or_default();
                    match toml::from_str::<Config>(&original) {
                        Err(e2) => config_error(one, &original, &e2),
                        Ok(_) => config_error(one, &text, &e),
                    }
                }
                _ => error::other(format!(
                    "config ({}): {}",
                    paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(" + "),
                    one_line(e.message())
                )),
            }
        })?;
        cfg.validate()?;
        cfg.validate_target()?;
        Ok(cfg)
    }

    /// Range checks the type system cannot express. The policy may be tightened,
    /// never loosened past what SPEC §1 allows.
    pub fn validate(&self) -> Result<(), Error> {
        let p = &self.policy;
        let bad = |key: &str, why: &str| error::other(format!("config: {key}: {why}"));
        if !(6..=10).contains(&p.code_length) {
            return Err(bad("policy.code_length", "must be between 6 and 10"));
        }
        if !(60..=600).contains(&p.code_ttl.0) {
            return Err(bad("policy.code_ttl", "must be between 1m and 10m"));
        }
        if !(60..=3600).contains(&p.reset_window.0) {
            return Err(bad("policy.reset_window", "must be between 1m and 1h"));
        }
        if !(1..=10).contains(&p.max_attempts) {
            return Err(bad("policy.max_attempts", "must be between 1 and 10"));
        }
        if !(1..=100).contains(&p.max_failures) {
            return Err(bad("policy.max_failures", "must be between 1 and 100"));
        }
        if p.max_skips > 100 {
            return Err(bad("policy.max_skips", "must be at most 100"));
        }
        if p.issue_limit.is_empty() {
            return Err(bad(
                "policy.issue_limit",
                "needs at least one { count, per } limit (flooding protection cannot be disabled)",
            ));
        }
        for l in &p.issue_limit {
            if l.count == 0 || l.per.0 == 0 {
                return Err(bad("policy.issue_limit", "count and per must be positive"));
            }
        }
        for (ceiling, window, shown) in SEND_CEILINGS {
            let allowed = most_sends_in(&p.issue_limit, window);
            if allowed > u128::from(ceiling) {
                return Err(bad(
                    "policy.issue_limit",
                    &format!(
                        "allows {allowed} codes per {shown}; the limits together must allow at most \
                         10 codes per 15m and 50 per 24h (a ceiling against SMS pumping)"
                    ),
                ));
            }
        }
        for (key, t) in [
            ("email.timeout", self.email.timeout),
            ("sms.timeout", self.sms.timeout),
        ] {
            if let Some(Secs(s)) = t
                && !(1..=MAX_SEND_TIMEOUT).contains(&s)
            {
                return Err(bad(key, "must be between 1s and 5m"));
            }
        }
        if self.audit.retention.0 < MIN_AUDIT_RETENTION {
            return Err(bad("audit.retention", "must be at least 30d"));
        }
        let a = &self.password.argon2;
        if a.memory_kib < ARGON2_MIN.memory_kib
            || a.iterations < ARGON2_MIN.iterations
            || a.parallelism < ARGON2_MIN.parallelism
        {
            return Err(bad(
                "password.argon2",
                "may only be raised above memory_kib = 19456, iterations = 2, parallelism = 1",
            ));
        }
        if a.parallelism > 16 || a.memory_kib > 4 * 1024 * 1024 {
            return Err(bad(
                "password.argon2",
                "parallelism ≤ 16 and memory_kib ≤ 4 GiB",
            ));
        }
        if !(8..=64).contains(&self.password.min_length) {
            return Err(bad("password.min_length", "must be between 8 and 64"));
        }
        if self.default_region.len() != 2
            || !self.default_region.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(bad(
                "default_region",
                "must be a two-letter ISO 3166 region such as US",
            ));
        }
        if let Some(provider) = &self.sms.provider
            && !["gateway", "http", "command"].contains(&provider.as_str())
        {
            return Err(bad(
                "sms.provider",
                "must be \"gateway\", \"http\" or \"command\"",
            ));
        }
        Ok(())
    }
}

/// The most codes `limits` let through in any window of `window` seconds: each limit
/// admits `count` per `per`, so at most `count × ⌈window / per⌉` in the window, and the
/// tightest limit decides. Counted in u128 so that no configuration can overflow it.
pub fn most_sends_in(limits: &[IssueLimit], window: u64) -> u128 {
    limits
        .iter()
        .map(|l| {
            let per = u128::from(l.per.0.max(1));
            u128::from(l.count) * u128::from(window).div_ceil(per)
        })
        .min()
        .unwrap_or(u128::MAX)
}

/// The online guessing odds the policy gives (SPEC §6): an attacker who types
/// `max_failures` wrong codes before the lock, each against a space of
/// 10^`code_length`, succeeds with probability at most `max_failures / 10^len`.
/// (`max_attempts` only decides when a code is replaced; the lock counts across
/// codes, so it is the bound.)
pub fn guessing_odds(p: &Policy) -> f64 {
    f64::from(p.max_failures) / 10f64.powi(i32::from(p.code_length))
}

/// [`guessing_odds`] for people: `1 in 50,000 (20 guesses against 10^6 codes)`.
pub fn describe_guessing_odds(p: &Policy) -> String {
    let one_in = 10f64.powi(i32::from(p.code_length)) / f64::from(p.max_failures.max(1));
    format!(
        "an online attacker has at most a 1 in {} chance ({} wrong codes before the lock, \
         {} per code, against 10^{} codes)",
        group_thousands(one_in.floor() as u64),
        p.max_failures,
        p.max_attempts,
        p.code_length
    )
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Config {
    /// The `[password]` target keys (SPEC §8): the kind, and what that kind needs.
    /// Connection details are checked when the target is used (and by `doctor`).
    pub fn validate_target(&self) -> Result<(), Error> {
        let p = &self.password;
        let bad = |key: &str, why: &str| error::other(format!("config: {key}: {why}"));
        match p.target.as_deref().unwrap_or("builtin") {
            "builtin" => {}
            "command" => match &p.command {
                Some(c) if c.is_absolute() => {}
                Some(_) => {
                    return Err(bad("password.command", "must be an absolute path"));
                }
                None => {
                    return Err(bad(
                        "password.command",
                        "target = \"command\" needs command = \"/path/to/program\"",
                    ));
                }
            },
            "ldap" => {
                let Some(l) = &p.ldap else {
                    return Err(bad(
                        "password.ldap",
                        "target = \"ldap\" needs a [password.ldap] table with url, base_dn and bind_dn",
                    ));
                };
                for (key, value) in [
                    ("password.ldap.url", &l.url),
                    ("password.ldap.base_dn", &l.base_dn),
                    ("password.ldap.bind_dn", &l.bind_dn),
                ] {
                    if value.trim().is_empty() {
                        return Err(bad(key, "must be set"));
                    }
                }
                if let Some(f) = &l.user_filter
                    && !f.contains("{username}")
                {
                    return Err(bad(
                        "password.ldap.user_filter",
                        "must contain {username}, e.g. (uid={username})",
                    ));
                }
                if let Some(m) = &l.mode
                    && !["exop", "ad"].contains(&m.as_str())
                {
                    return Err(bad("password.ldap.mode", "must be \"exop\" or \"ad\""));
                }
                for (key, t) in [
                    ("password.ldap.connect_timeout", l.connect_timeout),
                    ("password.ldap.timeout", l.timeout),
                ] {
                    if let Some(Secs(s)) = t
                        && !(1..=300).contains(&s)
                    {
                        return Err(bad(key, "must be between 1s and 5m"));
                    }
                }
            }
            _ => {
                return Err(bad(
                    "password.target",
                    "must be \"builtin\", \"ldap\" or \"command\"",
                ));
            }
        }
        if let Some(Secs(s)) = p.command_timeout
            && !(1..=300).contains(&s)
        {
            return Err(bad("password.command_timeout", "must be between 1s and 5m"));
        }
        Ok(())
    }
}

/// The default configuration files, in the order they are applied. The user's
/// own file only in direct use: at uid 0, `HOME` and `XDG_CONFIG_HOME` may be the
/// sudo caller's (or, after a plain `su`, another user's), and a file of theirs
/// would choose the programs root runs (SPEC §7).
pub fn default_paths() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from(SYSTEM_CONFIG)];
    if crate::system::real_uid() != 0
        && let Some(dir) = xdg_dir("XDG_CONFIG_HOME", ".config")
    {
        v.push(dir.join("safecode").join("config.toml"));
    }
    v
}

/// Refuses a configuration file that anyone but root could have written (it
/// names the programs root runs), or whose directory others could write.
pub fn check_trusted(path: &Path) -> Result<(), Error> {
    crate::system::check_root_owned(path).map_err(|u| {
        error::other(format!("refusing configuration {}: {u}", path.display())).hint(format!(
            "chown root:root {p} && chmod go-w {p} (the configuration, its directory and those above it)",
            p = u.path.display()
        ))
    })
}

/// `$XDG_..._HOME`, or `$HOME/<fallback>`.
pub fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() && Path::new(&v).is_absolute() => Some(PathBuf::from(v)),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(fallback)),
    }
}

/// The default database path: `$XDG_DATA_HOME/safecode/safecode.db`.
pub fn default_db_path() -> Option<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share").map(|d| d.join("safecode").join("safecode.db"))
}

fn merge(into: &mut toml::Table, from: toml::Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn config_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let at = line.map(|l| format!(" line {l}")).unwrap_or_default();
    error::other(format!(
        "config {}{at}: {}",
        path.display(),
        one_line(e.message())
    ))
    .hint("see examples/config.toml for every key and its default")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Error> {
        let dir = tempfile::tempdir().map_err(|e| error::other(e.to_string()))?;
        let p = dir.path().join("c.toml");
        std::fs::write(&p, text).map_err(|e| error::other(e.to_string()))?;
        Config::load(Some(&p))
    }

    #[test]
    fn defaults_are_the_spec_defaults() {
        let c = Config::default();
        assert_eq!(c.policy.code_length, 6);
        assert_eq!(c.policy.code_ttl, Secs(600));
        assert_eq!(c.policy.max_attempts, 5);
        assert_eq!(c.policy.max_failures, 20);
        assert_eq!(c.policy.max_skips, 5);
        assert_eq!(c.policy.issue_limit.len(), 2);
        assert_eq!(c.password.min_length, 12);
        c.validate().unwrap();
    }

    #[test]
    fn unknown_key_is_named() {
        let e = parse("[policy]\ncode_lenght = 8\n").unwrap_err();
        assert!(e.message.contains("code_lenght"), "{}", e.message);
        assert!(e.message.contains("line 2"), "{}", e.message);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m").unwrap(), Secs(600));
        assert_eq!(parse_duration("24h").unwrap(), Secs(86400));
        assert_eq!(parse_duration("30d").unwrap(), Secs(30 * 86400));
        assert!(parse_duration("10").unwrap_err().contains("no unit"));
        assert!(parse_duration("ten minutes").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn full_example_parses() {
        let c = parse(
            r#"
database = "/tmp/x.db"
org_name = "HMS"
[policy]
code_length = 8
code_ttl = "5m"
issue_limit = [{ count = 2, per = "10m" }, { count = 5, per = "24h" }]
[password]
argon2 = { memory_kib = 65536, iterations = 3, parallelism = 1 }
[email]
smtp_url = "smtp://localhost:25"
from = "SafeCode <safecode@example.org>"
[sms]
provider = "command"
command = "/bin/true"
[carriers.acme]
name = "Acme"
gateway = "sms.acme.example"
"#,
        )
        .unwrap();
        assert_eq!(c.policy.code_length, 8);
        assert_eq!(c.policy.code_ttl, Secs(300));
        assert_eq!(c.password.argon2.memory_kib, 65536);
        assert!(c.carriers["acme"].active);
    }

    fn refused(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn guessing_limits_stay_within_nist() {
        let e = refused("[policy]\nmax_failures = 101\n");
        assert!(
            e.contains("policy.max_failures") && e.contains("100"),
            "{e}"
        );
        let e = refused("[policy]\nmax_attempts = 11\n");
        assert!(e.contains("policy.max_attempts") && e.contains("10"), "{e}");
        let e = refused("[policy]\ncode_length = 5\n");
        assert!(e.contains("policy.code_length") && e.contains("6"), "{e}");
        let e = refused("[policy]\ncode_ttl = \"601s\"\n");
        assert!(e.contains("policy.code_ttl") && e.contains("10m"), "{e}");
        parse("[policy]\nmax_failures = 100\nmax_attempts = 10\ncode_ttl = \"10m\"\n").unwrap();
    }

    #[test]
    fn the_send_limit_keeps_a_ceiling_against_sms_pumping() {
        // The issue's example: four billion codes a second.
        let e = refused("[policy]\nissue_limit = [{ count = 4000000000, per = \"1s\" }]\n");
        assert!(e.contains("policy.issue_limit"), "{e}");
        assert!(e.contains("10 codes per 15m and 50 per 24h"), "{e}");
        // Looser by rate on the short scale: 11 in 15 minutes.
        assert!(refused("[policy]\nissue_limit = [{ count = 11, per = \"15m\" }, { count = 20, per = \"24h\" }]\n").contains("allows 11 codes per 15m"));
        // Short windows add up: 2 per minute is 30 per 15 minutes.
        assert!(refused("[policy]\nissue_limit = [{ count = 2, per = \"1m\" }, { count = 50, per = \"24h\" }]\n").contains("allows 30 codes per 15m"));
        // Tight on the short scale but nothing for the day: 10 per 15m is 960 a day.
        assert!(
            refused("[policy]\nissue_limit = [{ count = 10, per = \"15m\" }]\n")
                .contains("per 24h")
        );
        // A long window alone is bounded on both scales.
        parse("[policy]\nissue_limit = [{ count = 10, per = \"24h\" }]\n").unwrap();
        parse("[policy]\nissue_limit = [{ count = 10, per = \"15m\" }, { count = 50, per = \"24h\" }]\n").unwrap();
        assert!(
            refused("[policy]\nissue_limit = [{ count = 51, per = \"2d\" }]\n")
                .contains("allows 51 codes per 15m")
        );
        assert_eq!(most_sends_in(&Policy::default().issue_limit, 900), 3);
        assert_eq!(most_sends_in(&Policy::default().issue_limit, 86_400), 10);
    }

    #[test]
    fn send_timeouts_are_bounded_at_load() {
        for key in ["email", "sms"] {
            for bad in ["500000000000y", "301s", "0s"] {
                let e = refused(&format!("[{key}]\ntimeout = \"{bad}\"\n"));
                assert!(e.contains(&format!("{key}.timeout")), "{e}");
            }
            parse(&format!("[{key}]\ntimeout = \"5m\"\n")).unwrap();
        }
    }

    #[test]
    fn audit_retention_is_at_least_thirty_days() {
        assert_eq!(Config::default().audit.retention, Secs(400 * 86_400));
        let e = refused("[audit]\nretention = \"29d\"\n");
        assert!(e.contains("audit.retention") && e.contains("30d"), "{e}");
        assert_eq!(
            parse("[audit]\nretention = \"30d\"\n")
                .unwrap()
                .audit
                .retention,
            Secs(30 * 86_400)
        );
    }

    #[test]
    fn guessing_odds_come_from_the_configured_values() {
        let p = Policy::default();
        assert!((guessing_odds(&p) - 2e-5).abs() < 1e-12);
        assert!(
            describe_guessing_odds(&p).contains("1 in 50,000"),
            "{}",
            describe_guessing_odds(&p)
        );
        let loose = Policy {
            max_failures: 100,
            max_attempts: 10,
            ..Policy::default()
        };
        assert!(describe_guessing_odds(&loose).contains("1 in 10,000"));
        let tight = Policy {
            code_length: 8,
            ..Policy::default()
        };
        assert!(describe_guessing_odds(&tight).contains("1 in 5,000,000"));
    }

    #[test]
    fn policy_cannot_be_loosened() {
        assert!(parse("[policy]\ncode_ttl = \"11m\"\n").is_err());
        assert!(parse("[policy]\ncode_length = 4\n").is_err());
        assert!(parse("[policy]\nissue_limit = []\n").is_err());
        assert!(parse("[password]\nargon2 = { memory_kib = 1024 }\n").is_err());
    }
}
