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
        writeln!(o, "{}", printable_lines(text))
    }

    /// A note on stderr for people (progress, warnings); suppressed by `-q`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "{}", printable_lines(text));
        }
    }

    /// The data a command was asked for, as text (a report, the exposition
    /// format): printed even with `-q`, which hides chatter, never the data.
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        // Reports quote names and carriers too: cleaned like everything printed.
        let text = printable_lines(text);
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
        // Cells are cleaned as they are added ([`Output::row`]); this is the net
        // under them, so nothing user-supplied reaches the terminal raw.
        let mut o = std::io::stdout().lock();
        writeln!(o, "{}", printable_lines(&table.to_string()))
    }

    /// Adds a row of user-supplied cells, each through [`printable`].
    pub fn row<S: AsRef<str>>(&self, table: &mut Table, cells: impl IntoIterator<Item = S>) {
        table.add_row(cells.into_iter().map(|c| printable(c.as_ref())));
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

/// One line, no escape sequences or control characters: user-supplied text in an
/// error must not move the cursor or split the message. [`printable`], then the
/// whitespace collapsed.
pub fn clean(s: &str) -> String {
    printable(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each line of `text` through [`printable`], the line breaks kept.
fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cleans user-supplied text before it is printed to a terminal: removes escape
/// sequences (CSI, OSC, DCS and the like, in 7- and 8-bit form), other control
/// characters and bidirectional overrides, and turns tabs and line breaks into
/// spaces. Ordinary Unicode is kept.
///
/// Why: names and addresses come from CSV files and other people's typing; an
/// escape sequence in one could retitle the agent's terminal, hide text or fake a
/// line of output, and a bidi override could make one name display as another.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek().copied() {
                Some('[') => {
                    chars.next();
                    skip_csi(&mut chars);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                }
                // nF escapes: intermediates, then one final byte (`ESC ( B`).
                Some('\u{20}'..='\u{2f}') => {
                    while chars
                        .next_if(|c| matches!(c, '\u{20}'..='\u{2f}'))
                        .is_some()
                    {}
                    chars.next_if(|c| matches!(c, '\u{30}'..='\u{7e}'));
                }
                // Two-character escapes (`ESC c`, `ESC 7`).
                Some('\u{30}'..='\u{7e}') => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_unprintable(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Skips the rest of a CSI sequence: parameter and intermediate bytes, then the
/// final byte.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars
        .next_if(|c| matches!(c, '\u{20}'..='\u{3f}'))
        .is_some()
    {}
    chars.next_if(|c| matches!(c, '\u{40}'..='\u{7e}'));
}

/// Skips the body of an OSC/DCS/SOS/PM/APC string up to its terminator (BEL,
/// `ESC \` or ST), or to the end of the text if it has none.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// Control characters, line and paragraph separators, and the bidirectional
/// formatting characters.
pub fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
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
        // The whole sequence goes, not just the ESC byte.
        assert_eq!(clean("a\x1b[31mb\nc"), "ab c");
        assert_eq!(clean("  x \t y "), "x y");
        assert_eq!(clean("x\u{1b}]0;title\u{7}y\u{202e}z"), "xyz");
    }

    #[test]
    fn printed_lines_keep_their_breaks_but_lose_escapes() {
        assert_eq!(printable_lines("a\u{1b}[2Jb\nc\u{9b}31md"), "ab\ncd");
    }
}
