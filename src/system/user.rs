//! Unix accounts and groups: the password and group databases through the
//! reentrant libc calls, behind plain Rust types.

use std::ffi::{CStr, CString};

/// A Unix account, as the password database knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// The real uid of this process (who started it; sudo makes it 0).
pub fn real_uid() -> u32 {
    // SAFETY: getuid cannot fail and has no preconditions.
    unsafe { libc::getuid() }
}

/// The effective uid (what file access is checked against).
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid cannot fail and has no preconditions.
    unsafe { libc::geteuid() }
}

/// The account with this uid, if the password database has one.
pub fn account_by_uid(uid: u32) -> Option<Account> {
    lookup_passwd(&|pwd, buf, len, result| {
        // SAFETY: all pointers come from `lookup_passwd` and are valid for `len`.
        unsafe { libc::getpwuid_r(uid, pwd, buf, len, result) }
    })
}

/// The account with this name, if any.
pub fn account_by_name(name: &str) -> Option<Account> {
    let cname = CString::new(name).ok()?;
    lookup_passwd(&|pwd, buf, len, result| {
        // SAFETY: `cname` is NUL-terminated and outlives the call; the rest come
        // from `lookup_passwd` and are valid for `len`.
        unsafe { libc::getpwnam_r(cname.as_ptr(), pwd, buf, len, result) }
    })
}

type PasswdCall<'a> = dyn Fn(*mut libc::passwd, *mut libc::c_char, libc::size_t, *mut *mut libc::passwd) -> libc::c_int
    + 'a;

fn lookup_passwd(call: &PasswdCall<'_>) -> Option<Account> {
    let mut len = 1024;
    loop {
        let mut buf = vec![0 as libc::c_char; len];
        let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = call(pwd.as_mut_ptr(), buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == libc::ERANGE && len < 1 << 20 {
            len *= 4;
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        // SAFETY: on success `result` points to the initialised `pwd`, whose
        // pw_name is a NUL-terminated string inside `buf`, alive for this scope.
        let (name, uid, gid) = unsafe {
            let p = &*result;
            (
                CStr::from_ptr(p.pw_name).to_string_lossy().into_owned(),
                p.pw_uid,
                p.pw_gid,
            )
        };
        return Some(Account { name, uid, gid });
    }
}

/// Every group id the account belongs to (its primary group first), from
/// `getgrouplist`, i.e. `/etc/group` and NSS, not the groups of this process.
pub fn group_ids(account: &Account) -> Vec<u32> {
    let Ok(cname) = CString::new(account.name.as_str()) else {
        return vec![account.gid];
    };
    let mut n: libc::c_int = 64;
    loop {
        let mut groups = vec![0 as libc::gid_t; usize::try_from(n).unwrap_or(64)];
        let mut count = n;
        // SAFETY: `groups` has room for `count` entries; getgrouplist writes at
        // most that many and sets `count` to the number it needs.
        let rc = unsafe {
            libc::getgrouplist(cname.as_ptr(), account.gid, groups.as_mut_ptr(), &mut count)
        };
        if rc >= 0 {
            groups.truncate(usize::try_from(count).unwrap_or(0));
            return groups;
        }
        if count <= n || n > 65536 {
            return vec![account.gid];
        }
        n = count;
    }
}

/// The names of the account's groups (ids without a name are left out).
pub fn group_names(account: &Account) -> Vec<String> {
    group_ids(account)
        .into_iter()
        .filter_map(group_name)
        .collect()
}

/// The name of a group id.
pub fn group_name(gid: u32) -> Option<String> {
    lookup_group(&|grp, buf, len, result| {
        // SAFETY: all pointers come from `lookup_group` and are valid for `len`.
        unsafe { libc::getgrgid_r(gid, grp, buf, len, result) }
    })
    .map(|(name, _)| name)
}

/// The id of a group by name, if it exists.
pub fn group_id(name: &str) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    lookup_group(&|grp, buf, len, result| {
        // SAFETY: `cname` is NUL-terminated and outlives the call; the rest come
        // from `lookup_group` and are valid for `len`.
        unsafe { libc::getgrnam_r(cname.as_ptr(), grp, buf, len, result) }
    })
    .map(|(_, gid)| gid)
}

type GroupCall<'a> = dyn Fn(*mut libc::group, *mut libc::c_char, libc::size_t, *mut *mut libc::group) -> libc::c_int
    + 'a;

fn lookup_group(call: &GroupCall<'_>) -> Option<(String, u32)> {
    let mut len = 4096;
    loop {
        let mut buf = vec![0 as libc::c_char; len];
        let mut grp = std::mem::MaybeUninit::<libc::group>::uninit();
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = call(grp.as_mut_ptr(), buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == libc::ERANGE && len < 1 << 22 {
            len *= 4;
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        // SAFETY: on success `result` points to the initialised `grp`, whose
        // gr_name is a NUL-terminated string inside `buf`, alive for this scope.
        let (name, gid) = unsafe {
            let g = &*result;
            (
                CStr::from_ptr(g.gr_name).to_string_lossy().into_owned(),
                g.gr_gid,
            )
        };
        return Some((name, gid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_uid_zero_in_group_zero() {
        let root = account_by_uid(0).unwrap();
        assert_eq!(root.name, "root");
        assert_eq!(account_by_name("root"), Some(root.clone()));
        assert!(group_ids(&root).contains(&0));
        assert_eq!(group_name(0).as_deref(), Some("root"));
        assert_eq!(group_id("root"), Some(0));
    }

    #[test]
    fn unknown_names_are_none() {
        assert_eq!(account_by_name("no-such-user-safecode-test"), None);
        assert_eq!(account_by_name("nul\0byte"), None);
        assert_eq!(group_id("no-such-group-safecode-test"), None);
    }
}
