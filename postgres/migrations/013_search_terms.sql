-- Mirrors sqlite/migrations/013. The indexed keys of each protection level,
-- with how many live records of that level hold each (package storekit:
-- TermCounts), for finding the keys within a typo of a query's
-- (storekit.NearKeysOf). search_keys held a row per key and record, and a
-- search's expansion read every row of a range and sorted them for a few
-- distinct keys; here a key is one row per level. A write changes the
-- counts of its keys, and a key whose count falls to 0 is deleted, so a
-- reader's expansion offers only keys that records of the levels they may
-- see hold now. A record's keys before a write are read from its document
-- (search_docs.keys), so search_keys goes.
CREATE TABLE search_terms (
	protection text    NOT NULL,
	term       text    COLLATE "C" NOT NULL,
	records    integer NOT NULL,
	PRIMARY KEY (protection, term)
);
INSERT INTO search_terms (protection, term, records)
	SELECT protection, term, count(*) FROM search_keys GROUP BY protection, term;
DROP TABLE search_keys;
