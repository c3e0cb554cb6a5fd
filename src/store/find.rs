//! `user find`: users by username or name part, email, or phone.

use rusqlite::params;

use super::users::{user_cols, user_from};
use super::{SqlContext, Tx, User};

/// What to look for, already interpreted by the caller (`cmd::find::terms`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindTerms {
    /// Matched anywhere in the username, the name or the email address,
    /// case-insensitively (ASCII).
    pub part: String,
    /// A whole phone number in E.164.
    pub e164: Option<String>,
    /// The trailing digits of a phone number (`2000`, `4322000`).
    pub phone_tail: Option<String>,
}

/// One user found, and what matched.
#[derive(Debug, Clone)]
pub struct Found {
    pub user: User,
    pub by_username: bool,
    pub by_name: bool,
    pub by_email: bool,
    pub by_phone: bool,
}

/// `text` as a LIKE pattern matching it anywhere, with `\` escaping.
fn anywhere(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Tx<'_> {
    /// Users matching `terms`, by username, at most `limit` of them.
    pub fn find_users(&self, terms: &FindTerms, limit: Option<u32>) -> anyhow::Result<Vec<Found>> {
        let mut st = self
            .tx
            .prepare_cached(concat!(
                // One pass over users and one over contacts, then only the hits
                // are joined: a correlated subquery per user was 3x slower.
                "WITH hits(user_id, what) AS ( \
                   SELECT id, 0 FROM users \
                     WHERE username LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' \
                   UNION ALL \
                   SELECT user_id, CASE channel WHEN 'email' THEN 1 ELSE 2 END FROM contacts \
                     WHERE (channel = 'email' AND address LIKE ?1 ESCAPE '\\') \
                        OR (channel = 'sms' AND (address = ?2 OR address LIKE ?3))), \
                 found(user_id, by_email, by_phone) AS ( \
                   SELECT user_id, max(what = 1), max(what = 2) FROM hits GROUP BY user_id) \
                 SELECT ",
                user_cols!(),
                ", username LIKE ?1 ESCAPE '\\', coalesce(name, '') LIKE ?1 ESCAPE '\\', \
                 by_email, by_phone FROM found JOIN users ON users.id = found.user_id \
                 ORDER BY username LIMIT ?4"
            ))
            .db()?;
        let tail = terms.phone_tail.as_ref().map(|d| format!("%{d}"));
        let lim = limit.map(i64::from).unwrap_or(-1);
        let rows = st
            .query_map(params![anywhere(&terms.part), terms.e164, tail, lim], |r| {
                Ok(Found {
                    user: user_from(r)?,
                    by_username: r.get(11)?,
                    by_name: r.get(12)?,
                    by_email: r.get(13)?,
                    by_phone: r.get(14)?,
                })
            })
            .db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(anywhere("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
