//! Users and their contacts.

use rusqlite::{OptionalExtension, Row, params};

use super::{SqlContext, Tx};
use crate::channel::Channel;
use crate::clock;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<i64>,
    pub must_change_password: bool,
    pub skips: u32,
    pub failures: u32,
    pub locked_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub channel: Channel,
    /// E.164 phone or email address.
    pub address: String,
    pub carrier: Option<String>,
    /// An affiliate email domain.
    pub preferred: bool,
    pub confirmed_at: Option<i64>,
    pub created_at: i64,
}

impl Contact {
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

/// Which users `user list` wants, expressed over stored columns (enrollment state
/// is derived: enrolled = has a confirmed contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFilter {
    All,
    Enrolled,
    MaySkip {
        max_skips: u32,
    },
    MustRegister {
        max_skips: u32,
    },
    /// With a contact waiting for its confirmation code: a new one, or a pending
    /// replacement of a confirmed one.
    Pending,
    /// Locked after too many consecutive wrong codes, whatever their state.
    Locked,
}

/// The columns [`user_from`] reads, as a macro so statements can be `concat!`ed
/// into static SQL (no `format!` per call on the hot import path).
macro_rules! user_cols {
    () => {
        "id, username, name, password_hash, password_changed_at, \
         must_change_password, skips, failures, locked_at, created_at, updated_at"
    };
}
const USER_COLS: &str = user_cols!();
pub(super) use user_cols;

/// Inserts or replaces a user's contact on a channel: `?1` user id, then channel,
/// address, carrier, preferred, confirmed_at, created_at.
pub(super) const PUT_CONTACT: &str = "INSERT INTO contacts \
     (user_id, channel, address, carrier, preferred, confirmed_at, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
     ON CONFLICT (user_id, channel) DO UPDATE SET address = excluded.address, \
     carrier = excluded.carrier, preferred = excluded.preferred, \
     confirmed_at = excluded.confirmed_at, created_at = excluded.created_at";

/// Where `enroll::write` puts contacts: a [`Tx`] (cached statement
/// per call) or an import's [`BulkWriter`](super::BulkWriter) (statements held for
/// the whole import). Both run [`PUT_CONTACT`] and then mark the user updated.
pub trait ContactSink {
    fn put_contact(&self, user: &User, c: &Contact) -> anyhow::Result<()>;
}

impl ContactSink for Tx<'_> {
    fn put_contact(&self, user: &User, c: &Contact) -> anyhow::Result<()> {
        Tx::put_contact(self, user, c)
    }
}

pub(super) fn user_from(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        password_hash: r.get(3)?,
        password_changed_at: r.get(4)?,
        must_change_password: r.get(5)?,
        skips: r.get(6)?,
        failures: r.get(7)?,
        locked_at: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn contact_from(r: &Row<'_>) -> rusqlite::Result<Contact> {
    let ch: String = r.get(0)?;
    let channel = ch.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(Contact {
        channel,
        address: r.get(1)?,
        carrier: r.get(2)?,
        preferred: r.get(3)?,
        confirmed_at: r.get(4)?,
        created_at: r.get(5)?,
    })
}

impl Tx<'_> {
    /// Finds a user by name, case-insensitively.
    pub fn user(&self, username: &str) -> anyhow::Result<Option<User>> {
        self.tx
            .prepare_cached(concat!(
                "SELECT ",
                user_cols!(),
                " FROM users WHERE username = ?1 COLLATE NOCASE"
            ))
            .db()?
            .query_row([username], user_from)
            .optional()
            .db()
    }

    pub fn insert_user(&self, username: &str, name: Option<&str>) -> anyhow::Result<i64> {
        let now = clock::now();
        self.tx
            .prepare_cached(
                "INSERT INTO users (username, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            )
            .db()?
            .execute(params![username, name, now])
            .db()?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Adds a user and returns it, in one statement (an import adds a million).
    pub fn add_user(&self, username: &str, name: Option<&str>) -> anyhow::Result<User> {
        self.tx
            .prepare_cached(concat!(
                "INSERT INTO users (username, name, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?3) RETURNING ",
                user_cols!()
            ))
            .db()?
            .query_row(params![username, name, clock::now()], user_from)
            .db()
    }

    pub fn set_user_name(&self, user_id: i64, name: Option<&str>) -> anyhow::Result<()> {
        self.tx
            .prepare_cached("UPDATE users SET name = ?2, updated_at = ?3 WHERE id = ?1")
            .db()?
            .execute(params![user_id, name, clock::now()])
            .db()?;
        Ok(())
    }

    pub fn delete_user(&self, user_id: i64) -> anyhow::Result<()> {
        self.tx
            .execute("DELETE FROM users WHERE id = ?1", [user_id])
            .db()?;
        Ok(())
    }

    /// Records one more skipped registration prompt; returns the new count.
    pub fn add_skip(&self, user_id: i64) -> anyhow::Result<u32> {
        self.tx
            .query_row(
                "UPDATE users SET skips = skips + 1, updated_at = ?2 WHERE id = ?1 RETURNING skips",
                params![user_id, clock::now()],
                |r| r.get(0),
            )
            .db()
    }

    /// Clears the failure lock and the consecutive-failure counter.
    pub fn unlock_user(&self, user_id: i64) -> anyhow::Result<()> {
        self.tx
            .execute(
                "UPDATE users SET locked_at = NULL, failures = 0, updated_at = ?2 WHERE id = ?1",
                params![user_id, clock::now()],
            )
            .db()?;
        Ok(())
    }

    pub fn contacts(&self, user_id: i64) -> anyhow::Result<Vec<Contact>> {
        let mut st = self
            .tx
            .prepare_cached(
                "SELECT channel, address, carrier, preferred, confirmed_at, created_at \
                 FROM contacts WHERE user_id = ?1 ORDER BY channel DESC",
            )
            .db()?;
        let rows = st.query_map([user_id], contact_from).db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }

    /// The contacts in force and the pending replacements, in one statement (an
    /// import looks both up for every existing user).
    pub fn contacts_with_pending(
        &self,
        user_id: i64,
    ) -> anyhow::Result<(Vec<Contact>, Vec<Contact>)> {
        let mut st = self
            .tx
            .prepare_cached(
                "SELECT channel, address, carrier, preferred, confirmed_at, created_at, 0 \
                 FROM contacts WHERE user_id = ?1 \
                 UNION ALL SELECT channel, address, carrier, preferred, NULL, created_at, 1 \
                 FROM pending_contacts WHERE user_id = ?1",
            )
            .db()?;
        let mut rows = st.query([user_id]).db()?;
        let (mut current, mut pending) = (Vec::new(), Vec::new());
        while let Some(r) = rows.next().db()? {
            let c = contact_from(r).db()?;
            if r.get::<_, bool>(6).db()? {
                pending.push(c);
            } else {
                current.push(c);
            }
        }
        // Phone first, as `contacts` orders them (sorted here: no sorter per call).
        current.sort_by_key(|c| c.channel != Channel::Sms);
        pending.sort_by_key(|c| c.channel != Channel::Sms);
        Ok((current, pending))
    }

    /// Pending replacements of confirmed contacts (never confirmed themselves).
    pub fn pending_contacts(&self, user_id: i64) -> anyhow::Result<Vec<Contact>> {
        Ok(self.contacts_with_pending(user_id)?.1)
    }

    /// Records (or replaces) the pending replacement on a channel.
    pub fn put_pending(&self, user_id: i64, c: &Contact) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO pending_contacts (user_id, channel, address, carrier, preferred, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_id, channel) DO UPDATE SET \
                 address = excluded.address, carrier = excluded.carrier, \
                 preferred = excluded.preferred, created_at = excluded.created_at",
            )
            .db()?
            .execute(params![
                user_id,
                c.channel.as_str(),
                c.address,
                c.carrier,
                c.preferred,
                c.created_at
            ])
            .db()?;
        self.touch(user_id)
    }

    /// Drops the pending replacement on a channel; true if there was one.
    pub fn delete_pending(&self, user_id: i64, channel: Channel) -> anyhow::Result<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM pending_contacts WHERE user_id = ?1 AND channel = ?2")
            .db()?
            .execute(params![user_id, channel.as_str()])
            .db()?;
        Ok(n == 1)
    }

    /// The pending replacement on a channel takes the place of the contact in force,
    /// confirmed now. False if there was none.
    pub fn promote_pending(
        &self,
        user_id: i64,
        channel: Channel,
        now: i64,
    ) -> anyhow::Result<bool> {
        let n = self
            .tx
            .prepare_cached(
                "INSERT INTO contacts (user_id, channel, address, carrier, preferred, confirmed_at, created_at) \
                 SELECT user_id, channel, address, carrier, preferred, ?3, created_at \
                 FROM pending_contacts WHERE user_id = ?1 AND channel = ?2 \
                 ON CONFLICT (user_id, channel) DO UPDATE SET address = excluded.address, \
                 carrier = excluded.carrier, preferred = excluded.preferred, \
                 confirmed_at = excluded.confirmed_at, created_at = excluded.created_at",
            )
            .db()?
            .execute(params![user_id, channel.as_str(), now])
            .db()?;
        if n == 0 {
            return Ok(false);
        }
        self.delete_pending(user_id, channel)?;
        Ok(true)
    }

    pub fn contact(&self, user_id: i64, channel: Channel) -> anyhow::Result<Option<Contact>> {
        Ok(self
            .contacts(user_id)?
            .into_iter()
            .find(|c| c.channel == channel))
    }

    /// Sets (inserts or replaces) the user's contact on a channel, and marks the
    /// user updated now, unless `user` says it already was (a user just added).
    pub fn put_contact(&self, user: &User, c: &Contact) -> anyhow::Result<()> {
        self.tx
            .prepare_cached(PUT_CONTACT)
            .db()?
            .execute(params![
                user.id,
                c.channel.as_str(),
                c.address,
                c.carrier,
                c.preferred,
                c.confirmed_at,
                c.created_at
            ])
            .db()?;
        if user.updated_at == clock::now() {
            return Ok(());
        }
        self.touch(user.id)
    }

    /// Marks a contact confirmed now.
    pub fn confirm_contact(&self, user_id: i64, channel: Channel) -> anyhow::Result<()> {
        self.tx
            .execute(
                "UPDATE contacts SET confirmed_at = ?3 WHERE user_id = ?1 AND channel = ?2",
                params![user_id, channel.as_str(), clock::now()],
            )
            .db()?;
        self.touch(user_id)
    }

    pub fn delete_contact(&self, user_id: i64, channel: Channel) -> anyhow::Result<()> {
        self.tx
            .execute(
                "DELETE FROM contacts WHERE user_id = ?1 AND channel = ?2",
                params![user_id, channel.as_str()],
            )
            .db()?;
        self.touch(user_id)
    }

    pub(super) fn touch(&self, user_id: i64) -> anyhow::Result<()> {
        self.tx
            .prepare_cached("UPDATE users SET updated_at = ?2 WHERE id = ?1")
            .db()?
            .execute(params![user_id, clock::now()])
            .db()?;
        Ok(())
    }

    /// Users matching a filter, by username, at most `limit` of them.
    pub fn users(&self, filter: UserFilter, limit: Option<u32>) -> anyhow::Result<Vec<User>> {
        const ENROLLED: &str = "EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = users.id \
                                AND c.confirmed_at IS NOT NULL)";
        let (cond, skips) = match filter {
            UserFilter::All => ("1".to_string(), 0),
            UserFilter::Enrolled => (ENROLLED.to_string(), 0),
            UserFilter::MaySkip { max_skips } => {
                (format!("NOT {ENROLLED} AND skips < ?1"), max_skips)
            }
            UserFilter::MustRegister { max_skips } => {
                (format!("NOT {ENROLLED} AND skips >= ?1"), max_skips)
            }
            UserFilter::Pending => (
                "(EXISTS (SELECT 1 FROM pending_contacts p WHERE p.user_id = users.id) \
                 OR EXISTS (SELECT 1 FROM contacts c WHERE c.user_id = users.id \
                 AND c.confirmed_at IS NULL))"
                    .to_string(),
                0,
            ),
            UserFilter::Locked => ("locked_at IS NOT NULL".to_string(), 0),
        };
        let lim = limit.map(i64::from).unwrap_or(-1);
        let sql = format!(
            "SELECT {USER_COLS} FROM users WHERE {cond} AND ?1 = ?1 ORDER BY username LIMIT ?2"
        );
        let mut st = self.tx.prepare(&sql).db()?;
        let rows = st.query_map(params![skips, lim], user_from).db()?;
        rows.collect::<Result<Vec<_>, _>>().db()
    }
}

impl Tx<'_> {
    /// Stores a new password hash; `must_change` flags it for a change at next
    /// login (a generated passphrase an agent has seen).
    pub fn set_password(&self, user_id: i64, phc: &str, must_change: bool) -> anyhow::Result<()> {
        let now = clock::now();
        self.tx
            .execute(
                "UPDATE users SET password_hash = ?2, password_changed_at = ?3, \
                 must_change_password = ?4, updated_at = ?3 WHERE id = ?1",
                params![user_id, phc, now, must_change],
            )
            .db()?;
        Ok(())
    }
}
