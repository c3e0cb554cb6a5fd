//! `safecode user find TEXT`: the caller on the line gives a phone number typed any
//! way, an email, a name or part of a username; the agent sees who matches, with
//! contacts masked but the last four digits shown to check identity.

use serde::Serialize;

use super::codes::masked;
use crate::Ctx;
use crate::channel::Channel;
use crate::cli::UserFindArgs;
use crate::contact;
use crate::enrollment::State;
use crate::error;
use crate::store::{FindTerms, Found};

/// Results shown when `--limit` is not given.
const DEFAULT_LIMIT: u32 = 50;

/// What `text` can mean: always a part of a username, name or email; also a
/// whole phone number when it parses as one, and the last digits of one when it
/// is digits with the usual punctuation (`432-2000`, `2000`).
pub(crate) fn terms(text: &str, default_region: &str) -> FindTerms {
    let text = text.trim();
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()/".contains(c));
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let nanp = matches!(
        default_region.trim().to_ascii_uppercase().as_str(),
        "US" | "CA"
    );
    let e164 = if !phone_like || digits.len() < 7 {
        None
    } else if text.starts_with("+1") && digits.len() == 11 {
        // The common shapes directly: loading the phone metadata costs more than
        // the whole search on 100,000 users.
        Some(format!("+{digits}"))
    } else if nanp && !text.starts_with('+') && digits.len() == 10 {
        Some(format!("+1{digits}"))
    } else if nanp && !text.starts_with('+') && digits.len() == 11 && digits.starts_with('1') {
        Some(format!("+{digits}"))
    } else {
        contact::parse_phone_number(text, default_region)
            .ok()
            .map(|p| p.e164)
    };
    FindTerms {
        part: text.to_string(),
        e164,
        phone_tail: (phone_like && digits.len() >= 4).then_some(digits),
    }
}

#[derive(Debug, Serialize)]
struct FoundPhone {
    /// Masked, last four digits shown.
    number: String,
    carrier: Option<String>,
    confirmed: bool,
}

#[derive(Debug, Serialize)]
struct FoundEmail {
    /// Masked.
    address: String,
    confirmed: bool,
}

#[derive(Debug, Serialize)]
struct FoundView {
    username: String,
    name: Option<String>,
    state: State,
    locked: bool,
    phone: Option<FoundPhone>,
    email: Option<FoundEmail>,
    /// What matched: `username`, `name`, `email`, `phone`.
    matched: Vec<&'static str>,
}

pub fn run(a: UserFindArgs, ctx: &Ctx) -> anyhow::Result<u8> {
    let text = a.text.trim();
    if text.is_empty() || text.chars().any(char::is_control) {
        return Err(error::usage("nothing to find")
            .hint("give a phone number, an email, a name or part of a username")
            .into());
    }
    let terms = terms(text, &ctx.config.default_region);
    let limit = match a.limit {
        Some(0) => None,
        Some(n) => Some(n),
        None => Some(DEFAULT_LIMIT),
    };
    let max = ctx.config.policy.max_skips;
    let mut store = ctx.open()?;
    let views = store.read(|tx| {
        let found = tx.find_users(&terms, limit.map(|n| n.saturating_add(1)))?;
        let mut out = Vec::with_capacity(found.len());
        for f in found {
            let contacts = tx.contacts(f.user.id)?;
            out.push(view(&f, &contacts, max));
        }
        Ok(out)
    })?;
    let more = limit.is_some_and(|n| views.len() > n as usize);
    let views = match limit {
        Some(n) => views.into_iter().take(n as usize).collect(),
        None => views,
    };
    if ctx.out.json {
        ctx.out.json(&views)?;
        return Ok(0);
    }
    if views.is_empty() {
        ctx.out
            .say(&format!("No user matches `{}`.", contact::printable(text)))?;
        return Ok(0);
    }
    let mut t = ctx.out.new_table(&[
        "Username", "Name", "State", "Phone", "Email", "Locked", "Matched",
    ]);
    for v in &views {
        let phone = v.phone.as_ref().map(|p| {
            format!(
                "{}{}{}",
                p.number,
                p.carrier
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default(),
                if p.confirmed { "" } else { " unconfirmed" }
            )
        });
        let email = v.email.as_ref().map(|e| {
            format!(
                "{}{}",
                e.address,
                if e.confirmed { "" } else { " unconfirmed" }
            )
        });
        t.add_row(vec![
            contact::printable(&v.username),
            contact::printable(v.name.as_deref().unwrap_or("")),
            v.state.as_str().to_string(),
            phone.unwrap_or_default(),
            email.unwrap_or_default(),
            if v.locked { "locked" } else { "" }.to_string(),
            v.matched.join(", "),
        ]);
    }
    ctx.out.table(t)?;
    if more {
        ctx.out.say(&format!(
            "Only the first {} matches are shown; narrow the search or pass --limit 0.",
            views.len()
        ))?;
    }
    Ok(0)
}

fn view(f: &Found, contacts: &[crate::store::Contact], max_skips: u32) -> FoundView {
    let phone = contacts
        .iter()
        .find(|c| c.channel == Channel::Sms)
        .map(|c| FoundPhone {
            number: masked(c.channel, &c.address),
            carrier: c.carrier.clone(),
            confirmed: c.confirmed(),
        });
    let email = contacts
        .iter()
        .find(|c| c.channel == Channel::Email)
        .map(|c| FoundEmail {
            address: masked(c.channel, &c.address),
            confirmed: c.confirmed(),
        });
    let mut matched = Vec::new();
    for (yes, what) in [
        (f.by_username, "username"),
        (f.by_name, "name"),
        (f.by_email, "email"),
        (f.by_phone, "phone"),
    ] {
        if yes {
            matched.push(what);
        }
    }
    FoundView {
        username: f.user.username.clone(),
        name: f.user.name.clone(),
        state: State::of(contacts, f.user.skips, max_skips),
        locked: f.user.locked_at.is_some(),
        phone,
        email,
        matched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_typed_any_way_is_one_number() {
        for typed in [
            "617.432.2000",
            "(617) 432-2000",
            "+1 617 432 2000",
            "6174322000",
            " 617-432-2000 ",
        ] {
            let t = terms(typed, "US");
            assert_eq!(t.e164.as_deref(), Some("+16174322000"), "{typed}");
        }
    }

    #[test]
    fn last_digits_and_words() {
        let t = terms("2000", "US");
        assert_eq!(t.e164, None);
        assert_eq!(t.phone_tail.as_deref(), Some("2000"));
        assert_eq!(t.part, "2000");
        let t = terms("Ann.Smith@Gmail.com", "US");
        assert_eq!((t.e164, t.phone_tail), (None, None));
        let t = terms("smith", "US");
        assert_eq!(t.part, "smith");
        assert_eq!(terms("617", "US").phone_tail, None);
        assert_eq!(
            terms("1-617-432-2000", "US").e164.as_deref(),
            Some("+16174322000")
        );
        assert_eq!(
            terms("+44 7400 123456", "US").e164.as_deref(),
            Some("+447400123456")
        );
        assert_eq!(
            terms("07400 123456", "GB").e164.as_deref(),
            Some("+447400123456")
        );
    }
}
