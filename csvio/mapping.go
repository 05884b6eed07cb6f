package csvio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Mapping tells an import what a file's columns mean, for headers that the
// built-in names do not cover. It is written in JSON or in YAML:
//
//	# list of the dead, 2022
//	encoding: windows-1251
//	delimiter: ";"
//	columns:
//	  Ф.И.О. погибшего: name_ru
//	  Дата смерти: "-"        # "-" ignores a column
//	values:
//	  sex:
//	    М: male
//	    Ж: female
//
// A mapping with no "columns" key is read as a plain map of columns.
type Mapping struct {
	// Columns maps a file's header to a column name of the kind (see Columns),
	// or to "-" to ignore the column.
	Columns map[string]string `json:"columns,omitempty"`
	// Values maps, per column name, a cell's value to the value to import.
	Values    map[string]map[string]string `json:"values,omitempty"`
	Encoding  string                       `json:"encoding,omitempty"`
	Delimiter string                       `json:"delimiter,omitempty"`
	Sheet     string                       `json:"sheet,omitempty"`
}

// MaxMappingBytes bounds a mapping file.
const MaxMappingBytes = 1 << 20

// ParseMapping reads a mapping in JSON (if it starts with "{") or in the
// YAML subset shown on Mapping: "key: value" lines, nested by indentation,
// # comments, values optionally in single or double quotes.
func ParseMapping(r io.Reader) (*Mapping, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxMappingBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read mapping: %w", err)
	}
	if len(b) > MaxMappingBytes {
		return nil, fileErrorf(0, "the mapping file is larger than 1 MiB")
	}
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	var raw map[string]any
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &raw); err != nil {
			return nil, fileErrorf(0, "mapping: %v", err)
		}
	} else if raw, err = parseYAMLMap(b); err != nil {
		return nil, err
	}
	m := &Mapping{Columns: map[string]string{}, Values: map[string]map[string]string{}}
	if _, ok := raw["columns"]; !ok {
		raw = map[string]any{"columns": raw}
	}
	for k, v := range raw {
		switch k {
		case "columns", "values":
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, fileErrorf(0, "mapping: %q must be a map", k)
			}
			for col, val := range obj {
				if k == "columns" {
					s, ok := val.(string)
					if !ok {
						return nil, fileErrorf(0, "mapping: column %q must map to a column name", col)
					}
					m.Columns[col] = s
					continue
				}
				vm, ok := val.(map[string]any)
				if !ok {
					return nil, fileErrorf(0, "mapping: values of %q must be a map", col)
				}
				m.Values[col] = map[string]string{}
				for from, to := range vm {
					s, ok := to.(string)
					if !ok {
						return nil, fileErrorf(0, "mapping: value %q of %q must map to a string", from, col)
					}
					m.Values[col][from] = s
				}
			}
		case "encoding", "delimiter", "sheet":
			s, ok := v.(string)
			if !ok {
				return nil, fileErrorf(0, "mapping: %q must be a string", k)
			}
			switch k {
			case "encoding":
				m.Encoding = s
			case "delimiter":
				m.Delimiter = s
			default:
				m.Sheet = s
			}
		default:
			return nil, fileErrorf(0, "mapping: unknown key %q (want columns, values, encoding, delimiter, sheet)", k)
		}
	}
	return m, nil
}

// ParseDelimiter accepts a delimiter by character or by name.
func ParseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "\t", `\t`, "tab":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, fileErrorf(0, "delimiter %q is not supported (want comma, semicolon, tab or pipe)", s)
}

// parseYAMLMap reads nested "key: value" maps. It is the small subset of
// YAML that mapping files need, so that no YAML library is pulled in.
func parseYAMLMap(b []byte) (map[string]any, error) {
	type frame struct {
		indent int
		m      map[string]any
	}
	root := map[string]any{}
	stack := []frame{{-1, root}}
	var pendingKey string
	pendingIndent := -1
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, MaxMappingBytes)
	line := 0
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(raw, " ")
		if trimmed == "" || trimmed[0] == '#' || trimmed == "---" {
			continue
		}
		if strings.HasPrefix(trimmed, "\t") || strings.Contains(raw[:len(raw)-len(trimmed)], "\t") {
			return nil, fileErrorf(line, "mapping: indent with spaces, not tabs")
		}
		indent := len(raw) - len(trimmed)
		key, val, err := splitYAMLLine(trimmed)
		if err != nil {
			return nil, fileErrorf(line, "mapping: %v", err)
		}
		if pendingKey != "" {
			if indent > pendingIndent {
				child := map[string]any{}
				stack[len(stack)-1].m[pendingKey] = child
				stack = append(stack, frame{indent, child})
			} else {
				stack[len(stack)-1].m[pendingKey] = ""
			}
			pendingKey = ""
		}
		for len(stack) > 1 && indent < stack[len(stack)-1].indent {
			stack = stack[:len(stack)-1]
		}
		if indent != stack[len(stack)-1].indent && len(stack) > 1 {
			return nil, fileErrorf(line, "mapping: the indentation does not match the lines above")
		}
		top := stack[len(stack)-1].m
		if _, dup := top[key]; dup {
			return nil, fileErrorf(line, "mapping: %q is given twice", key)
		}
		if val == nil {
			pendingKey, pendingIndent = key, indent
			top[key] = nil
			continue
		}
		top[key] = *val
	}
	if err := sc.Err(); err != nil {
		return nil, fileErrorf(0, "mapping: %v", err)
	}
	if pendingKey != "" {
		stack[len(stack)-1].m[pendingKey] = ""
	}
	return root, nil
}

// splitYAMLLine splits `key: value # comment`; a nil value opens a nested map.
func splitYAMLLine(s string) (string, *string, error) {
	key, rest, err := yamlScalar(s, true)
	if err != nil {
		return "", nil, err
	}
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, ":") {
		return "", nil, fmt.Errorf("want \"key: value\", not %q", s)
	}
	rest = strings.TrimLeft(rest[1:], " ")
	if rest == "" || rest[0] == '#' {
		return key, nil, nil
	}
	val, rest, err := yamlScalar(rest, false)
	if err != nil {
		return "", nil, err
	}
	if rest = strings.TrimSpace(rest); rest != "" && rest[0] != '#' {
		return "", nil, fmt.Errorf("unexpected %q after the value", rest)
	}
	return key, &val, nil
}

// yamlScalar reads a quoted or plain scalar from the start of s.
func yamlScalar(s string, isKey bool) (string, string, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				v, err := strconv.Unquote(s[:i+1])
				if err != nil {
					return "", "", fmt.Errorf("bad quoted string %s", s[:i+1])
				}
				return v, s[i+1:], nil
			}
		}
		return "", "", fmt.Errorf("unclosed quote in %q", s)
	case strings.HasPrefix(s, "'"):
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i++
					continue
				}
				return b.String(), s[i+1:], nil
			}
			b.WriteByte(s[i])
		}
		return "", "", fmt.Errorf("unclosed quote in %q", s)
	}
	if isKey {
		// A plain key ends at the first ": " (or a final ":").
		for i := 0; i < len(s); i++ {
			if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
				return strings.TrimSpace(s[:i]), s[i:], nil
			}
		}
		return "", "", fmt.Errorf("want \"key: value\", not %q", s)
	}
	if i := strings.Index(s, " #"); i >= 0 {
		return strings.TrimSpace(s[:i]), s[i:], nil
	}
	return strings.TrimSpace(s), "", nil
}
