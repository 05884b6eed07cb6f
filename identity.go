package qantar

import (
	"strconv"
	"strings"
)

// A record's global identity names it across installations: the origin of
// the log it was first written to (its C2SP checkpoint origin, such as
// "qantar.example.org/log"), its kind and its id there:
//
//	qantar.example.org/log/persons/17
//
// An export names its origin in its checkpoint.txt; importing the export
// keys every record that has no external key by its global identity, so
// that importing it is idempotent (twice into one database changes nothing
// the second time) and a record keeps where it came from; importing an
// export into the database it came from finds each record by its id.
// Exported records are left as logged, so that they check against the log.

// GlobalKey is the global identity of record id of kind in the log origin.
func GlobalKey(origin string, kind Kind, id int64) string {
	return origin + "/" + string(kind) + "/" + strconv.FormatInt(id, 10)
}

// ParseGlobalKey splits a global identity; ok is false for a key that is
// not one (an external key of a list's own).
func ParseGlobalKey(key string) (origin string, kind Kind, id int64, ok bool) {
	i := strings.LastIndexByte(key, '/')
	if i <= 0 {
		return "", "", 0, false
	}
	id, err := strconv.ParseInt(key[i+1:], 10, 64)
	if err != nil || id <= 0 {
		return "", "", 0, false
	}
	j := strings.LastIndexByte(key[:i], '/')
	if j <= 0 {
		return "", "", 0, false
	}
	kind = Kind(key[j+1 : i])
	for _, k := range Kinds {
		if k == kind {
			return key[:j], kind, id, true
		}
	}
	return "", "", 0, false
}

// OriginOf is the origin a checkpoint names: its first line (C2SP
// tlog-checkpoint), "" when there is none.
func OriginOf(checkpoint []byte) string {
	first, _, _ := strings.Cut(string(checkpoint), "\n")
	return strings.TrimSpace(first)
}
