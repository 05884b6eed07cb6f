package storekit

import (
	"bytes"
	"encoding/json"
)

// topFields returns the raw values of the named top-level fields of a JSON
// object, in the order of names (nil for a field it lacks; the last of a
// repeated key), exactly as json.Unmarshal into a map[string]RawMessage
// gives them, without making that map: record_fields reads a few fields of
// every record and projection, at each write and in verify. A document
// that is not a valid JSON object, or whose keys hold escapes, is decoded
// by json.Unmarshal itself.
func topFields(doc []byte, names []string) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(names))
	if !json.Valid(doc) {
		return out, unmarshalFields(doc, names, out)
	}
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return out, unmarshalFields(doc, names, out)
	}
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] != '}' {
		end := stringEnd(doc, i)
		key := doc[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return out, unmarshalFields(doc, names, out)
		}
		i = skipSpace(doc, skipSpace(doc, end)+1) // past ':'
		vend := valueEnd(doc, i)
		for n, name := range names {
			if name == string(key) {
				out[n] = doc[i:vend:vend]
			}
		}
		i = skipSpace(doc, vend)
		if doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return out, nil
}

// unmarshalFields is topFields by json.Unmarshal.
func unmarshalFields(doc []byte, names []string, out []json.RawMessage) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return err
	}
	for n, name := range names {
		out[n] = top[name]
	}
	return nil
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index just past the string that starts at doc[i] (a
// quote), in valid JSON.
func stringEnd(doc []byte, i int) int {
	for i++; i < len(doc); i++ {
		switch doc[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(doc)
}

// valueEnd is the index just past the value that starts at doc[i], in
// valid JSON.
func valueEnd(doc []byte, i int) int {
	switch doc[i] {
	case '"':
		return stringEnd(doc, i)
	case '{', '[':
		depth := 0
		for ; i < len(doc); i++ {
			switch doc[i] {
			case '"':
				i = stringEnd(doc, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(doc)
	}
	for i < len(doc) && doc[i] != ',' && doc[i] != '}' && doc[i] != ']' && doc[i] != ' ' && doc[i] != '\t' && doc[i] != '\n' && doc[i] != '\r' {
		i++
	}
	return i
}
