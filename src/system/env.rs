//! The environment of programs safecode runs (`[sms] command`, later
//! `[password] command`). It is built from an allow-list, never by removing
//! bad variables from ours: under sudo our environment is the caller's, and a
//! variable nobody thought of (`LD_PRELOAD`, `BASH_ENV`, `PERL5OPT`, a secret
//! such as `SAFECODE_SMS_TOKEN`) must not reach a program running as root.

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// The search path every child gets: system directories only.
pub const CHILD_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The locale every child gets under privilege.
pub const CHILD_LANG: &str = "C.UTF-8";

/// Variables a direct (unprivileged) user's own child programs may keep: they
/// describe that user's session and are theirs to set.
const KEEP_WHEN_DIRECT: &[&str] = &["HOME", "USER", "LOGNAME", "TZ", "TMPDIR"];

/// The child environment. `privileged` (we run as root): PATH and LANG fixed,
/// nothing taken from ours. Otherwise: the same fixed PATH, LANG and the LC_*
/// locale, and the session variables of [`KEEP_WHEN_DIRECT`]; never a
/// `SAFECODE_*` variable, which is where the secrets live.
pub fn child_env<I>(ours: I, privileged: bool) -> Vec<(OsString, OsString)>
where
    I: IntoIterator<Item = (OsString, OsString)>,
{
    let mut env = vec![(OsString::from("PATH"), OsString::from(CHILD_PATH))];
    let mut lang = None;
    if !privileged {
        for (k, v) in ours {
            if should_keep(&k, &v) {
                if k == "LANG" {
                    lang = Some(v);
                } else {
                    env.push((k, v));
                }
            }
        }
    }
    env.push((
        OsString::from("LANG"),
        lang.unwrap_or_else(|| OsString::from(CHILD_LANG)),
    ));
    env.sort();
    env
}

/// Whether a direct user's variable is passed on.
fn should_keep(key: &OsStr, value: &OsStr) -> bool {
    let Some(k) = key.to_str() else {
        return false;
    };
    // A value with a NUL or a huge value is not a session variable.
    if value.len() > 4096 {
        return false;
    }
    let locale = k == "LANG" || (k.starts_with("LC_") && k.len() > 3);
    // A locale naming a path could point a program at files of the caller's.
    let plain = value
        .to_str()
        .is_some_and(|v| !v.contains('/') && !v.contains(".."));
    (locale && plain) || KEEP_WHEN_DIRECT.contains(&k)
}

/// Gives `cmd` the child environment instead of ours; under privilege it also
/// starts in `/`, not in the caller's directory (where a relative name the
/// program opens would be theirs to choose).
pub fn apply_child_env(cmd: &mut Command) {
    let privileged = super::user::effective_uid() == 0;
    cmd.env_clear()
        .envs(child_env(std::env::vars_os(), privileged));
    if privileged {
        cmd.current_dir("/");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    fn names(env: &[(OsString, OsString)]) -> Vec<String> {
        env.iter()
            .map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy()))
            .collect()
    }

    const HOSTILE: &[(&str, &str)] = &[
        ("PATH", "/home/mallory/bin:/usr/bin"),
        ("LD_PRELOAD", "/home/mallory/evil.so"),
        ("LD_LIBRARY_PATH", "/home/mallory"),
        ("BASH_ENV", "/home/mallory/.bashrc"),
        ("ENV", "/home/mallory/.shrc"),
        ("IFS", "x"),
        ("PERL5OPT", "-Mevil"),
        ("PYTHONPATH", "/home/mallory"),
        ("SAFECODE_SMS_TOKEN", "secret"),
        ("SAFECODE_SMTP_PASSWORD", "secret"),
        ("SAFECODE_CONFIG", "/home/mallory/evil.toml"),
        ("HOME", "/home/mallory"),
        ("LANG", "en_US.UTF-8"),
        ("LC_ALL", "/home/mallory/locale"),
        ("LC_TIME", "de_DE.UTF-8"),
        ("TZ", "America/New_York"),
        ("SUDO_USER", "mallory"),
    ];

    #[test]
    fn privileged_children_get_only_the_fixed_pair() {
        assert_eq!(
            names(&child_env(vars(HOSTILE), true)),
            [format!("LANG={CHILD_LANG}"), format!("PATH={CHILD_PATH}")]
        );
    }

    #[test]
    fn direct_children_keep_their_session_but_no_secret_or_loader_variable() {
        let env = names(&child_env(vars(HOSTILE), false));
        assert_eq!(
            env,
            [
                "HOME=/home/mallory".to_string(),
                "LANG=en_US.UTF-8".into(),
                "LC_TIME=de_DE.UTF-8".into(),
                format!("PATH={CHILD_PATH}"),
                "TZ=America/New_York".into(),
            ]
        );
    }

    #[test]
    fn the_table_of_single_variables() {
        let table = [
            ("HOME", "/root", true),
            ("LANG", "C", true),
            ("LC_CTYPE", "C.UTF-8", true),
            ("LC_", "x", false),
            ("LC_ALL", "../../tmp", false),
            ("LD_AUDIT", "x.so", false),
            ("SAFECODE_DB", "/tmp/x.db", false),
            ("SAFECODE_LDAP_PASSWORD", "x", false),
            ("PATH", "/bin", false),
            ("SHELLOPTS", "xtrace", false),
            ("PS4", "$(id)", false),
        ];
        for (k, v, keep) in table {
            assert_eq!(should_keep(OsStr::new(k), OsStr::new(v)), keep, "{k}={v}");
        }
    }
}
