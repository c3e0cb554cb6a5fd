//! Real password targets for the target tests: an OpenLDAP `slapd` and an MIT
//! Kerberos KDC with kadmind, each started from a temp directory on free loopback
//! ports and stopped with its guard. Debian's `slapd`/`ldap-utils` and
//! `krb5-kdc`/`krb5-admin-server`/`krb5-user` (installed by scripts/test).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const BASE: &str = "dc=example,dc=org";
pub const PEOPLE: &str = "ou=people,dc=example,dc=org";
pub const SERVICE_DN: &str = "cn=safecode,dc=example,dc=org";
pub const SERVICE_PW: &str = "service-account-pw";
const ROOT_DN: &str = "cn=admin,dc=example,dc=org";
const ROOT_PW: &str = "root-admin-pw";

/// Fails the test with one line naming the Debian package when a tool is missing.
pub fn need(tool: &str, package: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let p = Path::new(dir).join(tool);
        if p.exists() {
            return p;
        }
    }
    panic!("{tool} not found: apt-get install {package} (scripts/test installs it)");
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening on {port}: {status}");
        }
        assert!(Instant::now() < deadline, "{what} never listened on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A test CA and a server certificate for `localhost` only (not 127.0.0.1), so a
/// connection to the IP address is a wrong host name.
pub struct TestCa {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn make(dir: &Path) -> TestCa {
        let openssl = need("openssl", "openssl");
        let p = |n: &str| dir.join(n);
        run_ok(
            Command::new(&openssl)
                .args([
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=safecode test CA",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ])
                .arg("-keyout")
                .arg(p("ca.key"))
                .arg("-out")
                .arg(p("ca.pem")),
        );
        run_ok(
            Command::new(&openssl)
                .args([
                    "req",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                ])
                .arg("-keyout")
                .arg(p("server.key"))
                .arg("-out")
                .arg(p("server.csr")),
        );
        std::fs::write(
            p("ext.cnf"),
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run_ok(
            Command::new(&openssl)
                .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
                .arg("-in")
                .arg(p("server.csr"))
                .arg("-CA")
                .arg(p("ca.pem"))
                .arg("-CAkey")
                .arg(p("ca.key"))
                .arg("-extfile")
                .arg(p("ext.cnf"))
                .arg("-out")
                .arg(p("server.pem")),
        );
        // slapd drops no privileges here (run as root), but keep the key private.
        TestCa {
            ca: p("ca.pem"),
            cert: p("server.pem"),
            key: p("server.key"),
        }
    }
}

#[derive(Default)]
pub struct SlapdOptions {
    /// Also listen on ldaps:// with a test CA's certificate (StartTLS on ldap:// too).
    pub tls: bool,
    /// A schema with `unicodePwd`, for the Active Directory mode.
    pub ad_schema: bool,
}

/// A running slapd with `dc=example,dc=org`, the ppolicy overlay (history of 5),
/// a service account that may write passwords, and users added with [`Slapd::user`].
pub struct Slapd {
    pub dir: TempDir,
    pub port: u16,
    pub tls_port: Option<u16>,
    pub ca: Option<TestCa>,
    conf: PathBuf,
    child: Option<Child>,
}

impl Slapd {
    pub fn start(opts: SlapdOptions) -> Slapd {
        let slapd = need("slapd", "slapd");
        need("ldapwhoami", "ldap-utils");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("db")).unwrap();
        let ca = opts.tls.then(|| TestCa::make(d));
        let mut conf = String::new();
        for s in ["core", "cosine", "inetorgperson", "nis"] {
            conf.push_str(&format!("include /etc/ldap/schema/{s}.schema\n"));
        }
        if opts.ad_schema {
            std::fs::write(
                d.join("ad.schema"),
                "attributetype ( 1.2.840.113556.1.4.90 NAME 'unicodePwd' \
                 SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )\n\
                 objectclass ( 1.3.6.1.4.1.99999.1.1 NAME 'safecodeTestAdUser' AUXILIARY MAY unicodePwd )\n",
            )
            .unwrap();
            conf.push_str(&format!("include {}\n", d.join("ad.schema").display()));
        }
        let ppolicy = Path::new("/usr/lib/ldap/ppolicy.so").exists();
        conf.push_str("modulepath /usr/lib/ldap\nmoduleload back_mdb\n");
        if ppolicy {
            conf.push_str("moduleload ppolicy\n");
        }
        conf.push_str(&format!("pidfile {}\n", d.join("slapd.pid").display()));
        if let Some(ca) = &ca {
            conf.push_str(&format!(
                "TLSCACertificateFile {}\nTLSCertificateFile {}\nTLSCertificateKeyFile {}\n",
                ca.ca.display(),
                ca.cert.display(),
                ca.key.display()
            ));
        }
        conf.push_str(&format!(
            "database mdb\nsuffix \"{BASE}\"\nrootdn \"{ROOT_DN}\"\nrootpw {ROOT_PW}\ndirectory {}\nmaxsize 10485760\n",
            d.join("db").display()
        ));
        if ppolicy {
            conf.push_str(&format!(
                "overlay ppolicy\nppolicy_default \"cn=default,ou=policies,{BASE}\"\n"
            ));
        }
        let secret_attrs = if opts.ad_schema {
            "userPassword,unicodePwd"
        } else {
            "userPassword"
        };
        conf.push_str(&format!(
            "access to attrs={secret_attrs} by dn.exact=\"{SERVICE_DN}\" write by self write by anonymous auth by * none\n\
             access to * by * read\n"
        ));
        let conf_path = d.join("slapd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut ldif = format!(
            "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n\
             dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n\
             dn: ou=policies,{BASE}\nobjectClass: organizationalUnit\nou: policies\n\n\
             dn: {SERVICE_DN}\nobjectClass: person\ncn: safecode\nsn: service\nuserPassword: {SERVICE_PW}\n\n"
        );
        if ppolicy {
            ldif.push_str(&format!(
                "dn: cn=default,ou=policies,{BASE}\nobjectClass: pwdPolicy\nobjectClass: device\n\
                 cn: default\npwdAttribute: userPassword\npwdInHistory: 5\n\n"
            ));
        }
        std::fs::write(d.join("init.ldif"), ldif).unwrap();
        run_ok(
            Command::new(need("slapadd", "slapd"))
                .arg("-f")
                .arg(&conf_path)
                .arg("-l")
                .arg(d.join("init.ldif")),
        );
        let mut s = Slapd {
            dir,
            port: 0,
            tls_port: None,
            ca,
            conf: conf_path,
            child: None,
        };
        s.port = free_port();
        if s.ca.is_some() {
            s.tls_port = Some(free_port());
        }
        let _ = slapd;
        s.launch();
        s
    }

    fn launch(&mut self) {
        let mut urls = format!("ldap://127.0.0.1:{}/", self.port);
        if let Some(t) = self.tls_port {
            urls.push_str(&format!(" ldaps://127.0.0.1:{t}/"));
        }
        // -d 0: stay in the foreground, as our child, without debug output.
        let mut child = Command::new(need("slapd", "slapd"))
            .arg("-f")
            .arg(&self.conf)
            .args(["-h", &urls, "-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(self.port, &mut child, "slapd");
        if let Some(t) = self.tls_port {
            wait_for_port(t, &mut child, "slapd (ldaps)");
        }
        self.child = Some(child);
    }

    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    pub fn user_dn(uid: &str) -> String {
        format!("uid={uid},{PEOPLE}")
    }

    /// Adds `uid` with `password` (as the directory's root).
    pub fn user(&self, uid: &str, password: &str) -> &Self {
        self.add(&format!(
            "dn: {}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\nuserPassword: {password}\n",
            Slapd::user_dn(uid)
        ));
        self
    }

    pub fn add(&self, ldif: &str) {
        use std::io::Write;
        let mut child = Command::new(need("ldapadd", "ldap-utils"))
            .args(["-x", "-H", &self.url(), "-D", ROOT_DN, "-w", ROOT_PW])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(ldif.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "ldapadd: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Whether `password` binds as `dn`, asked with `ldapwhoami`.
    pub fn binds(&self, dn: &str, password: &str) -> bool {
        Command::new(need("ldapwhoami", "ldap-utils"))
            .args(["-x", "-H", &self.url(), "-D", dn, "-w", password])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    }

    /// The values of an attribute of an entry, read as the root (`attr:: base64`
    /// decoded to bytes).
    pub fn values(&self, dn: &str, attr: &str) -> Vec<Vec<u8>> {
        let out = run_ok(Command::new(need("ldapsearch", "ldap-utils")).args([
            "-x",
            "-LLL",
            "-o",
            "ldif-wrap=no",
            "-H",
            &self.url(),
            "-D",
            ROOT_DN,
            "-w",
            ROOT_PW,
            "-b",
            dn,
            "-s",
            "base",
            "(objectClass=*)",
            attr,
        ]));
        let mut values = Vec::new();
        for line in out.lines() {
            if let Some(v) = line.strip_prefix(&format!("{attr}:: ")) {
                values.push(base64(v));
            } else if let Some(v) = line.strip_prefix(&format!("{attr}: ")) {
                values.push(v.as_bytes().to_vec());
            }
        }
        values
    }

    /// Stops the server (kills it); [`Slapd::restart`] brings it back on the same ports.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// SIGSTOP / SIGCONT: the server accepts connections but answers nothing.
    pub fn freeze(&self, frozen: bool) {
        let pid = self.child.as_ref().unwrap().id();
        run_ok(
            Command::new("kill")
                .arg(if frozen { "-STOP" } else { "-CONT" })
                .arg(pid.to_string()),
        );
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.freeze(false);
        }
        self.stop();
    }
}

fn base64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = A.iter().position(|a| *a == c).unwrap() as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

/// A throwaway MIT Kerberos realm `SAFECODE.TEST`: krb5kdc and kadmind on free
/// loopback ports, an admin principal `safecode/admin` with a keytab.
pub struct Kdc {
    pub dir: TempDir,
    pub krb5_conf: PathBuf,
    pub kdc_conf: PathBuf,
    pub keytab: PathBuf,
    children: Vec<Child>,
}

pub const REALM: &str = "SAFECODE.TEST";

impl Kdc {
    pub fn start() -> Kdc {
        let kdb5_util = need("kdb5_util", "krb5-kdc");
        let krb5kdc = need("krb5kdc", "krb5-kdc");
        let kadmind = need("kadmind", "krb5-admin-server");
        need("kinit", "krb5-user");
        need("kadmin", "krb5-user");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (kdc_port, admin_port, kpasswd_port) = (free_port(), free_port(), free_port());
        let krb5_conf = d.join("krb5.conf");
        std::fs::write(
            &krb5_conf,
            format!(
                "[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n\
                 [realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{kdc_port}\n  admin_server = 127.0.0.1:{admin_port}\n }}\n"
            ),
        )
        .unwrap();
        let kdc_conf = d.join("kdc.conf");
        std::fs::write(
            &kdc_conf,
            format!(
                "[kdcdefaults]\n kdc_ports = {kdc_port}\n kdc_tcp_ports = {kdc_port}\n[realms]\n {REALM} = {{\n\
                  database_name = {db}\n  key_stash_file = {stash}\n  acl_file = {acl}\n\
                  kadmind_port = {admin_port}\n  kpasswd_port = {kpasswd_port}\n }}\n",
                db = d.join("principal").display(),
                stash = d.join("stash").display(),
                acl = d.join("kadm5.acl").display(),
            ),
        )
        .unwrap();
        std::fs::write(d.join("kadm5.acl"), format!("safecode/admin@{REALM} *\n")).unwrap();
        let mut kdc = Kdc {
            keytab: d.join("admin.keytab"),
            dir,
            krb5_conf,
            kdc_conf,
            children: Vec::new(),
        };
        run_ok(kdc.env(&mut Command::new(kdb5_util)).args([
            "create",
            "-s",
            "-r",
            REALM,
            "-P",
            "master-key-pw",
        ]));
        kdc.local("addprinc -randkey safecode/admin");
        let q = format!("ktadd -k {} safecode/admin", kdc.keytab.display());
        kdc.local(&q);
        let mut c = kdc
            .env(&mut Command::new(krb5kdc))
            .args(["-n", "-P"])
            .arg(kdc.dir.path().join("kdc.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(kdc_port, &mut c, "krb5kdc");
        kdc.children.push(c);
        let mut c = kdc
            .env(&mut Command::new(kadmind))
            .args(["-nofork", "-P"])
            .arg(kdc.dir.path().join("kadmind.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(admin_port, &mut c, "kadmind");
        kdc.children.push(c);
        kdc
    }

    pub fn env<'a>(&self, c: &'a mut Command) -> &'a mut Command {
        c.env("KRB5_CONFIG", &self.krb5_conf)
            .env("KRB5_KDC_PROFILE", &self.kdc_conf)
            .env("KRB5CCNAME", self.dir.path().join("ccache"))
    }

    /// Runs a `kadmin.local` query.
    pub fn local(&self, query: &str) -> String {
        run_ok(
            self.env(&mut Command::new(need("kadmin.local", "krb5-admin-server")))
                .args(["-q", query]),
        )
    }

    /// Whether `kinit principal` succeeds with `password`.
    pub fn kinit(&self, principal: &str, password: &str) -> bool {
        use std::io::Write;
        let mut child = self
            .env(&mut Command::new(need("kinit", "krb5-user")))
            .arg(principal)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait().unwrap().success()
    }
}

impl Drop for Kdc {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
