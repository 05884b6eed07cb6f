package csvio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

func jsonSeeds(f *testing.F) {
	for _, s := range []string{
		"[\n{\"id\":1,\"version\":2,\"created_at\":\"2024-01-01T00:00:00Z\",\"external_key\":\"k1\",\"names\":[{\"value\":\"Synthetic\"}],\"birth_date\":\"~1990\"}\n]\n",
		"\xEF\xBB\xBF [ {\"names\":[{\"value\":\"A\",\"lang\":\"kk\"}]} , {\"names\":[{\"value\":\"B\"}],\"sex\":\"robot\"} ]",
		"[{\"names\":[{\"value\":\"A\"}]},{\"names\":[{\"value\":\"A\"}]}]",
		"[{\"ID\":1,\"id\":2,\"names\":[{\"value\":\"C\"}]},{\"id\":1,\"external_key\":7}]",
		"[{\"\\u0069d\":3,\"names\":[{\"value\":\"\\\"q\\\\\"}]},\"s\",1,null,true,[],{}]",
		"[1,]", "[", "]", "[]", "[]]", "[][]", "{}", "\"x\"", "null", "", " ", "[{\"a\":}]", "[{\"a\" 1}]",
		"[{\"names\":[{\"value\":\"A\"}]}\n{\"names\":[]}]", "[\n\n\n{\"names\":[{\"value\":\"\xff\"}]}]",
		"[" + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "]",
		"\xFF\xFE[\x00]\x00",
		"[{\"\x86\":\"\"}", // a key that is not UTF-8
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
}

// FuzzJSONTable: the reader gives the same elements as encoding/json reading
// the whole file, each with a line that exists, or a FileError; it never
// panics or loops. splitJSONObject agrees with encoding/json on every
// object.
func FuzzJSONTable(f *testing.F) {
	jsonSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, _ bool) {
		var got []jsonElem
		var readErr error
		jt, err := openJSON(bytes.NewReader(data), ReadOptions{MaxBytes: 1 << 20})
		if err == nil {
			for {
				e, err := jt.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				got = append(got, e)
				if len(got) > len(data) {
					t.Fatalf("more elements (%d) than bytes (%d)", len(got), len(data))
				}
			}
		} else {
			readErr = err
		}
		var fe *FileError
		if readErr != nil && !errors.As(readErr, &fe) {
			t.Fatalf("error is not a FileError: %v", readErr)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		last := 1
		for _, e := range got {
			if e.Line < last || e.Line > lines {
				t.Fatalf("element on line %d after line %d, in %d lines", e.Line, last, lines)
			}
			last = e.Line
			if !bytes.Contains(data, e.Raw) || !json.Valid(e.Raw) {
				t.Fatalf("element %q is not valid JSON from the file", e.Raw)
			}
		}
		if fe != nil && (fe.Line < 0 || fe.Line > lines) {
			t.Fatalf("problem on line %d of %d lines: %v", fe.Line, lines, fe)
		}
		// The whole file through encoding/json (a UTF-8 byte-order mark
		// aside; null is no array, though it unmarshals into one).
		body := bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
		var want []json.RawMessage
		ok := json.Unmarshal(body, &want) == nil && string(bytes.TrimSpace(body)) != "null"
		if ok != (readErr == nil) {
			t.Fatalf("encoding/json says ok=%v, the reader %v", ok, readErr)
		}
		if ok {
			if len(got) != len(want) {
				t.Fatalf("%d elements, encoding/json finds %d", len(got), len(want))
			}
			for i := range got {
				if !bytes.Equal(got[i].Raw, want[i]) {
					t.Fatalf("element %d is %q, encoding/json says %q", i, got[i].Raw, want[i])
				}
			}
		}
		for _, e := range got {
			checkSplit(t, e.Raw)
		}
	})
}

// checkSplit compares splitJSONObject with encoding/json's tokens.
func checkSplit(t *testing.T, raw []byte) {
	members, what := splitJSONObject(raw)
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	if d, isObj := tok.(json.Delim); !isObj || d != '{' {
		if what == "" {
			t.Fatalf("%q is no object, yet split", raw)
		}
		return
	}
	if what != "" {
		t.Fatalf("object %q not split: %s", raw, what)
	}
	i := 0
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if i >= len(members) {
			t.Fatalf("%q: split finds %d members, encoding/json more", raw, len(members))
		}
		if m := members[i]; m.name != k.(string) || !bytes.Equal(m.value, v) {
			t.Fatalf("%q: member %d is %q: %q, encoding/json says %q: %q", raw, i, m.name, m.value, k, v)
		}
		i++
	}
	if i != len(members) {
		t.Fatalf("%q: split finds %d members, encoding/json %d", raw, len(members), i)
	}
}

// FuzzJSONImport: whatever the file, the import writes every record or
// none (with SkipInvalid, exactly the ones it counts as created or
// updated), reports each problem with a message, and hands back the
// rejected elements as a JSON array of elements of the file.
func FuzzJSONImport(f *testing.F) {
	jsonSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		db := fuzzStore(t)
		before, err := db.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		actor := qantar.Actor{ID: "fuzz", Role: qantar.RoleEditor}
		rep, err := Import(context.Background(), db, qantar.KindPerson, bytes.NewReader(data), "f.json",
			Options{Actor: actor, SkipInvalid: skip, Read: ReadOptions{MaxBytes: 1 << 20}})
		if err != nil {
			t.Fatalf("import failed (not a problem report): %v", err)
		}
		after, err := db.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		grew := after[qantar.KindPerson] - before[qantar.KindPerson]
		if !rep.Written && grew != 0 {
			t.Fatalf("not written, yet %d persons more", grew)
		}
		if !rep.OK() && !skip && rep.Written {
			t.Fatalf("problems, yet written:\n%v", rep.Problems)
		}
		if rep.Written && grew != rep.Created {
			t.Fatalf("%d persons written, report says %d created", grew, rep.Created)
		}
		tr := rep.Tables[0]
		if tr.Format != FormatJSON {
			t.Fatalf("read as %s", tr.Format)
		}
		if rep.Written && tr.Created+tr.Updated+tr.Unchanged+tr.Rejected != tr.Rows {
			t.Fatalf("%d rows, but %d+%d+%d+%d counted", tr.Rows, tr.Created, tr.Updated, tr.Unchanged, tr.Rejected)
		}
		for _, p := range rep.Problems {
			if p.Message == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
			if p.Column != "" && p.Line < 1 {
				t.Fatalf("a problem in a field without a line: %+v", p)
			}
		}
		if skip && rep.Written {
			var b bytes.Buffer
			if err := rep.WriteRejected(&b, 0); err != nil {
				t.Fatal(err)
			}
			var rej []json.RawMessage
			if err := json.Unmarshal(b.Bytes(), &rej); err != nil {
				t.Fatalf("rejected file is not a JSON array: %v\n%s", err, b.Bytes())
			}
			if len(rej) != tr.Rejected {
				t.Fatalf("%d rejected elements written, %d counted", len(rej), tr.Rejected)
			}
			for _, e := range rej {
				if !bytes.Contains(data, e) {
					t.Fatalf("rejected element %q is not in the file", e)
				}
			}
		}
	})
}
