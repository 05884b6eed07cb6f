-- Records and every version of them. One table for the current state of all
-- kinds (the JSON the API serves), one for the history (the canonical JSON
-- each log leaf commits to). A record is never erased: a deletion is a
-- version with op 'delete' and deleted_at set on the current row.
CREATE TABLE records (
	kind         TEXT    NOT NULL,
	id           INTEGER NOT NULL,
	version      INTEGER NOT NULL,
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL,
	deleted_at   TEXT,
	protection   TEXT    NOT NULL DEFAULT 'public',
	external_key TEXT,
	data         TEXT    NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX records_external_key ON records (kind, external_key)
	WHERE external_key IS NOT NULL;

-- The reference fields that lists filter on most, indexed by expression.
CREATE INDEX records_victim ON records (kind, json_extract(data, '$.victim_id')) WHERE kind = 'acts';
CREATE INDEX records_act ON records (kind, json_extract(data, '$.act_id')) WHERE kind = 'involvements';
CREATE INDEX records_cited ON records (kind, json_extract(data, '$.record_kind'), json_extract(data, '$.record_id')) WHERE kind = 'citations';
CREATE INDEX records_updated ON records (updated_at);

CREATE TABLE versions (
	kind       TEXT    NOT NULL,
	id         INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	op         TEXT    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	actor      TEXT    NOT NULL,
	at         TEXT    NOT NULL,
	reason     TEXT,
	data       TEXT    NOT NULL,
	salt       BLOB,
	leaf_index INTEGER UNIQUE,
	PRIMARY KEY (kind, id, version)
) WITHOUT ROWID;

-- Who refers to whom, so that a record still referred to is not deleted.
CREATE TABLE refs (
	to_kind   TEXT    NOT NULL,
	to_id     INTEGER NOT NULL,
	from_kind TEXT    NOT NULL,
	from_id   INTEGER NOT NULL,
	PRIMARY KEY (to_kind, to_id, from_kind, from_id)
) WITHOUT ROWID;
CREATE INDEX refs_from ON refs (from_kind, from_id);

-- API tokens: only the SHA-256 of the secret is kept.
CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	hash       BLOB NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT
);
