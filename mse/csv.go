package mse

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Stratum is the table of one stratum (a city, a period) of a CSV file. Key
// joins the stratum's values with " / "; it is "" when the file has no strata.
type Stratum struct {
	Key    string
	Values []string
	Table  *Table
}

// ReadCSV reads an overlap table or a file of linked records.
//
// The first row names the columns. Every column is a list (values 0 or 1),
// except a column named "count" and the strata columns named in strata. With
// a count column each row is a pattern and the number of people recorded by
// exactly those lists (repeated patterns add up); without one each row is one
// linked person. Rows are grouped by the values of the strata columns, in the
// order the strata first appear; with no strata there is one stratum.
//
// Errors name the line and column at fault.
func ReadCSV(r io.Reader, strata []string) ([]Stratum, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = true
	cols, err := readHeader(cr, strata)
	if err != nil {
		return nil, err
	}
	g := strataOf{index: map[string]int{}}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		rows++
		p, n, values, err := cols.row(rec, line)
		if err != nil {
			return nil, err
		}
		if err := g.add(cols.lists, values, p, n, line); err != nil {
			return nil, err
		}
	}
	if rows == 0 {
		return nil, errorf("no data rows after the header")
	}
	return g.out, nil
}

// csvColumns are what a CSV file's header says of its columns.
type csvColumns struct {
	header     []string
	count      int   // the count column, -1 when none
	listCols   []int // the list columns, in file order
	strataCols []int // the strata columns, in the order the user named them
	lists      []string
	strata     []string
}

// readHeader reads the header row and checks it names each column once,
// every stratum asked for, and not too many lists.
func readHeader(cr *csv.Reader, strata []string) (*csvColumns, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errorf("empty file: want a header row naming the lists")
	} else if err != nil {
		return nil, csvError(err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	c := &csvColumns{header: header, count: -1, strata: strata}
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			return nil, errorf("line 1, column %d: empty column name", i+1)
		}
		if j, dup := seen[h]; dup {
			return nil, errorf("line 1: column name %q is used by columns %d and %d", h, j+1, i+1)
		}
		seen[h] = i
		switch {
		case strings.EqualFold(h, "count"):
			c.count = i
		case contains(strata, h):
		default:
			c.listCols = append(c.listCols, i)
			c.lists = append(c.lists, h)
		}
	}
	for _, s := range strata {
		if _, ok := seen[s]; !ok {
			return nil, errorf("strata column %q is not in the header (%s)", s, strings.Join(header, ","))
		}
	}
	if len(c.lists) > MaxLists {
		return nil, errorf("line 1: %d list columns, at most %d are supported", len(c.lists), MaxLists)
	}
	for _, s := range strata {
		c.strataCols = append(c.strataCols, seen[s])
	}
	return c, nil
}

// row reads one data row: its pattern of lists, how many people it counts,
// and its strata's values.
func (c *csvColumns) row(rec []string, line int) (p Pattern, n int64, values []string, err error) {
	for j, col := range c.listCols {
		switch v := strings.TrimSpace(rec[col]); v {
		case "1":
			p |= 1 << uint(j)
		case "0":
		default:
			hint := ""
			if len(c.strata) == 0 {
				hint = " (if it is a stratum, name it with --strata)"
			}
			return 0, 0, nil, errorf("line %d, column %q: %q is not 0 or 1%s", line, c.header[col], v, hint)
		}
	}
	n = 1
	if c.count >= 0 {
		v := strings.TrimSpace(rec[c.count])
		n, err = strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, nil, errorf("line %d, column %q: %q is not a whole number of people (0 or more)", line, c.header[c.count], v)
		}
	}
	if p == 0 && n > 0 {
		return 0, 0, nil, errorf("line %d: a record on none of the lists (every list column is 0)", line)
	}
	values = make([]string, len(c.strataCols))
	for i, col := range c.strataCols {
		values[i] = strings.TrimSpace(rec[col])
	}
	return p, n, values, nil
}

// strataOf gathers rows into strata, in the order the strata first appear.
type strataOf struct {
	out   []Stratum
	index map[string]int
}

// add counts n people of pattern p in the stratum of values.
func (g *strataOf) add(lists, values []string, p Pattern, n int64, line int) error {
	key := strings.Join(values, " / ")
	i, ok := g.index[key]
	if !ok {
		t, err := NewTable(lists)
		if err != nil {
			return err
		}
		i = len(g.out)
		g.index[key] = i
		g.out = append(g.out, Stratum{Key: key, Values: values, Table: t})
	}
	tab := g.out[i].Table
	if tab.counts[p] > (1<<62)-n {
		return errorf("line %d: counts too large", line)
	}
	if err := tab.Add(p, n); err != nil {
		return errorf("line %d: %s", line, messageOf(err))
	}
	return nil
}

// Merge adds up the tables of several strata over the same lists.
func Merge(strata []Stratum) (*Table, error) {
	if len(strata) == 0 {
		return nil, errorf("no strata to merge")
	}
	t, err := NewTable(strata[0].Table.lists)
	if err != nil {
		return nil, err
	}
	for _, s := range strata {
		if strings.Join(s.Table.lists, "\x00") != strings.Join(t.lists, "\x00") {
			return nil, errorf("stratum %q has other lists (%s) than the first (%s)", s.Key, strings.Join(s.Table.lists, ","), strings.Join(t.lists, ","))
		}
		for p, c := range s.Table.counts {
			t.counts[p] += c
		}
	}
	return t, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// csvError turns encoding/csv's error into one that names the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return errorf("line %d: wrong number of columns (the header has a different number)", pe.Line)
		}
		return errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("reading CSV: %w", err)
}
