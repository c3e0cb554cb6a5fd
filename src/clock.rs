//! The one clock. Everything asks it for the time, so that `faketime` can move the
//! process's clock in tests instead of tests sleeping for minutes.

use chrono::{DateTime, FixedOffset, Local, SecondsFormat, TimeZone, Utc};

/// Now, in whole seconds since the Unix epoch (what the database stores).
pub fn now() -> i64 {
    Utc::now().timestamp()
}

/// A stored timestamp as RFC 3339 UTC, the form `--json` and the audit log use.
pub fn rfc3339(ts: i64) -> String {
    match Utc.timestamp_opt(ts, 0).single() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        None => ts.to_string(),
    }
}

/// A stored timestamp for people, in the local time zone (`TZ`, else
/// /etc/localtime): `2026-11-29 09:05 -05:00`, or `2026-11-29 14:05 UTC`.
/// `--json` and the audit log keep RFC 3339 UTC ([`rfc3339`]).
pub fn human(ts: i64) -> String {
    match Local.timestamp_opt(ts, 0).single() {
        Some(t) => human_at(t.fixed_offset()),
        None => ts.to_string(),
    }
}

fn human_at(t: DateTime<FixedOffset>) -> String {
    if t.offset().local_minus_utc() == 0 {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M %:z").to_string()
    }
}

/// A span of seconds for people: `9m 30s`, `2h 5m`, `3d 4h`.
pub fn span(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, _) if sec == 0 => format!("{m}m"),
        (0, 0, _) => format!("{m}m {sec}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        let at = |secs: i32| {
            Utc.timestamp_opt(90, 0)
                .unwrap()
                .with_timezone(&FixedOffset::east_opt(secs).unwrap())
        };
        assert_eq!(human_at(at(0)), "1970-01-01 00:01 UTC");
        assert_eq!(human_at(at(-5 * 3600)), "1969-12-31 19:01 -05:00");
        assert_eq!(span(570), "9m 30s");
        assert_eq!(span(600), "10m");
        assert_eq!(span(7500), "2h 5m");
        assert_eq!(span(5), "5s");
    }
}
