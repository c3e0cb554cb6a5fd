//! Real delivery endpoints for the delivery tests: the python servers under
//! `tests/support/` (an SMTP sink and a Twilio-like SMS API) and a listener that
//! never answers. Servers die with their guard.

use std::path::{Path, PathBuf};

pub use shared::{Server, silent_server};

#[path = "../support/servers.rs"]
mod shared;

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
    shared::read_mails(dir, n)
        .iter()
        .map(|m| Mail::parse(m))
        .collect()
}

/// The requests `sms_api.py` logged, in order.
pub use shared::read_requests as requests;

/// An executable shell script in `dir`.
pub fn script(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}
