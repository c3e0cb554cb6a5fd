//! Printing for people and for scripts: short sentences and tables on stdout, one
//! JSON document with `--json`, errors as one `safecode: …` line on stderr, colour
//! only on a terminal and never with `NO_COLOR`.

use std::io::{IsTerminal, Write};

use comfy_table::{Table, presets};
use serde::Serialize;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    pub quiet: bool,
    pub color: bool,
}

impl Output {
    pub fn new(json: bool, quiet: bool) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            json,
            quiet,
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }

    /// A sentence for people; suppressed by `--json` and `-q`.
    pub fn say(&self, text: &str) -> std::io::Result<()> {
        if self.json || self.quiet {
            return Ok(());
        }
        let mut o = std::io::stdout().lock();
        writeln!(o, "{text}")
    }

    /// A note on stderr for people (progress, warnings); suppressed by `-q`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{text}");
        }
    }

    /// The data a command was asked for, as text (a report, the exposition
    /// format): printed even with `-q`, which hides chatter, never the data.
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        o.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            writeln!(o)?;
        }
        o.flush()
    }

    /// The one JSON document of `--json`.
    pub fn json<T: Serialize>(&self, value: &T) -> std::io::Result<()> {
        let mut o = std::io::stdout().lock();
        // `From<serde_json::Error>` keeps an I/O error's kind (a closed pipe).
        serde_json::to_writer_pretty(&mut o, value).map_err(std::io::Error::from)?;
        writeln!(o)
    }

    /// Prints a table for people (not with `--json`). A table is the data the
    /// command was asked for, so `-q` does not hide it.
    pub fn table(&self, table: Table) -> std::io::Result<()> {
        if self.json {
            return Ok(());
        }
        let mut o = std::io::stdout().lock();
        writeln!(o, "{table}")
    }

    /// A new table in the house style.
    pub fn new_table(&self, header: &[&str]) -> Table {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        if !self.color {
            t.force_no_tty();
        }
        t.set_header(header.iter().map(|h| h.to_string()));
        t
    }

    /// `safecode: <message>` and an optional `hint: …` line, on stderr.
    pub fn error(&self, message: &str, hint: Option<&str>) {
        let mut e = std::io::stderr().lock();
        if std::io::stderr().is_terminal() {
            // A dialoguer menu hides the cursor and does not show it again when
            // it fails (Ctrl-C): give the terminal back as it was.
            let _ = write!(e, "\x1b[?25h");
        }
        let red = self.color && std::io::stderr().is_terminal();
        let msg = clean(message);
        if red {
            let _ = writeln!(e, "\x1b[31msafecode:\x1b[0m {msg}");
        } else {
            let _ = writeln!(e, "safecode: {msg}");
        }
        if let Some(h) = hint {
            let _ = writeln!(e, "hint: {}", clean(h));
        }
    }
}

/// One line, no control characters: user-supplied text in an error must not move
/// the cursor or split the message.
pub fn clean(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect();
    one.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when the error is a write to a closed pipe (`safecode export | head`),
/// however it was wrapped: a bare I/O error, the csv writer's, serde_json's, or an
/// I/O error carrying one of those.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    fn pipe(c: &(dyn std::error::Error + 'static)) -> bool {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return io.kind() == BrokenPipe || io.get_ref().is_some_and(|inner| pipe(inner));
        }
        if let Some(csv) = c.downcast_ref::<csv::Error>() {
            return matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe);
        }
        if let Some(j) = c.downcast_ref::<serde_json::Error>() {
            return j.io_error_kind() == Some(BrokenPipe);
        }
        false
    }
    e.chain().any(pipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_removes_escapes_and_newlines() {
        assert_eq!(clean("a\x1b[31mb\nc"), "a[31mb c");
        assert_eq!(clean("  x \t y "), "x y");
    }
}
