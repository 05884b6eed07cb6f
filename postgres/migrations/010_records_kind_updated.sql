-- As sqlite/migrations/010: a list sorted by updated_at names its kind and
-- breaks ties by id, so the index that serves it is (kind, updated_at, id),
-- not (updated_at).
DROP INDEX records_updated;
CREATE INDEX records_kind_updated ON records (kind, updated_at, id);
