//! Reading and checking new passwords, shared by `user add`, `set-password` and
//! `reset`. Passwords never come from argv (they would show in `ps`): a hidden
//! prompt with confirmation, or one line on stdin.

use std::io::{BufRead, IsTerminal, Read};

use dialoguer::Password;
use zeroize::Zeroizing;

use crate::Ctx;
use crate::error;
use crate::password::{self, Policy};

/// Longest line read from stdin; anything longer is refused before any work.
const MAX_STDIN: u64 = 64 * 1024;

/// Reads one line from stdin (without its line ending). The password and the
/// buffer it was read into are wiped when dropped.
pub(crate) fn from_stdin() -> anyhow::Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        // Reading a visible password from a terminal would echo it.
        return Err(
            error::usage("--password-stdin reads from a pipe, not a terminal")
                .hint("pipe the password in, or leave out --password-stdin to be prompted")
                .into(),
        );
    }
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(MAX_STDIN)
        .read_line(&mut line)
        .map_err(|e| error::usage(format!("cannot read the password from stdin: {e}")))?;
    let pw = line.strip_suffix('\n').unwrap_or(&line);
    let pw = Zeroizing::new(pw.strip_suffix('\r').unwrap_or(pw).to_string());
    if pw.is_empty() {
        return Err(error::usage("no password on stdin")
            .hint("echo the new password into the command, one line")
            .into());
    }
    Ok(pw)
}

/// Reads the password `authenticate` checks: all of stdin (at most 64 KiB), less
/// one line ending, or exactly one trailing NUL byte (older `pam_exec` releases
/// end the password with one). Wiped from memory when dropped.
pub(crate) fn authtok_from_stdin() -> anyhow::Result<crate::target::Secret> {
    if std::io::stdin().is_terminal() {
        return Err(
            error::usage("authenticate reads the password from a pipe, not a terminal")
                .hint("echo the password into the command, or use pam_exec's expose_authtok")
                .into(),
        );
    }
    let mut raw = zeroize::Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(MAX_STDIN)
        .read_to_end(&mut raw)
        .map_err(|e| error::usage(format!("cannot read the password from stdin: {e}")))?;
    let text = authtok(&raw);
    if text.is_empty() {
        return Err(error::usage("no password on stdin")
            .hint("echo the password into the command, one line")
            .into());
    }
    Ok(text)
}

/// The password in what `authenticate` read (see [`authtok_from_stdin`]). Bytes
/// that are not UTF-8 cannot be anyone's password; they become U+FFFD and fail.
fn authtok(raw: &[u8]) -> crate::target::Secret {
    let body = match raw {
        [rest @ .., 0] => rest,
        [rest @ .., b'\r', b'\n'] => rest,
        [rest @ .., b'\n'] => rest,
        all => all,
    };
    crate::target::Secret::new(String::from_utf8_lossy(body).into_owned())
}

/// A hidden prompt with confirmation, on the terminal; wiped when dropped.
pub(crate) fn prompt(what: &str) -> anyhow::Result<Zeroizing<String>> {
    Password::new()
        .with_prompt(what)
        .with_confirmation("Repeat it", "The two entries differ; try again")
        .interact()
        .map(Zeroizing::new)
        .map_err(|e| error::other(format!("prompt: {e}")).into())
}

/// Applies the password policy (exit 4 with the reason) and hashes with argon2id.
pub(crate) fn check_and_hash(
    ctx: &Ctx,
    candidate: &str,
    context: &[&str],
    current_phc: Option<&str>,
) -> anyhow::Result<String> {
    let normalized = check(ctx, candidate, context, current_phc)?;
    password::hash(&normalized, &ctx.config.password.argon2)
        .map_err(|e| error::other(format!("hashing the password: {e}")).into())
}

/// The policy check alone; returns the NFKC-normalised password.
pub(crate) fn check(
    ctx: &Ctx,
    candidate: &str,
    context: &[&str],
    current_phc: Option<&str>,
) -> anyhow::Result<Zeroizing<String>> {
    let policy = Policy::from(&ctx.config.password);
    let context: Vec<&str> = context.iter().copied().filter(|s| !s.is_empty()).collect();
    password::check(candidate, &policy, &context, current_phc)
        .map(Zeroizing::new)
        .map_err(|w| {
            error::policy(format!("password refused: {w}"))
                .hint("a long phrase of unrelated words works well; no composition rules apply")
                .into()
        })
}

#[cfg(test)]
mod tests {
    use super::authtok;

    #[test]
    fn authtok_takes_one_line_ending_or_exactly_one_nul() {
        assert_eq!(authtok(b"secret\n").as_str(), "secret");
        assert_eq!(authtok(b"secret\r\n").as_str(), "secret");
        assert_eq!(authtok(b"secret").as_str(), "secret");
        assert_eq!(authtok(b"secret\0").as_str(), "secret");
        // A second NUL stays, and so no password matches.
        assert_eq!(authtok(b"secret\0\0").as_str(), "secret\0");
        assert_eq!(authtok(b"secret\n\n").as_str(), "secret\n");
    }
}
