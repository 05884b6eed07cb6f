-- The Merkle log (package tlog): one leaf per record version, the hashes of
-- every complete subtree (what tiles and proofs are served from), and the
-- tree's size, root and latest signed checkpoint.
CREATE TABLE tlog_leaves (
	idx  INTEGER PRIMARY KEY,
	leaf BLOB NOT NULL
);

CREATE TABLE tlog_nodes (
	level INTEGER NOT NULL,
	idx   INTEGER NOT NULL,
	hash  BLOB    NOT NULL,
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE tlog_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	size       INTEGER NOT NULL,
	root       BLOB,
	checkpoint BLOB
);
INSERT INTO tlog_state (id, size) VALUES (1, 0);
