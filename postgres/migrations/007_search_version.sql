-- Which version of package search's documents (search.Version) the search
-- index holds: a binary whose documents differ (a new kind indexed, another
-- field, other keys) indexes every record again when it opens the database.
CREATE TABLE search_state (
	id      integer PRIMARY KEY CHECK (id = 1),
	version integer NOT NULL
);
INSERT INTO search_state (id, version) VALUES (1, 0);
