-- Each version's content stored once. Until now the content of a record's
-- current version was written twice: as the record's JSON (records.data)
-- and as its version's canonical JSON (versions.data), which differ only in
-- "created_at" and "updated_at". The versions now live in version_rows,
-- whose data is NULL while the version is its record's current one; the
-- view versions, with the columns the table had, gives every version's
-- canonical JSON: its own, or the record's JSON without the two times (the
-- same bytes as storekit.CanonicalFromStored). Readers (history, proofs,
-- verify, copy, export) read the view as they read the table; writers write
-- version_rows, and a version's content is kept in its row only when the
-- record's JSON would not give it back exactly.
--
-- When a record moves on to a next version, the trigger records_supersede
-- writes the content of the version it leaves into that version's row, in
-- the same statement. Changes made through the view (INSERT, UPDATE,
-- DELETE) go to version_rows: an UPDATE of data stores the new bytes in the
-- row, so an edit of any version's content, current or not, is where
-- `qantar verify --db` finds it.
CREATE TABLE version_rows (
	kind       TEXT    NOT NULL,
	id         INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	op         TEXT    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	actor      TEXT    NOT NULL,
	at         TEXT    NOT NULL,
	reason     TEXT,
	data       TEXT,
	salt       BLOB,
	leaf_index INTEGER UNIQUE,
	PRIMARY KEY (kind, id, version)
) WITHOUT ROWID;

INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
	SELECT v.kind, v.id, v.version, v.op, v.actor, v.at, v.reason,
		CASE WHEN r.version = v.version AND CAST(CASE WHEN instr(CAST(r.data AS TEXT), ',"created_at":"') > 0 AND instr(CAST(r.data AS TEXT), '","updated_at":"') > 0 THEN substr(CAST(r.data AS TEXT), 1, instr(CAST(r.data AS TEXT), ',"created_at":"') - 1) || substr(CAST(r.data AS TEXT), instr(CAST(r.data AS TEXT), '","updated_at":"') + 16 + instr(substr(CAST(r.data AS TEXT), instr(CAST(r.data AS TEXT), '","updated_at":"') + 16), '"')) END AS BLOB) = CAST(v.data AS BLOB) THEN NULL ELSE v.data END,
		v.salt, v.leaf_index
	FROM versions v LEFT JOIN records r ON r.kind = v.kind AND r.id = v.id;

DROP TABLE versions;

CREATE VIEW versions (kind, id, version, op, actor, at, reason, data, salt, leaf_index) AS
	SELECT v.kind, v.id, v.version, v.op, v.actor, v.at, v.reason,
		coalesce(v.data, (SELECT CASE WHEN instr(CAST(r.data AS TEXT), ',"created_at":"') > 0 AND instr(CAST(r.data AS TEXT), '","updated_at":"') > 0 THEN substr(CAST(r.data AS TEXT), 1, instr(CAST(r.data AS TEXT), ',"created_at":"') - 1) || substr(CAST(r.data AS TEXT), instr(CAST(r.data AS TEXT), '","updated_at":"') + 16 + instr(substr(CAST(r.data AS TEXT), instr(CAST(r.data AS TEXT), '","updated_at":"') + 16), '"')) END FROM records r WHERE r.kind = v.kind AND r.id = v.id)),
		v.salt, v.leaf_index
	FROM version_rows v;

CREATE TRIGGER versions_insert INSTEAD OF INSERT ON versions BEGIN
	INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
	VALUES (NEW.kind, NEW.id, NEW.version, NEW.op, NEW.actor, NEW.at, NEW.reason, NEW.data, NEW.salt, NEW.leaf_index);
END;

CREATE TRIGGER versions_update INSTEAD OF UPDATE ON versions BEGIN
	UPDATE version_rows SET kind = NEW.kind, id = NEW.id, version = NEW.version, op = NEW.op, actor = NEW.actor, at = NEW.at,
		reason = NEW.reason, salt = NEW.salt, leaf_index = NEW.leaf_index,
		data = CASE WHEN NEW.data IS OLD.data THEN data ELSE NEW.data END
	WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version;
END;

CREATE TRIGGER versions_delete INSTEAD OF DELETE ON versions BEGIN
	DELETE FROM version_rows WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version;
END;

CREATE TRIGGER records_supersede AFTER UPDATE OF version ON records WHEN OLD.version <> NEW.version BEGIN
	UPDATE version_rows SET data = CASE WHEN instr(CAST(OLD.data AS TEXT), ',"created_at":"') > 0 AND instr(CAST(OLD.data AS TEXT), '","updated_at":"') > 0 THEN substr(CAST(OLD.data AS TEXT), 1, instr(CAST(OLD.data AS TEXT), ',"created_at":"') - 1) || substr(CAST(OLD.data AS TEXT), instr(CAST(OLD.data AS TEXT), '","updated_at":"') + 16 + instr(substr(CAST(OLD.data AS TEXT), instr(CAST(OLD.data AS TEXT), '","updated_at":"') + 16), '"')) END
	WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version AND data IS NULL;
END;
