-- records_updated (updated_at) served no query: a list sorted by updated_at
-- names its kind, and SQLite read the kind's rows by primary key and sorted
-- them all (EXPLAIN QUERY PLAN: USE TEMP B-TREE FOR ORDER BY). An index on
-- (kind, updated_at), with the key's id after them as in every index of a
-- WITHOUT ROWID table, is read in the list's order: the home page's latest
-- records of a kind are read, not sorted. It holds the same columns, so it
-- costs what the old one did.
DROP INDEX records_updated;
CREATE INDEX records_kind_updated ON records (kind, updated_at);
