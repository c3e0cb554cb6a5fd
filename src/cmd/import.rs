//! `safecode import FILE|-`: users and contacts from CSV.
//!
//! Every row goes through [`enroll::validate`] and [`enroll::plan`] /
//! [`enroll::write`], the same code path as `enroll`, so a CSV row and a typed
//! command obey the same rules.
//!
//! Shape: one thread reads and validates (CSV parsing, UTF-8, phone and email
//! parsing: the expensive part), the calling thread writes, in one `BEGIN IMMEDIATE`
//! transaction with cached prepared statements. Rows travel in small batches over a
//! bounded channel, so memory stays flat whatever the file size. The usernames
//! seen (duplicate detection) go to a temporary table on disk, checked by the
//! writer (see [`Store::bulk_mode`](crate::store::Store::bulk_mode)).
//!
//! Audit: one summary row per import, plus one row per replaced contact (the old
//! address matters to an investigation); added and confirmed contacts are in the
//! summary counts rather than a million chained rows.

use std::io::{BufReader, IsTerminal, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use serde::Serialize;

use super::enroll::{self, AuditEach, Change, NEEDS_REPLACE, NewContacts};
use super::{clean_name, codes};
use crate::Ctx;
use crate::cli::ImportArgs;
use crate::config::Config;
use crate::contact::{self, Carrier};
use crate::error;
use crate::store::{AuditEntry, BulkWriter, Contact, Store, Tx};

/// The columns a file may have; `username` is required. `phone_confirmed` and
/// `email_confirmed` (`yes` / `no`, written by `export`) say whether the import
/// vouches for that contact, so that export → import changes nothing.
pub(crate) const COLUMNS: [&str; 7] = [
    "username",
    "name",
    "phone",
    "carrier",
    "email",
    "phone_confirmed",
    "email_confirmed",
];

/// What to tell someone whose file is not UTF-8 (Excel's plain "CSV" is cp1252).
const SAVE_AS_UTF8: &str =
    "save the file as \"CSV UTF-8\" (in Excel: File > Save As > CSV UTF-8), then import it again";

/// No cell is longer than this; a longer one is reported, not stored.
const MAX_CELL: usize = 1024;
/// Problems printed in full; the rest are counted.
const SHOWN_PROBLEMS: usize = 20;
/// Rows per batch between the reading thread and the writing one.
const BATCH: usize = 1024;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problem {
    pub line: u64,
    pub column: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}: {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A row that passed validation.
#[derive(Debug)]
struct Row {
    line: u64,
    username: String,
    name: Option<String>,
    contacts: NewContacts,
    /// From `phone_confirmed` / `email_confirmed`: `Some(false)` when the file
    /// says the contact is not confirmed, so the import must not vouch for it.
    phone_confirmed: Option<bool>,
    email_confirmed: Option<bool>,
}

/// A row as the reader left it.
#[derive(Debug)]
enum Checked {
    Valid(Row),
    Invalid {
        line: u64,
        /// The username if it is valid: a later row must not repeat it, even
        /// though this one is rejected.
        username: Option<String>,
        problems: Vec<Problem>,
    },
}

enum Msg {
    Rows(Vec<Checked>),
    /// Bytes read so far, for the progress bar.
    Progress(u64),
    /// The file cannot be read on (I/O error, bad header): stop.
    Fatal(error::Error),
}

/// Where each known column sits in the file.
#[derive(Debug, Default)]
struct Layout {
    index: [Option<usize>; COLUMNS.len()],
    width: usize,
}

impl Layout {
    /// Reads the header row: every column known, none twice, `username` present.
    fn from_header(fields: &[String]) -> Result<Layout, error::Error> {
        let mut layout = Layout {
            width: fields.len(),
            ..Layout::default()
        };
        let mut unknown = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let name = f.trim().to_ascii_lowercase();
            match COLUMNS.iter().position(|c| *c == name) {
                Some(k) if layout.index[k].is_some() => {
                    return Err(error::invalid_data(format!(
                        "line 1: column `{name}` appears twice in the header"
                    )));
                }
                Some(k) => layout.index[k] = Some(i),
                None => unknown.push(format!("`{}`", excerpt(f.trim()))),
            }
        }
        let hint = format!(
            "the first line must name the columns: {}",
            COLUMNS.join(",")
        );
        if !unknown.is_empty() {
            let more = unknown.len().saturating_sub(MAX_QUOTED);
            unknown.truncate(MAX_QUOTED);
            if more > 0 {
                unknown.push(format!("and {more} more"));
            }
            return Err(error::invalid_data(format!(
                "line 1: unknown column{} {} in the header",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ))
            .hint(hint));
        }
        if layout.index[0].is_none() {
            return Err(
                error::invalid_data("line 1: the header has no `username` column").hint(hint),
            );
        }
        Ok(layout)
    }

    fn cell<'a>(&self, cells: &'a [Option<String>], col: usize) -> Option<&'a str> {
        self.index[col]
            .and_then(|i| cells.get(i))
            .and_then(|c| c.as_deref())
            .filter(|c| !c.trim().is_empty())
    }
}

/// Undoes `export`'s formula neutralising: a `'` before `=`, `+`, `-`, `@`, tab or CR.
pub(crate) fn unescape_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// How many unknown header columns an error names.
const MAX_QUOTED: usize = 3;

/// A short, cleaned prefix of text from the file, for an error message: an
/// error must not become a way to read a file (SPEC §7), even one the caller
/// may read.
fn excerpt(s: &str) -> String {
    const MAX: usize = 24;
    let clean = contact::printable(s);
    if clean.chars().count() <= MAX {
        clean
    } else {
        format!("{}…", clean.chars().take(MAX).collect::<String>())
    }
}

/// The problem of a cell that is not UTF-8; also how [`report`] knows to hint
/// [`SAVE_AS_UTF8`].
const INVALID_UTF8: &str = "invalid UTF-8";

/// Checks one data row: field count, UTF-8, length, then the same validation as
/// `enroll`. Duplicates within the file are the writer's to find.
fn check_row(
    line: u64,
    record: &csv::ByteRecord,
    layout: &Layout,
    cfg: &Config,
    carriers: &[Carrier],
) -> Checked {
    let invalid = |username: Option<&str>, problems| Checked::Invalid {
        line,
        username: username.map(str::to_string),
        problems,
    };
    let mut problems = Vec::new();
    let p = |column: Option<&'static str>, message: String| Problem {
        line,
        column,
        message,
    };
    if record.len() != layout.width {
        problems.push(p(
            None,
            format!(
                "has {} field{}, the header has {}",
                record.len(),
                if record.len() == 1 { "" } else { "s" },
                layout.width
            ),
        ));
        return invalid(None, problems);
    }
    let column_name = |i: usize| {
        layout
            .index
            .iter()
            .position(|x| *x == Some(i))
            .map(|k| COLUMNS[k])
    };
    let mut cells: Vec<Option<String>> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        if raw.len() > MAX_CELL {
            problems.push(p(
                column_name(i),
                format!("longer than {MAX_CELL} bytes ({} bytes)", raw.len()),
            ));
            cells.push(None);
            continue;
        }
        match std::str::from_utf8(raw) {
            Ok(s) => cells.push(Some(unescape_cell(s).to_string())),
            Err(_) => {
                problems.push(p(column_name(i), INVALID_UTF8.into()));
                cells.push(None);
            }
        }
    }
    if !problems.is_empty() {
        return invalid(None, problems);
    }
    let username = layout.cell(&cells, 0).map(str::trim).unwrap_or("");
    if username.is_empty() {
        problems.push(p(
            Some("username"),
            "empty (every row needs a username)".into(),
        ));
    } else if let Err(why) = contact::validate_username(username) {
        problems.push(p(
            Some("username"),
            format!("`{}`: {why}", excerpt(username)),
        ));
    }
    let valid_username = problems.is_empty().then_some(username);
    let name = match layout.cell(&cells, 1).map(clean_name) {
        Some(Err(why)) => {
            problems.push(p(Some("name"), why));
            None
        }
        Some(Ok(n)) => n,
        None => None,
    };
    let contacts = enroll::validate(
        layout.cell(&cells, 2),
        layout.cell(&cells, 3),
        layout.cell(&cells, 4),
        cfg,
        carriers,
    );
    let mut flag = |col: usize, column: &'static str| match layout.cell(&cells, col) {
        None => None,
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Some(true),
            "no" | "false" | "0" => Some(false),
            _ => {
                problems.push(p(
                    Some(column),
                    format!("`{}`: must be yes or no", contact::printable(v)),
                ));
                None
            }
        },
    };
    let phone_confirmed = flag(5, "phone_confirmed");
    let email_confirmed = flag(6, "email_confirmed");
    let contacts = match contacts {
        Ok(c) => c,
        Err(errs) => {
            for e in errs {
                problems.push(p(Some(e.column), e.message));
            }
            NewContacts::default()
        }
    };
    if !problems.is_empty() {
        return invalid(valid_username, problems);
    }
    Checked::Valid(Row {
        line,
        username: username.to_string(),
        name,
        contacts,
        phone_confirmed,
        email_confirmed,
    })
}

/// The problem of a row whose username an earlier row had.
fn duplicate(line: u64, username: &str) -> Problem {
    Problem {
        line,
        column: Some("username"),
        message: format!("`{username}` appears on an earlier line (each user once per file)"),
    }
}

/// Where the line ends are, for line numbers counted from byte offsets: the
/// reader notes each line end it passes, the parser asks for the line at a
/// record's first byte. Only the line ends not yet asked about are kept (the
/// parser's buffer's worth), so memory stays flat.
#[derive(Clone)]
struct LineIndex(std::rc::Rc<std::cell::RefCell<Lines>>);

#[derive(Default)]
struct Lines {
    /// Byte offsets of line ends not yet passed by a query.
    ends: std::collections::VecDeque<u64>,
    /// Line ends before the last query's offset.
    before: u64,
    /// Bytes read so far.
    read: u64,
    /// The last byte read was a CR (a CRLF counts once).
    after_cr: bool,
}

impl LineIndex {
    fn new() -> LineIndex {
        LineIndex(std::rc::Rc::default())
    }

    /// Notes the line ends in the next bytes read: LF, CRLF or a lone CR.
    fn saw(&self, bytes: &[u8]) {
        let mut l = self.0.borrow_mut();
        for &b in bytes {
            let at = l.read;
            l.read += 1;
            match b {
                b'\r' => {
                    l.ends.push_back(at);
                    l.after_cr = true;
                }
                b'\n' if l.after_cr => l.after_cr = false,
                b'\n' => l.ends.push_back(at),
                _ => l.after_cr = false,
            }
        }
    }

    /// The 1-based line of the byte at `offset` (offsets asked in order).
    fn line_at(&self, offset: u64) -> u64 {
        let mut l = self.0.borrow_mut();
        while l.ends.front().is_some_and(|e| *e < offset) {
            l.ends.pop_front();
            l.before += 1;
        }
        l.before + 1
    }
}

/// The input, noting line ends into a [`LineIndex`] as the parser reads it.
struct LineCounting {
    inner: Box<dyn Read + Send>,
    lines: LineIndex,
}

impl Read for LineCounting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines.saw(&buf[..n]);
        Ok(n)
    }
}

/// The reading-and-validating side: runs on its own thread.
fn read_rows(input: Box<dyn Read + Send>, cfg: &Config, carriers: &[Carrier], tx: SyncSender<Msg>) {
    let lines = LineIndex::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(
            1 << 16,
            LineCounting {
                inner: input,
                lines: lines.clone(),
            },
        ));
    let mut record = csv::ByteRecord::new();
    let fatal = |e: error::Error| {
        let _ = tx.send(Msg::Fatal(e));
    };
    let header = match rdr.read_byte_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => {
            return fatal(
                error::invalid_data("the file is empty: no header row, no data").hint(format!(
                    "the first line must name the columns: {}",
                    COLUMNS.join(",")
                )),
            );
        }
        Err(e) => return fatal(error::invalid_data(format!("line 1: {e}"))),
    };
    let mut names = Vec::new();
    for (i, f) in header.iter().enumerate() {
        let f = if i == 0 {
            f.strip_prefix(b"\xef\xbb\xbf").unwrap_or(f)
        } else {
            f
        };
        match std::str::from_utf8(f) {
            Ok(s) => names.push(s.to_string()),
            Err(_) => {
                return fatal(
                    error::invalid_data("line 1: invalid UTF-8 in the header").hint(SAVE_AS_UTF8),
                );
            }
        }
    }
    let layout = match Layout::from_header(&names) {
        Ok(l) => l,
        Err(e) => return fatal(e),
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut rows = 0u64;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                return fatal(error::invalid_data(format!("line {line}: {e}")));
            }
        }
        // Not `position().line()`: the csv crate miscounts CRLF line ends (what
        // Excel writes), which sent admins to the neighbouring person's row.
        let line = record
            .position()
            .map(|p| lines.line_at(p.byte()))
            .unwrap_or(0);
        // A blank line is not a row (csv skips them already; this is belt and braces).
        if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
            continue;
        }
        rows += 1;
        batch.push(check_row(line, &record, &layout, cfg, carriers));
        if batch.len() == BATCH {
            let pos = record.position().map(|p| p.byte()).unwrap_or(0);
            if tx.send(Msg::Rows(std::mem::take(&mut batch))).is_err()
                || tx.send(Msg::Progress(pos)).is_err()
            {
                return;
            }
        }
    }
    if rows == 0 && batch.is_empty() {
        return fatal(error::invalid_data("the file has a header but no rows"));
    }
    let _ = tx.send(Msg::Rows(batch));
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    rows: u64,
    created: u64,
    updated: u64,
    unchanged: u64,
    rejected: u64,
    /// Contacts replaced in force (each told, with the user's other confirmed ones).
    replaced: u64,
    /// Change notices delivered (or printed, with --dry-run).
    notified: u64,
    /// Whether anything was written.
    written: bool,
    problems_total: u64,
    /// The first problems (all of them up to a cap).
    problems: Vec<Problem>,
    /// Some cell was not UTF-8 (a cp1252 "CSV" from Excel).
    #[serde(skip)]
    not_utf8: bool,
}

/// Problems kept for `--json` (the total is always counted).
const KEPT_PROBLEMS: usize = 1000;

impl Summary {
    fn problem(&mut self, p: Problem) {
        self.problems_total += 1;
        self.not_utf8 |= p.message == INVALID_UTF8;
        if self.problems.len() < KEPT_PROBLEMS {
            self.problems.push(p);
        }
    }
}

struct Options<'a> {
    write: bool,
    skip_invalid: bool,
    confirmed: bool,
    replace: bool,
    cfg: &'a Config,
    carriers: &'a [Carrier],
}

/// What a row changes: each contact vouched for (confirmed) unless `--unconfirmed`
/// or its `*_confirmed` cell says `no`.
fn plan_row(
    existing: &[Contact],
    pending: &[Contact],
    row: &Row,
    o: &Options,
) -> anyhow::Result<Vec<Change>> {
    let vouch = |cell: Option<bool>| o.confirmed && cell != Some(false);
    let (phone, email) = (vouch(row.phone_confirmed), vouch(row.email_confirmed));
    if phone == email {
        return enroll::plan(existing, pending, &row.contacts, phone, o.replace);
    }
    let only_phone = NewContacts {
        phone: row.contacts.phone.clone(),
        email: None,
    };
    let only_email = NewContacts {
        phone: None,
        email: row.contacts.email.clone(),
    };
    let mut changes = enroll::plan(existing, pending, &only_phone, phone, o.replace)?;
    changes.extend(enroll::plan(
        existing,
        pending,
        &only_email,
        email,
        o.replace,
    )?);
    Ok(changes)
}

/// The writing side: one row against the database.
fn store_row(bw: &BulkWriter<'_>, row: &Row, o: &Options, s: &mut Summary) -> anyhow::Result<()> {
    let tx = bw.tx();
    // Once a row is invalid in all-or-nothing mode, the transaction will be rolled
    // back: keep validating, stop writing.
    let writing = o.write && (s.rejected == 0 || o.skip_invalid);
    // Most rows of a large import are new users: add first, look up only if the
    // name is taken. A new user has no contacts, so nothing to look up or refuse.
    // A phone that can never get a code is refused (a row problem); such a row
    // takes the slow path, where a number the user already has keeps its carrier.
    let fresh = plan_row(&[], &[], row, o)?;
    let reachable = super::reach::refused_phone(o.cfg, o.carriers, &fresh).is_none();
    if writing
        && reachable
        && let Some(user) = bw.add_user_if_new(&row.username, row.name.as_deref())?
    {
        s.created += 1;
        return enroll::write(tx, bw, &user, &fresh, "import", AuditEach::Replacements);
    }
    let user = tx.user(&row.username)?;
    let (existing, pending) = match &user {
        Some(u) => tx.contacts_with_pending(u.id)?,
        None => (Vec::new(), Vec::new()),
    };
    let changes = match plan_row(&existing, &pending, row, o) {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("{e:#}");
            if msg.contains(NEEDS_REPLACE) {
                let (column, rest) = match msg.split_once(": ") {
                    Some(("sms", rest)) => ("phone", rest),
                    Some((_, rest)) => ("email", rest),
                    None => ("phone", msg.as_str()),
                };
                s.rejected += 1;
                s.problem(Problem {
                    line: row.line,
                    column: Some(column),
                    message: format!("{rest}; pass --replace-contacts to replace it"),
                });
                return Ok(());
            }
            return Err(e);
        }
    };
    if let Some(why) = super::reach::refused_phone(o.cfg, o.carriers, &changes) {
        s.rejected += 1;
        s.problem(Problem {
            line: row.line,
            column: Some("carrier"),
            message: why,
        });
        return Ok(());
    }
    let rename = match (&row.name, &user) {
        (Some(n), Some(u)) => u.name.as_deref() != Some(n.as_str()),
        _ => false,
    };
    let contact_changes = changes.iter().any(|c| c.is_change());
    match &user {
        None => s.created += 1,
        Some(_) if rename || contact_changes => s.updated += 1,
        Some(_) => s.unchanged += 1,
    }
    if !writing {
        return Ok(());
    }
    let user = match user {
        Some(u) => {
            if rename {
                tx.set_user_name(u.id, row.name.as_deref())?;
            }
            u
        }
        None => tx.add_user(&row.username, row.name.as_deref())?,
    };
    enroll::write(tx, bw, &user, &changes, "import", AuditEach::Replacements)?;
    // The same rules as `enroll`: a replaced contact (and every other confirmed
    // one) is told, once the import has committed.
    for old in changes.iter().filter_map(|c| c.replaced()) {
        bw.note_replaced(&user.username, old)?;
        s.replaced += 1;
    }
    Ok(())
}

pub fn run(a: ImportArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let from_stdin = a.file.as_os_str() == "-";
    let (input, size): (Box<dyn Read + Send>, Option<u64>) = if from_stdin {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = ctx.open_input(&a.file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                error::not_found(format!("{} does not exist", a.file.display()))
            } else {
                error::other(format!("cannot read {}: {e}", a.file.display()))
            }
        })?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let source = if from_stdin {
        "stdin".to_string()
    } else {
        a.file.display().to_string()
    };
    let mut store = ctx.open()?;
    store.bulk_mode()?;
    let carriers = contact::carriers(&ctx.config.carriers);
    let opts = Options {
        write: !a.check,
        skip_invalid: a.skip_invalid,
        confirmed: !a.unconfirmed,
        replace: a.replace_contacts,
        cfg: &ctx.config,
        carriers: &carriers,
    };
    let bar = progress_bar(ctx, size);
    let cfg = &ctx.config;
    let (summary, fatal) = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Msg>(8);
        let carriers = &carriers;
        scope.spawn(move || read_rows(input, cfg, carriers, tx));
        let result = store.write_if(|t| {
            let (summary, fatal) = write_rows(t, &rx, &opts, bar.as_ref())?;
            let commit =
                fatal.is_none() && opts.write && (summary.rejected == 0 || opts.skip_invalid);
            if commit {
                t.audit(AuditEntry {
                    username: None,
                    action: "import",
                    outcome: if summary.rejected == 0 {
                        "ok"
                    } else {
                        "partial"
                    },
                    detail: Some(format!(
                        "{source}: created {}, updated {}, unchanged {}, rejected {}, \
                         replaced {} (contacts {})",
                        summary.created,
                        summary.updated,
                        summary.unchanged,
                        summary.rejected,
                        summary.replaced,
                        if opts.confirmed {
                            "confirmed"
                        } else {
                            "unconfirmed"
                        }
                    )),
                })?;
            }
            Ok(((summary, fatal, commit), commit))
        });
        // Unblock the reader if the writer stopped early.
        drop(rx);
        result.map(|(mut s, f, commit)| {
            s.written = commit;
            (s, f)
        })
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(e) = fatal {
        return Err(e.into());
    }
    let mut summary = summary;
    if summary.written && summary.replaced > 0 {
        summary.notified = send_notices(ctx, &mut store)?;
    }
    report(ctx, &a, &summary)
}

/// Notices per read of the list (bounded memory).
const NOTICE_BATCH: i64 = 256;

/// After the commit: tells each replaced contact, and the user's other confirmed
/// contacts, as `enroll` does. Returns the notices delivered.
fn send_notices(ctx: &Ctx, store: &mut Store) -> anyhow::Result<u64> {
    let sender = codes::sender(ctx);
    let mut after = 0;
    let mut reached = 0u64;
    loop {
        let batch = store.import_notices(after, NOTICE_BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for n in &batch {
            let Some(user) = store.read(|tx| tx.user(&n.username))? else {
                continue;
            };
            let to = codes::notify_contact_change(ctx, store, &sender, &user, &n.old, false)?;
            reached += to.len() as u64;
        }
    }
    Ok(reached)
}

fn write_rows(
    t: &Tx<'_>,
    rx: &Receiver<Msg>,
    opts: &Options,
    bar: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<(Summary, Option<error::Error>)> {
    let mut s = Summary::default();
    let bw = BulkWriter::new(t)?;
    while let Ok(msg) = rx.recv() {
        match msg {
            Msg::Fatal(e) => return Ok((s, Some(e))),
            Msg::Progress(pos) => {
                if let Some(b) = bar {
                    b.set_position(pos);
                }
            }
            Msg::Rows(rows) => {
                for r in rows {
                    s.rows += 1;
                    match r {
                        Checked::Valid(row) if bw.first_sighting(&row.username)? => {
                            store_row(&bw, &row, opts, &mut s)?;
                        }
                        Checked::Valid(row) => {
                            s.rejected += 1;
                            s.problem(duplicate(row.line, &row.username));
                        }
                        Checked::Invalid {
                            line,
                            username,
                            problems,
                        } => {
                            s.rejected += 1;
                            // The username is checked first, so its problem leads.
                            if let Some(u) = username
                                && !bw.first_sighting(&u)?
                            {
                                s.problem(duplicate(line, &u));
                            }
                            for p in problems {
                                s.problem(p);
                            }
                        }
                    }
                }
            }
        }
    }
    Ok((s, None))
}

fn progress_bar(ctx: &Ctx, size: Option<u64>) -> Option<indicatif::ProgressBar> {
    if ctx.out.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

fn report(ctx: &Ctx, a: &ImportArgs, s: &Summary) -> anyhow::Result<u8> {
    if ctx.out.json {
        ctx.out.json(s)?;
    } else {
        // The problems are the command's report: on stdout, one line each, so the
        // one-line error below stays the only thing on stderr.
        if !ctx.out.quiet {
            for p in s.problems.iter().take(SHOWN_PROBLEMS) {
                ctx.out.say(&contact::printable(&p.to_string()))?;
            }
            if s.problems_total > SHOWN_PROBLEMS as u64 {
                ctx.out.say(&format!(
                    "… and {} more problems",
                    s.problems_total - SHOWN_PROBLEMS as u64
                ))?;
            }
        }
        let verb = if s.written {
            "Imported"
        } else if a.check {
            "Checked (nothing written)"
        } else {
            "Nothing written"
        };
        ctx.out.say(&format!(
            "{verb}: {} rows; created {}, updated {}, unchanged {}, rejected {}.",
            s.rows, s.created, s.updated, s.unchanged, s.rejected
        ))?;
    }
    if s.rejected == 0 {
        return Ok(0);
    }
    let kept = s.created + s.updated + s.unchanged;
    if s.written && kept > 0 {
        // --skip-invalid did what it was asked: the valid rows are in. Say how
        // many were not, and exit 0 so a cron job does not report a failure.
        ctx.out.note(&format!(
            "safecode: {} of {} rows rejected (listed above), the other {kept} imported",
            s.rejected, s.rows
        ));
        if s.not_utf8 {
            ctx.out.note(&format!("hint: {SAVE_AS_UTF8}"));
        }
        return Ok(0);
    }
    let first = s
        .problems
        .first()
        .map(|p| format!(" (first: {p})"))
        .unwrap_or_default();
    let what = if s.written {
        "the others were imported"
    } else {
        "nothing was written"
    };
    Err(error::invalid_data(format!(
        "{} of {} rows invalid, {what}{first}",
        s.rejected, s.rows
    ))
    .hint(if s.not_utf8 {
        SAVE_AS_UTF8.to_string()
    } else if s.written || a.check {
        "fix the lines listed above and import them again".to_string()
    } else {
        "fix the lines listed above, or pass --skip-invalid to import the valid rows".to_string()
    })
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_in_any_order_with_unknown_and_missing_columns() {
        let h =
            |v: &[&str]| Layout::from_header(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let l = h(&["Email", "username"]).unwrap();
        assert_eq!(l.index[0], Some(1));
        assert_eq!(l.index[4], Some(0));
        let e = h(&["username", "mobile", "dept"]).unwrap_err();
        assert!(e.message.contains("`mobile`, `dept`"), "{}", e.message);
        assert!(
            h(&["name", "phone"])
                .unwrap_err()
                .message
                .contains("username")
        );
        assert!(
            h(&["username", "USERNAME"])
                .unwrap_err()
                .message
                .contains("twice")
        );
    }

    #[test]
    fn unescape_only_undoes_the_export_prefix() {
        assert_eq!(unescape_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape_cell("'-x"), "-x");
        assert_eq!(unescape_cell("'O'Brien"), "'O'Brien");
        assert_eq!(unescape_cell("+16174322000"), "+16174322000");
    }
}
