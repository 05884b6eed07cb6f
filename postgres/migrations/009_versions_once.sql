-- Each version's content stored once, as in sqlite/migrations/009: the
-- versions live in version_rows, whose data is NULL while the version is
-- its record's current one; the view versions gives every version's
-- canonical JSON (its own, or qantar_canonical of the record's JSON, the
-- same bytes as storekit.CanonicalFromStored); writes through the view go
-- to version_rows; and records_supersede writes a version's content into
-- its row when its record moves on to a next version.
CREATE FUNCTION qantar_canonical(d text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN strpos(d, ',"created_at":"') > 0 AND strpos(d, '","updated_at":"') > 0 THEN substr(d, 1, strpos(d, ',"created_at":"') - 1) || substr(d, strpos(d, '","updated_at":"') + 16 + strpos(substr(d, strpos(d, '","updated_at":"') + 16), '"')) END
$$;

ALTER TABLE versions RENAME TO version_rows;
ALTER TABLE version_rows ALTER COLUMN data DROP NOT NULL;
UPDATE version_rows v SET data = NULL FROM records r
	WHERE r.kind = v.kind AND r.id = v.id AND r.version = v.version AND qantar_canonical(r.data) = v.data;

CREATE VIEW versions AS
	SELECT v.kind, v.id, v.version, v.op, v.actor, v.at, v.reason,
		coalesce(v.data, (SELECT qantar_canonical(r.data) FROM records r WHERE r.kind = v.kind AND r.id = v.id)) AS data,
		v.salt, v.leaf_index
	FROM version_rows v;

CREATE FUNCTION versions_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO version_rows (kind, id, version, op, actor, at, reason, data, salt, leaf_index)
		VALUES (NEW.kind, NEW.id, NEW.version, NEW.op, NEW.actor, NEW.at, NEW.reason, NEW.data, NEW.salt, NEW.leaf_index);
		RETURN NEW;
	ELSIF TG_OP = 'UPDATE' THEN
		UPDATE version_rows SET kind = NEW.kind, id = NEW.id, version = NEW.version, op = NEW.op, actor = NEW.actor, at = NEW.at,
			reason = NEW.reason, salt = NEW.salt, leaf_index = NEW.leaf_index,
			data = CASE WHEN NEW.data IS NOT DISTINCT FROM OLD.data THEN version_rows.data ELSE NEW.data END
		WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version;
		RETURN NEW;
	END IF;
	DELETE FROM version_rows WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version;
	RETURN OLD;
END
$$;
CREATE TRIGGER versions_write INSTEAD OF INSERT OR UPDATE OR DELETE ON versions
	FOR EACH ROW EXECUTE FUNCTION versions_write();

CREATE FUNCTION records_supersede() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE version_rows SET data = qantar_canonical(OLD.data)
	WHERE kind = OLD.kind AND id = OLD.id AND version = OLD.version AND data IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER records_supersede AFTER UPDATE OF version ON records
	FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION records_supersede();
