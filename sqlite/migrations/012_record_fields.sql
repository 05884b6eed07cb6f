-- List filters on a field read an index, not the JSON of every record of
-- the kind (storekit/fields.go). A row says that a field of a live record
-- has a value in the projections of the reader classes whose bits seen
-- holds (1 the public's, pub_data; 2 viewers', viewer_data; 4 editors',
-- data): a value every reader sees is one row with seen 7. A reader's
-- filter reads only the rows of the seen values that name its own class,
-- given as literals after the value, so a value their projection does not
-- hold is neither matched, nor counted, nor read. The value is typed as the
-- JSON filters compare it: '#' and an integer for a number (or true and
-- false, as 1 and 0), a quote and the text for a string.
--
-- The fields are those of qantar.FilterFields that neither a column
-- (external_key, protection) nor an index over data (001, 005) serves when
-- no projection changes them. The rows are written with the record and its
-- projections, in the same transaction, and made again whole when the
-- projections are: the rules of the projections are set back so that the
-- next open (or `qantar migrate`) recomputes them, rows included.
CREATE TABLE record_fields (
	kind  TEXT    NOT NULL,
	field TEXT    NOT NULL,
	value TEXT    NOT NULL,
	seen  INTEGER NOT NULL CHECK (seen BETWEEN 1 AND 7),
	id    INTEGER NOT NULL,
	PRIMARY KEY (kind, field, value, seen, id)
) WITHOUT ROWID;
UPDATE projection_state SET rules = 0 WHERE id = 1;
