//! Test support shared by the unit tests in `src/send/` (included there with
//! `#[path]`) and the integration tests (`tests/common/servers.rs`): the python
//! servers beside this file, started per test and killed when dropped, plus a
//! refused port and a listener that never answers. Test code only: it unwraps.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A writer whose bytes a test can read back.
#[derive(Clone, Default)]
pub struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl SharedBuf {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn support(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("support")
        .join(script)
}

/// The Python that has the test servers' modules: Debian's (`python3-aiosmtpd`)
/// rather than whatever `python3` is first on PATH (pyenv, a venv), unless
/// `SAFECODE_TEST_PYTHON` names another.
pub fn python() -> std::ffi::OsString {
    if let Some(p) = std::env::var_os("SAFECODE_TEST_PYTHON") {
        return p;
    }
    if Path::new("/usr/bin/python3").exists() {
        return "/usr/bin/python3".into();
    }
    "python3".into()
}

/// A python test server, killed when dropped. It listens on a port the OS picks
/// (port argument 0) and tells it on its first line, `ready <port>`; its stdin is
/// a pipe, so it also exits by itself if this process dies.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    fn start(script: &str, args: &[&std::ffi::OsStr]) -> Server {
        let mut child = Command::new(python())
            .arg(support(script))
            .arg("0")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{}: {e}: apt-get install python3 python3-aiosmtpd (scripts/test installs them)", python().to_string_lossy())
            });
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
                panic!("{script} did not start (is aiosmtpd installed? apt-get install python3-aiosmtpd): {line:?}")
            });
        Server { child, port }
    }

    /// `tests/support/smtp_sink.py`, storing mail in `dir`.
    pub fn smtp_sink(dir: &Path, extra: &[&str]) -> Server {
        std::fs::create_dir_all(dir).unwrap();
        let mut args = vec![dir.as_os_str()];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        Server::start("smtp_sink.py", &args)
    }

    /// `tests/support/sms_api.py`, logging requests to `log`.
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

/// A port nothing listens on: connecting to it is refused at once.
pub fn refused_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A server that accepts connections and never says a word.
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

/// The messages the sink stored, in order, once there are `n` of them.
pub fn read_mails(dir: &Path, n: usize) -> Vec<String> {
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
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The requests `sms_api.py` logged.
pub fn read_requests(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
