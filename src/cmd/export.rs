//! `safecode export`: users and contacts in the import format (CSV) or JSON, so
//! that export → import changes nothing.

use std::io::Write;

use serde::Serialize;

use super::import::COLUMNS;
use crate::Ctx;
use crate::cli::{ExportArgs, ExportFormat};

/// A cell a spreadsheet would run as a formula gets a leading `'` (import strips
/// it again). Phone numbers are E.164 written by us, digits after the `+`, so they
/// are data, not formulas, and stay as they are.
pub(crate) fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn opt(v: &Option<String>) -> std::borrow::Cow<'_, str> {
    v.as_deref().map(neutralise).unwrap_or_default()
}

#[derive(Serialize)]
struct JsonPhone<'a> {
    number: &'a str,
    carrier: Option<&'a str>,
    confirmed: bool,
}

#[derive(Serialize)]
struct JsonEmail<'a> {
    address: &'a str,
    confirmed: bool,
}

#[derive(Serialize)]
struct JsonUser<'a> {
    username: &'a str,
    name: Option<&'a str>,
    phone: Option<JsonPhone<'a>>,
    email: Option<JsonEmail<'a>>,
}

pub fn run(a: ExportArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let mut store = ctx.open()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let json = ctx.out.json || a.format == ExportFormat::Json;
    if json && a.excel {
        return Err(crate::error::usage("--excel is for CSV, not JSON")
            .hint("leave out --excel, or --format json / --json")
            .into());
    }
    store.read(|tx| {
        if json {
            // A JSON array written element by element: the export streams.
            out.write_all(b"[")?;
            let mut first = true;
            tx.each_export_row(|r| {
                out.write_all(if first { b"\n  " } else { b",\n  " })?;
                first = false;
                let u = JsonUser {
                    username: &r.username,
                    name: r.name.as_deref(),
                    phone: r.phone.as_deref().map(|number| JsonPhone {
                        number,
                        carrier: r.carrier.as_deref(),
                        confirmed: r.phone_confirmed,
                    }),
                    email: r.email.as_deref().map(|address| JsonEmail {
                        address,
                        confirmed: r.email_confirmed,
                    }),
                };
                serde_json::to_writer(&mut out, &u)?;
                Ok(())
            })?;
            out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
        } else {
            if a.excel {
                // Excel reads a CSV without a byte-order mark as cp1252 and
                // garbles accented names.
                out.write_all(b"\xef\xbb\xbf")?;
            }
            let mut w = csv::WriterBuilder::new().from_writer(&mut out);
            w.write_record(COLUMNS)?;
            // Whether each contact is confirmed, so an import of this file vouches
            // only for what was confirmed (empty without a contact).
            let flag = |present: bool, confirmed: bool| -> std::borrow::Cow<'_, str> {
                match (present, confirmed) {
                    (false, _) => "".into(),
                    (true, true) => "yes".into(),
                    (true, false) => "no".into(),
                }
            };
            tx.each_export_row(|r| {
                let cells = [
                    neutralise(&r.username),
                    opt(&r.name),
                    r.phone.as_deref().unwrap_or_default().into(),
                    opt(&r.carrier),
                    opt(&r.email),
                    flag(r.phone.is_some(), r.phone_confirmed),
                    flag(r.email.is_some(), r.email_confirmed),
                ];
                w.write_record(cells.iter().map(|c| c.as_bytes()))?;
                Ok(())
            })?;
            w.flush()?;
        }
        Ok(())
    })?;
    out.flush()?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::import::unescape_cell;

    #[test]
    fn formulas_are_neutralised_and_come_back() {
        for s in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "plain",
            "O'Brien",
        ] {
            assert_eq!(unescape_cell(&neutralise(s)), s);
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("Ann"), "Ann");
    }
}
