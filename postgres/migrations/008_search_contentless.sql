-- Mirrors sqlite/migrations/008, which makes SQLite's FTS5 tables
-- contentless. PostgreSQL's search index (search_docs, search_keys) never
-- kept a copy of the documents' text beside the index: its tsvector columns
-- are what the GIN indexes are built from. Nothing changes here; the number
-- keeps both stores' migrations in step.
SELECT 1;
