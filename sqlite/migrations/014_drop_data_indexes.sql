-- The expression indexes over data (001, 005) are no longer read: a list's
-- filter on victim_id, event_id, act_id, person_id, unit_id, source_id,
-- record_kind, record_id, case_id or measure reads record_fields (012) as
-- the others do (storekit.InFieldTable), so that every INSERT into records
-- no longer computes ten json_extract values and keeps a statement journal
-- for them. The projections' rules are set back so that the next open (or
-- `qantar migrate`) makes record_fields again whole, with these fields'
-- rows. records_external_key and records_kind_updated stay.
DROP INDEX IF EXISTS records_victim;
DROP INDEX IF EXISTS records_act;
DROP INDEX IF EXISTS records_cited;
DROP INDEX IF EXISTS records_act_event;
DROP INDEX IF EXISTS records_citation_source;
DROP INDEX IF EXISTS records_post_person;
DROP INDEX IF EXISTS records_post_unit;
DROP INDEX IF EXISTS records_involvement_person;
DROP INDEX IF EXISTS records_involvement_unit;
DROP INDEX IF EXISTS records_complaint_case;
DROP INDEX IF EXISTS records_figure_measure;
UPDATE projection_state SET rules = 0 WHERE id = 1;
