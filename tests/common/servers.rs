//! Real delivery endpoints for the delivery tests: the python servers under
//! `tests/support/` (an SMTP sink and a Twilio-like SMS API) and a listener that
//! never answers. Servers die with their guard.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn support(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("support")
        .join(script)
}

/// A python test server on a port the OS picked; killed when dropped. Its stdin is
/// a pipe, so it also exits by itself if the test process dies.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    fn start(script: &str, args: &[&std::ffi::OsStr]) -> Server {
        let mut child = Command::new("python3")
            .arg(support(script))
            .arg("0")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{script} did not start (is aiosmtpd installed?): {line:?}")
            });
        Server { child, port }
    }

    /// `smtp_sink.py`, storing each accepted message in `dir`; `extra` are more
    /// arguments (`--reject ADDRESS`).
    pub fn smtp_sink(dir: &Path, extra: &[&str]) -> Server {
        std::fs::create_dir_all(dir).unwrap();
        let mut args = vec![dir.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        Server::start("smtp_sink.py", &args)
    }

    /// `sms_api.py`, logging each request to `log`; `extra` are more arguments
    /// (`--token T`, `--fail-to NUMBER`).
    pub fn sms_api(log: &Path, extra: &[&str]) -> Server {
        let mut args = vec![log.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        Server::start("sms_api.py", &args)
    }

    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A listener that accepts connections and never says a word (a hung server). It
/// lives as long as the test binary.
pub fn silent_server() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming() {
            held.push(s);
        }
    });
    port
}

/// One message the SMTP sink stored.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The RCPT TO addresses, as the sink recorded them.
    pub envelope_to: String,
    /// The header block, unfolded, CRLF made LF.
    pub headers: String,
    /// The body, decoded from its Content-Transfer-Encoding.
    pub body: String,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
        let headers = head.replace("\n ", " ").replace("\n\t", " ");
        let mut mail = Mail {
            envelope_to: String::new(),
            headers,
            body: String::new(),
        };
        mail.envelope_to = mail.header("X-Envelope-To").unwrap_or_default();
        let cte = mail
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        mail.body = match cte.as_str() {
            "quoted-printable" => decode_qp(body),
            "base64" => String::from_utf8(decode_base64(body)).unwrap(),
            _ => body.to_string(),
        };
        mail
    }

    /// The value of a header, if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The SafeCode in the body: the first run of exactly `len` digits.
    pub fn code(&self, len: usize) -> String {
        code_in(&self.body, len)
    }
}

/// The first run of exactly `len` digits in `text`.
pub fn code_in(text: &str, len: usize) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == len)
        .unwrap_or_else(|| panic!("no {len}-digit code in:\n{text}"))
        .to_string()
}

fn decode_qp(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(b) = joined
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextets: Vec<u32> = text
        .bytes()
        .filter_map(|b| ALPHABET.iter().position(|&a| a == b))
        .map(|p| p as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, s)| n | (s << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

/// The messages the sink stored, in order, once there are at least `n` of them
/// (the sink writes each file before it answers 250, so this rarely waits).
pub fn mails(dir: &Path, n: usize) -> Vec<Mail> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        if names.len() >= n || Instant::now() > deadline {
            names.sort();
            return names
                .iter()
                .map(|p| Mail::parse(&std::fs::read_to_string(p).unwrap()))
                .collect();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The requests `sms_api.py` logged, in order.
pub fn requests(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// An executable shell script in `dir`.
pub fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}
