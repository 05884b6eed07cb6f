// Package csvio imports and exports Qantar's records as the tables people
// really keep: CSV from Excel in Windows-1251 with semicolons, Google Sheets
// downloads in UTF-8 with a byte-order mark, XLSX workbooks, with column
// names in English, Russian or Kazakh, and the JSON arrays that
// `qantar export --format json` writes (json.go).
//
// An import validates every row (types, vocabularies, references by id or
// by external key, duplicates inside the file) and reports every problem
// with its line and column; it writes all rows in one transaction, or, with
// SkipInvalid, the valid ones, handing back the rejected rows unchanged.
// Without SkipInvalid, ImportTables streams (stream.go): rows are written
// chunk by chunk inside that one transaction while the next rows are read
// and validated, a written row is forgotten but for its line, key and id,
// and the first problem stops the writing and rolls the transaction back,
// so nothing of a file with a problem is written and memory does not grow
// with the rows' content. A table with an id column, a JSON table, those
// after them, imports of lists and SkipInvalid imports keep every row until
// all are read, as a reference by id may name a row further down. A row
// with an external key (the list's own row id) is idempotent: importing it
// again changes nothing, and an edited row becomes a new version.
//
// Rows become records by way of the same JSON the API accepts
// (qantar.DecodeBytes, then Validate), so the import validates exactly as the
// API does. The columns of each kind are listed in columns.go and documented
// by ColumnDoc, which `qantar export --columns` prints.
package csvio
