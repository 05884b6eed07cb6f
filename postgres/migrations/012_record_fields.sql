-- As sqlite/migrations/012 (and the planner's statistics, at the end):
-- list filters on a field read record_fields, an index of the value each
-- reader class sees of a live record's filter fields (storekit/fields.go),
-- not the JSON of every record of the kind parsed row by row. seen holds the bits of the classes whose projection
-- has the value (1 the public's, 2 viewers', 4 editors'); a reader's filter
-- names only the seen values of its own class, after the value in the key.
-- The value is compared byte for byte (COLLATE "C"), as the JSON filters
-- compare ->> text. The projections' rules are set back so that the next
-- open recomputes them and fills the table.
CREATE TABLE record_fields (
	kind  text     NOT NULL,
	field text     NOT NULL,
	value text     COLLATE "C" NOT NULL,
	seen  smallint NOT NULL CHECK (seen BETWEEN 1 AND 7),
	id    bigint   NOT NULL,
	PRIMARY KEY (kind, field, value, seen, id)
);
UPDATE projection_state SET rules = 0 WHERE id = 1;
-- The planner's estimate of a (kind, field, value) range: without it, the
-- three columns are taken as independent and a common value (a kind's
-- sex=female) is estimated 20 times too rare, and its page's ids are read
-- by a bitmap scan and sorted instead of in order up to the page's end.
CREATE STATISTICS record_fields_values (mcv) ON kind, field, value FROM record_fields;
