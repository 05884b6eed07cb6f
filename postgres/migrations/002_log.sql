-- The Merkle log (package tlog): one leaf per record version, the hashes of
-- every complete subtree (what tiles and proofs are served from), and the
-- tree's size, root and latest signed checkpoint. The tlog_state row is
-- also the lock that serialises appends across servers: a writer takes it
-- FOR UPDATE just before it numbers its leaves, and holds it to commit.
CREATE TABLE tlog_leaves (
	idx  bigint PRIMARY KEY,
	leaf bytea  NOT NULL
);

CREATE TABLE tlog_nodes (
	level integer NOT NULL,
	idx   bigint  NOT NULL,
	hash  bytea   NOT NULL,
	PRIMARY KEY (level, idx)
);

CREATE TABLE tlog_state (
	id         integer PRIMARY KEY CHECK (id = 1),
	size       bigint  NOT NULL,
	root       bytea,
	checkpoint bytea,
	-- The note verifier key of the first server that opened the database:
	-- a server with another key would sign checkpoints nobody can verify,
	-- so it is refused at open.
	verifier_key text
);
INSERT INTO tlog_state (id, size) VALUES (1, 0);
