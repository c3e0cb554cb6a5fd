-- safecode schema. Applied by `safecode init`; each version's statements run once,
-- in order, tracked by PRAGMA user_version. Append a new "-- version N" section to
-- upgrade; never edit a released one.
--
-- Times are whole seconds since the Unix epoch (UTC). Codes are stored only as
-- HMAC-SHA256 digests with a per-code salt; the key is in `meta`.

-- version 1
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name                 TEXT,
    password_hash        TEXT,                -- argon2id PHC string, or NULL
    password_changed_at  INTEGER,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    skips                INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0,  -- consecutive wrong codes
    locked_at            INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- At most one phone (channel 'sms') and one email per user.
CREATE TABLE contacts (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    address      TEXT NOT NULL,               -- E.164 or email (ASCII domain)
    carrier      TEXT,
    preferred    INTEGER NOT NULL DEFAULT 0,  -- affiliate email domain
    confirmed_at INTEGER,                     -- NULL until confirmed
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel)
) WITHOUT ROWID;

CREATE TABLE codes (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('reset', 'confirm')),
    channel     TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    destination TEXT NOT NULL,
    salt        BLOB NOT NULL,
    digest      BLOB NOT NULL,                -- HMAC-SHA256, never the code
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- live: may verify; used: verified once; voided: replaced, too many attempts,
    -- delivery failed or contact changed.
    state       TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'used', 'voided')),
    void_reason TEXT,
    closed_at   INTEGER
);
CREATE INDEX codes_by_user ON codes (user_id, purpose, state);
CREATE INDEX codes_by_created ON codes (created_at);

-- A successful reset verification opens one window for one password change.
CREATE TABLE reset_windows (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_id    INTEGER,
    opened_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX reset_windows_by_user ON reset_windows (user_id, expires_at);

-- Append-only; each row's hash covers the previous row's hash and its own fields.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    os_user   TEXT NOT NULL,
    actor     TEXT,
    username  TEXT,
    action    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_user ON audit (username COLLATE NOCASE, at);
CREATE INDEX audit_by_at ON audit (at);

-- Sends per user for the rate limit and the SMS fee figures; kept after codes are
-- purged.
CREATE TABLE sends (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at       INTEGER NOT NULL,
    purpose  TEXT NOT NULL,
    channel  TEXT NOT NULL,
    ok       INTEGER NOT NULL               -- 1 delivered; 0 failed or dry run (no fee)
);
CREATE INDEX sends_by_user ON sends (user_id, at);

-- version 2
-- A replacement for a confirmed contact, waiting for the confirmation code sent to
-- it (SPEC §1 "Contact changes"): the confirmed contact in `contacts` stays in force,
-- and reset codes still go to it, until this one is confirmed; then this row takes
-- its place. At most one per user and channel, and only beside a confirmed contact.
CREATE TABLE pending_contacts (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    address    TEXT NOT NULL,
    carrier    TEXT,
    preferred  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, channel)
) WITHOUT ROWID;
