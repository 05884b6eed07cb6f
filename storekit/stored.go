package storekit

import "bytes"

// Each version's content is stored once. A record's current version is
// not kept twice (once as the record's stored JSON, once as its version's
// canonical JSON): its version row holds no content while it is current,
// and the versions view of both stores (migration 009) derives the
// canonical JSON from the record's row with the SQL of SQLiteCanonical and
// PostgresCanonical. When the record moves on to a next version, a trigger
// on records writes the superseded content into its version row.
//
// The derivation is textual and exact: a record's stored JSON is its
// canonical JSON with "created_at" and "updated_at" after "version"
// (qantar.Meta), and the canonical JSON leaves them out. CanonicalFromStored
// does in Go what the SQL does, so a writer stores a version's content only
// when the derivation would not give back its canonical JSON byte for byte.

const (
	createdAt = `,"created_at":"`
	updatedAt = `","updated_at":"`
)

// CanonicalFromStored returns the canonical JSON that the versions view
// derives from a record's stored JSON: data without its first
// `,"created_at":"…","updated_at":"…"`. It returns nil when data has no
// such fields, where the SQL gives NULL or other bytes.
func CanonicalFromStored(data []byte) []byte {
	i, end, ok := timesAt(data)
	if !ok {
		return nil
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:i]...)
	return append(out, data[end:]...)
}

// timesAt returns where the times CanonicalFromStored leaves out begin and
// end in data.
func timesAt(data []byte) (i, end int, ok bool) {
	i = bytes.Index(data, []byte(createdAt))
	u := bytes.Index(data, []byte(updatedAt))
	if i < 0 || u < 0 {
		return 0, 0, false
	}
	k := bytes.IndexByte(data[u+len(updatedAt):], '"')
	if k < 0 {
		return 0, 0, false
	}
	return i, u + len(updatedAt) + k + 1, true
}

// StoredOnce reports whether a current version's row may leave out its
// canonical JSON: the record's stored JSON gives it back exactly. (It is
// CanonicalFromStored(data) == canonical, without making the copy.)
func StoredOnce(data, canonical []byte) bool {
	i, end, ok := timesAt(data)
	return ok && len(canonical) == i+len(data)-end &&
		bytes.Equal(data[:i], canonical[:i]) && bytes.Equal(data[end:], canonical[i:])
}

// SQLiteCanonical is CanonicalFromStored in SQLite's SQL, of the
// expression d (read as text). Migration 009 holds the same text.
func SQLiteCanonical(d string) string {
	d = "CAST(" + d + " AS TEXT)"
	return canonicalSQL(d, "instr")
}

// PostgresCanonical is CanonicalFromStored in PostgreSQL's SQL, of the
// text expression d (migration 009 makes it the function qantar_canonical).
func PostgresCanonical(d string) string { return canonicalSQL(d, "strpos") }

func canonicalSQL(d, instr string) string {
	c := instr + "(" + d + `, ',"created_at":"')`
	u := instr + "(" + d + `, '","updated_at":"')`
	return `CASE WHEN ` + c + ` > 0 AND ` + u + ` > 0 THEN substr(` + d + `, 1, ` + c + ` - 1) || substr(` + d + `, ` + u + ` + 16 + ` +
		instr + `(substr(` + d + `, ` + u + ` + 16), '"')) END`
}
