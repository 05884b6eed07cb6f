-- More of the reference fields that pages and the API filter on. A partial
-- index is used only when the query names the kind as a literal, as List does.
CREATE INDEX records_act_event ON records (kind, json_extract(data, '$.event_id')) WHERE kind = 'acts';
CREATE INDEX records_citation_source ON records (kind, json_extract(data, '$.source_id')) WHERE kind = 'citations';
CREATE INDEX records_post_person ON records (kind, json_extract(data, '$.person_id')) WHERE kind = 'posts';
CREATE INDEX records_post_unit ON records (kind, json_extract(data, '$.unit_id')) WHERE kind = 'posts';
CREATE INDEX records_involvement_person ON records (kind, json_extract(data, '$.person_id')) WHERE kind = 'involvements';
CREATE INDEX records_involvement_unit ON records (kind, json_extract(data, '$.unit_id')) WHERE kind = 'involvements';
CREATE INDEX records_complaint_case ON records (kind, json_extract(data, '$.case_id')) WHERE kind = 'complaints';
CREATE INDEX records_figure_measure ON records (kind, json_extract(data, '$.measure')) WHERE kind = 'figures';
