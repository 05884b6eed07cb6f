-- Accounts of the web application, their sessions, and the audit log that
-- admins read. Passwords are argon2id PHC strings made by package web; a
-- session is kept only as the SHA-256 of its cookie secret.
CREATE TABLE users (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE,
	role           TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
	password_hash  TEXT NOT NULL,
	totp_secret    TEXT NOT NULL DEFAULT '',
	totp_last_step INTEGER NOT NULL DEFAULT 0,
	created_at     TEXT NOT NULL,
	disabled_at    TEXT
);

CREATE TABLE sessions (
	hash       BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	addr       TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	kind      TEXT NOT NULL DEFAULT '',
	record_id INTEGER NOT NULL DEFAULT 0,
	addr      TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT ''
);
