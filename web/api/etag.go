package api

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// RecordETag is the entity tag of the answer p to a reader of class (from
// qantar.ClassOf): the class, the projection rules and a hash of the bytes
// themselves with the record's kind and id. It is a hash of what the reader
// is shown rather than the record's version alone, so that it changes when
// the record's projection changes without a version of its own (a person it
// is about was protected) and tells the reader nothing the bytes do not.
func RecordETag(kind qantar.Kind, id int64, class qantar.Actor, data []byte) string {
	c := "p"
	if class.Role == qantar.RoleViewer {
		c = "v"
	}
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(strconv.AppendInt(nil, id, 10))
	h.Write([]byte{0})
	h.Write(data)
	var sum [sha256.Size]byte
	return `"` + c + strconv.Itoa(qantar.ProjectionRules) + "-" + hex.EncodeToString(h.Sum(sum[:0])[:16]) + `"`
}

// MatchETag reports whether an If-None-Match header names etag (or is *):
// the weak comparison of RFC 9110 §13.1.2.
func MatchETag(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" || etag == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}
