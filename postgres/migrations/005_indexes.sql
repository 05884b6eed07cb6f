-- More of the reference fields that pages and the API filter on (the same
-- as SQLite's 005), in the expression form filterCond compares.
CREATE INDEX records_act_event ON records (kind, ((data::json)->>'event_id')) WHERE kind = 'acts';
CREATE INDEX records_citation_source ON records (kind, ((data::json)->>'source_id')) WHERE kind = 'citations';
CREATE INDEX records_post_person ON records (kind, ((data::json)->>'person_id')) WHERE kind = 'posts';
CREATE INDEX records_post_unit ON records (kind, ((data::json)->>'unit_id')) WHERE kind = 'posts';
CREATE INDEX records_involvement_person ON records (kind, ((data::json)->>'person_id')) WHERE kind = 'involvements';
CREATE INDEX records_involvement_unit ON records (kind, ((data::json)->>'unit_id')) WHERE kind = 'involvements';
CREATE INDEX records_complaint_case ON records (kind, ((data::json)->>'case_id')) WHERE kind = 'complaints';
CREATE INDEX records_figure_measure ON records (kind, ((data::json)->>'measure')) WHERE kind = 'figures';
