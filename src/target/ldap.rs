//! The LDAP target (SPEC §8): the password lives in a directory.
//!
//! - The entry is found by a subtree search under `base_dn` with `user_filter`
//!   (`{username}` escaped per RFC 4515), bound as the service account `bind_dn`.
//! - `mode = "exop"` (default) sets it with the RFC 3062 Password Modify extended
//!   operation, so the directory hashes it and applies its own policy (ppolicy);
//!   `mode = "ad"` replaces `unicodePwd` with the UTF-16LE of the quoted password,
//!   as Active Directory wants.
//! - `authenticate` binds as the user.
//! - TLS: `ldaps://`, or `ldap://` with `starttls = true`; certificates and the host
//!   name are verified (rustls with the ring provider, chosen here explicitly), with
//!   `ca_file` for a private CA. Plain `ldap://` is refused unless the host is a
//!   loopback address.
//!
//! ldap3's sync API runs a single-threaded tokio runtime inside each connection;
//! nothing else in safecode is asynchronous.

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ldap3::exop::PasswordModify;
use ldap3::{LdapConn, LdapConnSettings, LdapError, LdapResult, Mod, ResultEntry, Scope};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use url::{Host, Url};
use zeroize::Zeroizing;

use super::{Account, Change, PasswordTarget, Secret, current_euid, privileged_caller};
use crate::config::{Config, LdapConfig, Secs};
use crate::error::{self, Error};
use crate::send::{Check, Status, quote};

/// The environment variable that may hold the service account's password.
pub const PASSWORD_ENV: &str = "SAFECODE_LDAP_PASSWORD";
const DEFAULT_FILTER: &str = "(uid={username})";
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

// LDAP result codes (RFC 4511 appendix A).
const RC_CONSTRAINT_VIOLATION: u32 = 19;
const RC_INVALID_SYNTAX: u32 = 21;
const RC_NO_SUCH_OBJECT: u32 = 32;
const RC_INVALID_CREDENTIALS: u32 = 49;
const RC_INSUFFICIENT_ACCESS: u32 = 50;
const RC_UNWILLING: u32 = 53;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Ldaps,
    StartTls,
    /// Only to a loopback address.
    Plain,
}

pub struct LdapTarget {
    url: Url,
    transport: Transport,
    base_dn: String,
    user_filter: String,
    bind_dn: String,
    bind_password_file: Option<PathBuf>,
    ad: bool,
    ca_file: Option<PathBuf>,
    connect_timeout: Duration,
    timeout: Duration,
    doctor_user: Option<String>,
}

fn secs(s: Option<Secs>, default: Duration) -> Duration {
    match s {
        Some(Secs(n)) if n > 0 => Duration::from_secs(n),
        _ => default,
    }
}

/// Whether a URL's host is this machine, where a plain connection cannot be
/// read on the way.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        // ldap:// is not a "special" URL scheme, so the url crate leaves even an
        // IP address as an opaque host name.
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

impl LdapTarget {
    pub fn from_config(config: &Config) -> Result<LdapTarget, Error> {
        let l: LdapConfig = config.password.ldap.clone().ok_or_else(|| {
            error::other("[password] target = \"ldap\" needs a [password.ldap] table")
        })?;
        let url = Url::parse(&l.url).map_err(|e| {
            error::other(format!(
                "config: password.ldap.url: `{}`: {e}",
                quote(&l.url, 100)
            ))
        })?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(error::other(format!(
                "config: password.ldap.url: `{}` names no host",
                quote(&l.url, 100)
            )));
        }
        let transport = match (url.scheme(), l.starttls) {
            ("ldaps", _) => Transport::Ldaps,
            ("ldap", true) => Transport::StartTls,
            ("ldap", false) if is_loopback(&url) => Transport::Plain,
            ("ldap", false) => {
                return Err(error::other(format!(
                    "config: password.ldap.url: a plain connection to {} would send passwords readable on the network",
                    url.host_str().unwrap_or_default()
                ))
                .hint("use ldaps://, or set starttls = true (plain ldap:// is allowed only to a loopback address)"));
            }
            (other, _) => {
                return Err(error::other(format!(
                    "config: password.ldap.url: scheme `{}` is not ldaps:// or ldap://",
                    quote(other, 20)
                )));
            }
        };
        Ok(LdapTarget {
            url,
            transport,
            base_dn: l.base_dn,
            user_filter: l.user_filter.unwrap_or_else(|| DEFAULT_FILTER.to_string()),
            bind_dn: l.bind_dn,
            bind_password_file: l.bind_password_file,
            ad: l.mode.as_deref() == Some("ad"),
            ca_file: l.ca_file,
            connect_timeout: secs(l.connect_timeout, DEFAULT_CONNECT_TIMEOUT),
            timeout: secs(l.timeout, DEFAULT_TIMEOUT),
            doctor_user: l.doctor_user,
        })
    }

    fn host(&self) -> String {
        self.url.host_str().unwrap_or_default().to_string()
    }

    /// rustls with the ring provider (chosen explicitly) and the site's CA file or
    /// the system's roots.
    fn tls_config(&self) -> Result<Arc<rustls::ClientConfig>, Error> {
        let mut roots = rustls::RootCertStore::empty();
        match &self.ca_file {
            Some(f) => {
                let shown = f.display();
                let certs = CertificateDer::pem_file_iter(f)
                    .map_err(|e| error::other(format!("password.ldap.ca_file {shown}: {e}")))?;
                for cert in certs {
                    let cert = cert
                        .map_err(|e| error::other(format!("password.ldap.ca_file {shown}: {e}")))?;
                    roots
                        .add(cert)
                        .map_err(|e| error::other(format!("password.ldap.ca_file {shown}: {e}")))?;
                }
                if roots.is_empty() {
                    return Err(error::other(format!(
                        "password.ldap.ca_file {shown} holds no PEM certificate"
                    )));
                }
            }
            None => {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
                if roots.is_empty() {
                    return Err(error::other("no system CA certificates to verify the directory with")
                        .hint("set [password.ldap] ca_file to the CA that signs the directory's certificate"));
                }
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| error::other(format!("TLS setup: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    fn connect(&self) -> Result<LdapConn, Error> {
        let mut settings = LdapConnSettings::new().set_conn_timeout(self.connect_timeout);
        if self.transport != Transport::Plain {
            settings = settings
                .set_config(self.tls_config()?)
                .set_starttls(self.transport == Transport::StartTls);
        }
        LdapConn::from_url_with_settings(settings, &self.url).map_err(|e| {
            error::other(format!(
                "cannot connect to the directory {}: {}",
                self.url,
                describe(&e)
            ))
            .hint(match self.transport {
                Transport::Plain => {
                    "check [password.ldap] url and that the server runs".to_string()
                }
                _ => "check [password.ldap] url, ca_file, and that the certificate names this host"
                    .to_string(),
            })
        })
    }

    /// The service account's password: `bind_password_file`, else
    /// `SAFECODE_LDAP_PASSWORD` (not under sudo, where the caller sets the
    /// environment).
    fn bind_password(&self) -> Result<Secret, Error> {
        if let Some(f) = &self.bind_password_file {
            return read_secret_file(f, current_euid());
        }
        if privileged_caller() {
            return Err(error::other(
                "under sudo the LDAP service password is read only from [password.ldap] bind_password_file",
            )
            .hint("put it in a root-owned file of mode 600 and name it in bind_password_file"));
        }
        match std::env::var(PASSWORD_ENV) {
            Ok(p) if !p.is_empty() => Ok(Zeroizing::new(p)),
            _ => Err(
                error::other("no password for the LDAP service account").hint(format!(
                    "set [password.ldap] bind_password_file, or {PASSWORD_ENV}"
                )),
            ),
        }
    }

    /// Connects and binds as the service account.
    fn service(&self) -> Result<LdapConn, Error> {
        // Read first: no connection is opened without the credentials.
        let pw = self.bind_password()?;
        let mut conn = self.connect()?;
        let res = conn
            .with_timeout(self.timeout)
            .simple_bind(&self.bind_dn, &pw)
            .map_err(|e| self.op_error("binding as the service account", &e))?;
        drop(pw);
        if res.rc != 0 {
            return Err(error::other(format!(
                "the directory refused the service account {}: {}",
                quote(&self.bind_dn, 100),
                result_text(&res)
            ))
            .hint("check [password.ldap] bind_dn and its password"));
        }
        Ok(conn)
    }

    fn op_error(&self, what: &str, e: &LdapError) -> Error {
        error::other(format!(
            "directory {}: {what}: {}",
            self.host(),
            describe(e)
        ))
    }

    /// The DN of the user's entry; `None` when there is none.
    fn find_dn(&self, conn: &mut LdapConn, username: &str) -> Result<Option<String>, Error> {
        let filter = self
            .user_filter
            .replace("{username}", &ldap3::ldap_escape(username));
        let result = conn
            .with_timeout(self.timeout)
            .search(&self.base_dn, Scope::Subtree, &filter, vec!["1.1"])
            .map_err(|e| self.op_error("searching for the user", &e))?;
        let (entries, res) = (result.0, result.1);
        if res.rc == RC_NO_SUCH_OBJECT {
            return Err(error::other(format!(
                "the directory has no base {}",
                quote(&self.base_dn, 100)
            ))
            .hint("check [password.ldap] base_dn"));
        }
        if res.rc != 0 {
            return Err(error::other(format!(
                "the directory's search for the user failed: {}",
                result_text(&res)
            )));
        }
        let dns: Vec<String> = entries.into_iter().filter_map(dn_of).collect();
        match dns.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            _ => Err(error::other(format!(
                "{} directory entries match {}; refusing to guess which one",
                dns.len(),
                quote(&filter, 100)
            ))
            .hint("make [password.ldap] user_filter match one entry per username")),
        }
    }

    fn not_found(&self, username: &str) -> Error {
        error::not_found(format!(
            "no entry for {username} in the directory under {}",
            quote(&self.base_dn, 100)
        ))
        .hint("check the username, and [password.ldap] base_dn and user_filter")
    }
}

/// A secret file: private to its owner (and owned by root when safecode runs as
/// root), at most 4 KiB, one line.
pub(crate) fn read_secret_file(path: &Path, euid: u32) -> Result<Secret, Error> {
    let shown = path.display();
    let file =
        std::fs::File::open(path).map_err(|e| error::other(format!("cannot read {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| error::other(format!("cannot read {shown}: {e}")))?;
    if meta.mode() & 0o077 != 0 {
        return Err(error::other(format!(
            "{shown} is readable or writable by others (mode {:o})",
            meta.mode() & 0o777
        ))
        .hint(format!("chmod 600 {shown}")));
    }
    if euid == 0 && meta.uid() != 0 {
        return Err(error::other(format!(
            "{shown} is owned by uid {}, not by root",
            meta.uid()
        ))
        .hint(format!("chown root: {shown}")));
    }
    let mut text = Zeroizing::new(String::new());
    file.take(4096)
        .read_to_string(&mut text)
        .map_err(|e| error::other(format!("cannot read {shown}: {e}")))?;
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(error::other(format!("{shown} is empty")));
    }
    Ok(Zeroizing::new(line.to_string()))
}

/// The DN of a search result entry, without the library's panicking parser (a
/// directory's answer is input like any other).
fn dn_of(re: ResultEntry) -> Option<String> {
    let mut parts = re.0.match_id(4)?.expect_constructed()?.into_iter();
    String::from_utf8(parts.next()?.expect_primitive()?).ok()
}

fn result_text(res: &LdapResult) -> String {
    let name = match res.rc {
        RC_CONSTRAINT_VIOLATION => "constraint violation",
        RC_INVALID_SYNTAX => "invalid attribute syntax",
        RC_NO_SUCH_OBJECT => "no such object",
        RC_INVALID_CREDENTIALS => "invalid credentials",
        RC_INSUFFICIENT_ACCESS => "insufficient access",
        RC_UNWILLING => "unwilling to perform",
        _ => "error",
    };
    if res.text.trim().is_empty() {
        format!("{name} (result code {})", res.rc)
    } else {
        format!("{} ({name}, result code {})", quote(&res.text, 200), res.rc)
    }
}

fn describe(e: &LdapError) -> String {
    match e {
        LdapError::Timeout { .. } => "no answer in time (timeout)".to_string(),
        LdapError::LdapResult { result } => result_text(result),
        other => quote(&other.to_string(), 300),
    }
}

/// The UTF-16LE bytes of the password in double quotes: what Active Directory's
/// `unicodePwd` takes.
pub(crate) fn ad_unicode_pwd(password: &str) -> Zeroizing<Vec<u8>> {
    let quoted = Zeroizing::new(format!("\"{password}\""));
    Zeroizing::new(quoted.encode_utf16().flat_map(u16::to_le_bytes).collect())
}

impl PasswordTarget for LdapTarget {
    fn kind(&self) -> &'static str {
        "ldap"
    }

    fn set_password(&self, username: &str, password: &str) -> Result<Change, Error> {
        let mut conn = self.service()?;
        let dn = self
            .find_dn(&mut conn, username)?
            .ok_or_else(|| self.not_found(username))?;
        let res = if self.ad {
            let value = ad_unicode_pwd(password);
            // ldap3 takes the value by itself and encodes it into its own buffers,
            // which it does not wipe; our copy is.
            let values = HashSet::from([value.to_vec()]);
            conn.with_timeout(self.timeout)
                .modify(&dn, vec![Mod::Replace(b"unicodePwd".to_vec(), values)])
                .map_err(|e| self.op_error("replacing unicodePwd", &e))?
        } else {
            conn.with_timeout(self.timeout)
                .extended(PasswordModify {
                    user_id: Some(&dn),
                    old_pass: None,
                    new_pass: Some(password),
                })
                .map_err(|e| self.op_error("Password Modify", &e))?
                .1
        };
        let _ = conn.unbind();
        match res.rc {
            0 => Ok(Change::Applied),
            RC_CONSTRAINT_VIOLATION | RC_UNWILLING | RC_INVALID_SYNTAX => {
                Err(error::policy(format!(
                    "the directory refused the new password: {}",
                    result_text(&res)
                ))
                .hint("the directory's own password policy applies too: try another password"))
            }
            RC_INSUFFICIENT_ACCESS => Err(error::other(format!(
                "the directory does not let the service account set passwords: {}",
                result_text(&res)
            ))
            .hint("grant [password.ldap] bind_dn write access to the password attribute")),
            RC_NO_SUCH_OBJECT => Err(self.not_found(username)),
            _ => Err(error::other(format!(
                "the directory did not set the password: {}",
                result_text(&res)
            ))),
        }
    }

    fn authenticate(&self, account: &Account<'_>, candidate: &str) -> Result<bool, Error> {
        let mut conn = self.service()?;
        let dn = self.find_dn(&mut conn, account.username)?;
        // An empty password would be an "unauthenticated bind", which succeeds.
        if candidate.is_empty() {
            return Ok(false);
        }
        // A missing user costs a bind too, against a DN that does not exist.
        let target = dn.unwrap_or_else(|| format!("cn=safecode-no-such-entry,{}", self.base_dn));
        let res = conn
            .with_timeout(self.timeout)
            .simple_bind(&target, candidate)
            .map_err(|e| self.op_error("binding as the user", &e))?;
        let _ = conn.unbind();
        match res.rc {
            0 => Ok(true),
            RC_INVALID_CREDENTIALS => Ok(false),
            _ => Err(error::other(format!(
                "the directory could not check the password: {}",
                result_text(&res)
            ))),
        }
    }

    fn check(&self) -> Vec<Check> {
        let name = "password target";
        let how = match self.transport {
            Transport::Ldaps => "ldaps (TLS, certificate verified)",
            Transport::StartTls => "StartTLS (certificate verified)",
            Transport::Plain => "plain LDAP to a loopback address",
        };
        let mode = if self.ad {
            "Active Directory unicodePwd"
        } else {
            "RFC 3062 Password Modify"
        };
        let mut conn = match self.service() {
            Ok(c) => c,
            Err(e) => {
                let detail = match e.hint {
                    Some(h) => format!("ldap {}: {} (hint: {h})", self.url, e.message),
                    None => format!("ldap {}: {}", self.url, e.message),
                };
                return vec![Check::new(name, Status::Fail, detail)];
            }
        };
        let mut checks = vec![Check::new(
            name,
            Status::Ok,
            format!(
                "ldap {}: connected over {how}, bound as {}; sets passwords by {mode}",
                self.url,
                quote(&self.bind_dn, 100)
            ),
        )];
        checks.push(match &self.doctor_user {
            None => Check::new(
                "directory search",
                Status::Warn,
                "set [password.ldap] doctor_user to an entry doctor can look up",
            ),
            Some(u) => match self.find_dn(&mut conn, u) {
                Ok(Some(dn)) => Check::new(
                    "directory search",
                    Status::Ok,
                    format!("{u} found as {}", quote(&dn, 150)),
                ),
                Ok(None) => Check::new(
                    "directory search",
                    Status::Fail,
                    format!(
                        "doctor_user {u} not found under {} with {}",
                        quote(&self.base_dn, 100),
                        quote(&self.user_filter, 100)
                    ),
                ),
                Err(e) => Check::new("directory search", Status::Fail, e.message),
            },
        });
        let _ = conn.unbind();
        checks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str, starttls: bool) -> Result<LdapTarget, Error> {
        let mut c = Config::default();
        c.password.target = Some("ldap".into());
        c.password.ldap = Some(LdapConfig {
            url: url.into(),
            base_dn: "dc=example,dc=org".into(),
            bind_dn: "cn=safecode,dc=example,dc=org".into(),
            starttls,
            ..LdapConfig::default()
        });
        LdapTarget::from_config(&c)
    }

    #[test]
    fn plain_ldap_only_to_loopback() {
        assert_eq!(
            target("ldap://127.0.0.1:3890", false).unwrap().transport,
            Transport::Plain
        );
        assert_eq!(
            target("ldap://[::1]:3890", false).unwrap().transport,
            Transport::Plain
        );
        assert_eq!(
            target("ldap://localhost", false).unwrap().transport,
            Transport::Plain
        );
        let e = target("ldap://ldap.example.org", false).err().unwrap();
        assert!(
            e.message.contains("readable on the network"),
            "{}",
            e.message
        );
        assert!(target("ldap://10.0.0.1", false).is_err());
        assert_eq!(
            target("ldap://ldap.example.org", true).unwrap().transport,
            Transport::StartTls
        );
        assert_eq!(
            target("ldaps://ldap.example.org", false).unwrap().transport,
            Transport::Ldaps
        );
        assert!(target("http://ldap.example.org", false).is_err());
        assert!(target("not a url", false).is_err());
    }

    #[test]
    fn ad_password_is_utf16le_of_the_quoted_password() {
        assert_eq!(
            ad_unicode_pwd("né").as_slice(),
            &[0x22, 0, b'n', 0, 0xe9, 0, 0x22, 0][..]
        );
    }

    #[test]
    fn usernames_are_escaped_in_filters() {
        let f = DEFAULT_FILTER.replace("{username}", &ldap3::ldap_escape("a*)(uid=*"));
        assert_eq!(f, "(uid=a\\2a\\29\\28uid=\\2a)");
    }

    #[test]
    fn secret_files_must_be_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
        let e = read_secret_file(&f, current_euid()).unwrap_err();
        assert!(e.message.contains("mode 640"), "{}", e.message);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            read_secret_file(&f, current_euid()).unwrap().as_str(),
            "s3cret"
        );
        if current_euid() == 0 {
            std::os::unix::fs::chown(&f, Some(65534), None).unwrap();
            assert!(
                read_secret_file(&f, 0)
                    .unwrap_err()
                    .message
                    .contains("not by root")
            );
        }
    }
}
