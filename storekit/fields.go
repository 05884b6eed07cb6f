package storekit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// A list filter on a field (Filter.Where) reads the record_fields table
// (migration 012 of both stores) instead of parsing the JSON of every
// record of the kind: one row per field value of a live record, saying
// which reader classes' projections hold that value (Seen). A reader's
// filter names only the rows its own class sees, as literals that lead the
// index after the value, so that what their projection does not hold is
// neither matched, nor counted, nor walked over.
//
// The rows are made by FieldRows from the JSON a row keeps (data and its
// projections), written with them in the same transaction, and remade
// whole when the projections are (a store's reprojection at open).

// Reader classes as bits of FieldRow.Seen: a value seen by every class is
// one row with Seen 7.
const (
	SeenPublic = 1 << iota // coalesce(pub_data, data)
	SeenViewer             // coalesce(viewer_data, data)
	SeenAll                // data: readers who may see everything
)

// FieldRow is one row of record_fields for a record: a field's value (as
// FilterKey writes a filter value) and the reader classes that see it.
type FieldRow struct {
	Field string
	Value string
	Seen  int
}

// InFieldTable reports whether record_fields holds kind's filter field:
// every field of qantar.FilterFields but those a column serves
// (external_key, protection) when no projection changes them.
func InFieldTable(kind qantar.Kind, field string) bool {
	if !slices.Contains(qantar.FilterFields[kind], field) {
		return false
	}
	if !qantar.KeptByProjection(kind, field) {
		return true
	}
	return field != "external_key" && field != "protection"
}

// tableFields are, per kind, the fields record_fields holds.
var tableFields = func() map[qantar.Kind][]string {
	out := map[qantar.Kind][]string{}
	for kind, fields := range qantar.FilterFields {
		for _, f := range fields {
			if InFieldTable(kind, f) {
				out[kind] = append(out[kind], f)
			}
		}
	}
	return out
}()

// FilterKey is a filter value as record_fields keeps the values it
// matches, typed as the stores' JSON filters compare (sqlite.filterValue):
// a value that reads as an integer matches that JSON number, "true" and
// "false" (and 1 and 0) match JSON true and false, anything else a JSON
// string.
func FilterKey(value string) string {
	if n, err := strconv.ParseInt(value, 10, 64); err == nil {
		return "#" + strconv.FormatInt(n, 10)
	}
	switch value {
	case "true":
		return "#1"
	case "false":
		return "#0"
	}
	return "'" + value
}

// valueKey is a JSON value as FilterKey writes the filter values equal to
// it; ok is false for null, and for a value longer than any filter may be.
func valueKey(raw json.RawMessage) (key string, ok bool) {
	switch raw[0] {
	case 'n':
		return "", false
	case 't':
		return "#1", true
	case 'f':
		return "#0", true
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || len(s) > qantar.MaxShort {
			return "", false
		}
		return "'" + s, true
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil || b.Len() > qantar.MaxShort {
			return "", false
		}
		return "'" + b.String(), true
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return "#" + strconv.FormatInt(n, 10), true
	}
	// A number that is not an integer: no filter value equals it.
	return "#" + string(raw), len(raw) <= qantar.MaxShort
}

// FieldRows returns the record_fields rows of a record of kind stored as
// data with its projections pub and view (nil when data itself), sorted.
func FieldRows(kind qantar.Kind, data, pub, view []byte) ([]FieldRow, error) {
	fields := tableFields[kind]
	if len(fields) == 0 {
		return nil, nil
	}
	seen := map[[2]string]int{}
	for _, d := range []struct {
		doc []byte
		bit int
	}{{data, SeenAll}, {pub, SeenPublic}, {view, SeenViewer}} {
		if d.doc == nil {
			for k, bits := range seen {
				if bits&SeenAll != 0 {
					seen[k] |= d.bit // the projection is data itself
				}
			}
			continue
		}
		if err := addValues(seen, kind, fields, d.doc, d.bit); err != nil {
			return nil, err
		}
	}
	out := make([]FieldRow, 0, len(seen))
	for k, bits := range seen {
		out = append(out, FieldRow{Field: k[0], Value: k[1], Seen: bits})
	}
	slices.SortFunc(out, compareRows)
	return out, nil
}

// addValues marks the values of fields in doc as seen by the class bit.
func addValues(seen map[[2]string]int, kind qantar.Kind, fields []string, doc []byte, bit int) error {
	values, err := topFields(doc, fields)
	if err != nil {
		return fmt.Errorf("fields of %s: %w", kind, err)
	}
	for i, f := range fields {
		raw := values[i]
		if len(raw) == 0 {
			continue
		}
		if v, ok := valueKey(raw); ok {
			seen[[2]string{f, v}] |= bit
		}
	}
	return nil
}

func compareRows(a, b FieldRow) int {
	if c := strings.Compare(a.Field, b.Field); c != 0 {
		return c
	}
	if c := strings.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	return a.Seen - b.Seen
}

// FieldChanges returns the rows of old that new lacks and those of new
// that old lacks: what a write deletes and inserts (nothing, for an update
// that changes no filtered field as any reader sees it).
func FieldChanges(old, new []FieldRow) (gone, added []FieldRow) {
	for _, r := range old {
		if !slices.Contains(new, r) {
			gone = append(gone, r)
		}
	}
	for _, r := range new {
		if !slices.Contains(old, r) {
			added = append(added, r)
		}
	}
	return gone, added
}

// seenBy returns the Seen values whose rows reader's class sees.
func seenBy(reader qantar.Actor) []int {
	bit := SeenPublic
	class, all := qantar.ClassOf(reader)
	switch {
	case all:
		bit = SeenAll
	case class.Role == qantar.RoleViewer:
		bit = SeenViewer
	}
	var out []int
	for s := 1; s <= SeenPublic|SeenViewer|SeenAll; s++ {
		if s&bit != 0 {
			out = append(out, s)
		}
	}
	return out
}

// fieldIDs is the query of the ids of kind's live records whose field, as
// reader sees it, equals value, as the parts of a UNION ALL: one range of record_fields' key for each
// Seen value of the reader's class (UNION ALL, not IN: PostgreSQL may read
// an IN list after the key as a filter over every Seen value's entries,
// which walks what the reader may not see). A record has one value of a
// field in a class's projection, so no id comes twice.
func fieldIDs(a *Args, reader qantar.Actor, kind qantar.Kind, field, value string) []string {
	v := a.Add(FilterKey(value))
	var parts []string
	for _, s := range seenBy(reader) {
		parts = append(parts, "SELECT id FROM record_fields WHERE kind = '"+string(kind)+"' AND field = '"+field+
			"' AND value = "+v+" AND seen = "+strconv.Itoa(s))
	}
	return parts
}
