//! Who is acting, for the audit log: the operating-system user of the process, from
//! the real uid (under sudo, the invoking user as sudo reports it), plus the
//! optional `--actor` annotation. `--actor` can annotate but never hide who acted.

use std::ffi::CStr;

#[derive(Debug, Clone)]
pub struct Who {
    /// `alice`, or `alice (sudo)` when root was reached through sudo.
    pub os_user: String,
    /// Free text from `--actor` / `SAFECODE_ACTOR`, e.g. a ticket handle.
    pub actor: Option<String>,
}

impl Who {
    pub fn current(actor: Option<String>) -> Who {
        // SAFETY: getuid cannot fail and has no preconditions.
        let uid = unsafe { libc::getuid() };
        let name = user_name(uid).unwrap_or_else(|| format!("uid {uid}"));
        // sudo sets SUDO_USER to the invoking user. As root that is the person; under
        // `sudo -u service` both names are kept. An environment variable can be
        // forged, so the real uid's name is always part of the record (except for
        // root, who could forge anything anyway).
        let os_user = match std::env::var("SUDO_USER") {
            Ok(s) if !s.is_empty() && uid == 0 => format!("{} (sudo)", clean(&s)),
            Ok(s) if !s.is_empty() && s != name => format!("{} (sudo as {name})", clean(&s)),
            _ => name,
        };
        let actor = actor
            .map(|a| a.chars().filter(|c| !c.is_control()).take(128).collect())
            .filter(|a: &String| !a.trim().is_empty());
        Who { os_user, actor }
    }
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn user_name(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the stated lengths; getpwuid_r writes only
    // into `pwd` and `buf`, and sets `result` to `pwd` or null.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            pwd.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() {
        return None;
    }
    // SAFETY: on success `result` points to the initialised `pwd`, whose pw_name is a
    // NUL-terminated string inside `buf`, alive for this scope.
    let name = unsafe { CStr::from_ptr((*result).pw_name) };
    Some(name.to_string_lossy().into_owned())
}
