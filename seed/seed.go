// Package seed loads the bundled Qantar 2022 dataset: sourced facts about the
// January 2022 events in Kazakhstan, kept as a readable JSON file and loaded
// through the same decoding and validation as the API.
package seed

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
)

//go:embed qantar2022.json
var qantar2022 []byte

// KeyPrefix starts the external key of every bundled record.
const KeyPrefix = "qantar2022:"

// Entry is one record of a dataset file.
type Entry struct {
	Kind   qantar.Kind     `json:"kind"`
	Key    string          `json:"key"`
	Record json.RawMessage `json:"record"`
}

// File is a dataset file: entries in dependency order; "@key" strings in a
// record refer to an earlier entry's record and become its id.
type File struct {
	About   string  `json:"about"`
	Records []Entry `json:"records"`
}

// Bundled returns the bundled dataset.
func Bundled() (File, error) {
	var f File
	dec := json.NewDecoder(strings.NewReader(string(qantar2022)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("bundled dataset: %w", err)
	}
	return f, nil
}

// Load writes the dataset in one transaction: all of it or, on any error
// (which names the entry), none. Entries already present (same external key)
// are left as they are, so loading twice changes nothing.
func Load(ctx context.Context, s qantar.Store, f File) (created int, err error) {
	err = s.InTx(ctx, func(w qantar.Writer) error {
		created = 0
		ids := map[string]int64{}
		for i, e := range f.Records {
			where := fmt.Sprintf("entry %d (%s)", i+1, e.Key)
			if e.Key == "" {
				return qantar.Errorf(qantar.EINVALID, "%s: key is required", where)
			}
			if _, dup := ids[e.Key]; dup {
				return qantar.Errorf(qantar.EINVALID, "%s: key used twice", where)
			}
			if existing, err := w.GetByExternalKey(ctx, e.Kind, KeyPrefix+e.Key); err == nil {
				ids[e.Key] = existing.GetMeta().ID
				continue
			} else if qantar.ErrorCode(err) != qantar.ENOTFOUND {
				return err
			}
			body, err := resolve(e.Record, ids)
			if err != nil {
				return qantar.Errorf(qantar.EINVALID, "%s: %v", where, err)
			}
			rec, err := qantar.DecodeBytes(e.Kind, body)
			if err != nil {
				return qantar.Errorf(qantar.EINVALID, "%s: %s: %s", where, qantar.ErrorField(err), qantar.ErrorMessage(err))
			}
			rec.GetMeta().ExternalKey = KeyPrefix + e.Key
			if err := w.Create(ctx, qantar.System, rec); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			ids[e.Key] = rec.GetMeta().ID
			created++
		}
		return nil
	})
	return created, err
}

// resolve replaces every "@key" string value with the id of that key.
func resolve(raw json.RawMessage, ids map[string]int64) ([]byte, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var walk func(any) (any, error)
	walk = func(x any) (any, error) {
		switch t := x.(type) {
		case string:
			if key, ok := strings.CutPrefix(t, "@"); ok {
				id, found := ids[key]
				if !found {
					return nil, fmt.Errorf("refers to %q, which is not an earlier entry", t)
				}
				return id, nil
			}
		case []any:
			for i := range t {
				v, err := walk(t[i])
				if err != nil {
					return nil, err
				}
				t[i] = v
			}
		case map[string]any:
			for k := range t {
				v, err := walk(t[k])
				if err != nil {
					return nil, err
				}
				t[k] = v
			}
		}
		return x, nil
	}
	v, err := walk(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// Decode decodes a dataset file without a store, for checks that read it
// whole: each entry through the same decoding and validation as Load, with
// its external key set and "@key" references resolved to stand-in ids (the
// entry's position, from 1), which are the records' own ids too.
func (f File) Decode() ([]qantar.Record, error) {
	ids := map[string]int64{}
	out := make([]qantar.Record, 0, len(f.Records))
	for i, e := range f.Records {
		where := fmt.Sprintf("entry %d (%s)", i+1, e.Key)
		if _, dup := ids[e.Key]; dup || e.Key == "" {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: a key is required, once", where)
		}
		body, err := resolve(e.Record, ids)
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: %v", where, err)
		}
		rec, err := qantar.DecodeBytes(e.Kind, body)
		if err != nil {
			return nil, qantar.Errorf(qantar.EINVALID, "%s: %s: %s", where, qantar.ErrorField(err), qantar.ErrorMessage(err))
		}
		ids[e.Key] = int64(i + 1)
		m := rec.GetMeta()
		m.ID, m.ExternalKey = int64(i+1), KeyPrefix+e.Key
		out = append(out, rec)
	}
	return out, nil
}
