package qantar

import "context"

// Prepared is a record's JSON as one class of reader sees it, as a store
// keeps it beside the record (its projections, see Projections): what an
// answer writes without decoding, projecting or encoding anything.
type Prepared struct {
	// Data is the JSON (json.Marshal's) of the record as the class sees it.
	Data []byte
	// Version is the record's version.
	Version int
	// Protection is the record's own protection level (Protection), which
	// says whether the answer is a placeholder or must be audited.
	Protection string
}

// PreparedReader is what a store that keeps each record's projections
// (records.pub_data, viewer_data) may offer: the bytes of one live record as
// the class of reader (ClassOf: PublicReader, ViewerReader, or a reader who
// sees everything) sees it, in one indexed read. Its answer is byte for byte
// json.Marshal(Project(reader, rec, resolve)) for rec as Get returns it; a
// record that does not exist, or was deleted, is an error (the caller asks
// Get for the answer it gives).
type PreparedReader interface {
	GetPrepared(ctx context.Context, kind Kind, id int64, reader Actor) (Prepared, error)
}

// PreparedColumn is the column of a record row that holds what reader's
// class sees of it ("" when data itself): pub_data, viewer_data.
func PreparedColumn(reader Actor) string {
	class, all := ClassOf(reader)
	switch {
	case all:
		return ""
	case class.Role == RoleViewer:
		return "viewer_data"
	}
	return "pub_data"
}
