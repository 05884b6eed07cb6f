// Package linkage finds which records on several lists name the same person:
// the record linkage that must come before anyone can count victims whose
// names appear, spelled differently and with different fields missing, on the
// Prosecutor General's list, a radio station's list, hospital records and
// relatives' reports.
//
// It follows Fellegi and Sunter (1969) as the Human Rights Data Analysis
// Group and the Splink and fastLink tools apply it:
//
//  1. Blocking: several rules, unioned, each naming which pairs are worth
//     comparing (records sharing a name token, or a birth date). Oversized
//     blocks are compared within a sliding window (sorted neighbourhood), so
//     one common name cannot make the work quadratic.
//  2. Comparison: each field by its type (name, date, text, exact, number)
//     gives an agreement level per pair.
//  3. Weights: the probability of each level among matches (m) and
//     non-matches (u) is learned without labels by expectation-maximisation,
//     with term frequencies for common names; labelled pairs may refine it.
//  4. Clustering: pairs whose posterior match probability passes a threshold
//     are joined into persons, with guards against long chains; pairs in an
//     uncertain band are set aside for a person to review.
package linkage

import (
	"fmt"
	"strings"
)

// FieldType says how a field is compared.
type FieldType string

const (
	Name   FieldType = "name"   // a person's name: match keys, Jaro-Winkler, word order, initials
	Date   FieldType = "date"   // full or partial dates, day/month swaps, year only
	Text   FieldType = "text"   // free text: normalised edit-distance similarity
	Exact  FieldType = "exact"  // agree or not, after normalisation: sex, a code
	Number FieldType = "number" // numbers with a tolerance: an age
)

// FieldTypes lists the field types, for messages.
var FieldTypes = []FieldType{Name, Date, Text, Exact, Number}

// ParseFieldType returns the FieldType named s.
func ParseFieldType(s string) (FieldType, error) {
	for _, t := range FieldTypes {
		if string(t) == s {
			return t, nil
		}
	}
	names := make([]string, len(FieldTypes))
	for i, t := range FieldTypes {
		names[i] = string(t)
	}
	return "", fmt.Errorf("unknown field type %q (want one of %s)", s, strings.Join(names, ", "))
}

// Field is one compared field: its type and its label (the CSV column, or
// columns joined by "+" for a date kept in separate year, month and day
// columns).
type Field struct {
	Type   FieldType
	Column string
}

// Dataset holds the records of one or more lists (sources), column by
// column: records are numbered from 0 in the order they were added.
type Dataset struct {
	Fields  []Field
	Sources []string

	src    []int32
	ids    []string
	values [][]string         // values[field][record]
	index  []map[string]int32 // per source, identifier → record
}

// NewDataset returns an empty dataset comparing fields.
func NewDataset(fields []Field) (*Dataset, error) {
	if len(fields) == 0 {
		return nil, fmt.Errorf("no fields to compare")
	}
	for _, f := range fields {
		if _, err := ParseFieldType(string(f.Type)); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Column, err)
		}
	}
	return &Dataset{Fields: fields, values: make([][]string, len(fields))}, nil
}

// AddSource registers a list and returns its number.
func (d *Dataset) AddSource(name string) int {
	d.Sources = append(d.Sources, name)
	d.index = append(d.index, map[string]int32{})
	return len(d.Sources) - 1
}

// Add appends a record of source src with its values in the order of Fields.
// An identifier may appear only once per source.
func (d *Dataset) Add(src int, id string, values []string) error {
	if src < 0 || src >= len(d.Sources) {
		return fmt.Errorf("no source %d", src)
	}
	if len(values) != len(d.Fields) {
		return fmt.Errorf("record %q has %d values for %d fields", id, len(values), len(d.Fields))
	}
	if id == "" {
		return fmt.Errorf("record has an empty identifier")
	}
	if _, dup := d.index[src][id]; dup {
		return fmt.Errorf("duplicate identifier %q", id)
	}
	d.index[src][id] = int32(len(d.ids))
	d.src = append(d.src, int32(src))
	d.ids = append(d.ids, id)
	for f, v := range values {
		d.values[f] = append(d.values[f], v)
	}
	return nil
}

// Len returns the number of records.
func (d *Dataset) Len() int { return len(d.ids) }

// Source returns the source number of record i.
func (d *Dataset) Source(i int) int { return int(d.src[i]) }

// ID returns the identifier of record i in its source.
func (d *Dataset) ID(i int) string { return d.ids[i] }

// Value returns the value of field f of record i, as given.
func (d *Dataset) Value(i, f int) string { return d.values[f][i] }

// Lookup returns the record of source src with identifier id.
func (d *Dataset) Lookup(src int, id string) (int, bool) {
	if src < 0 || src >= len(d.index) {
		return 0, false
	}
	i, ok := d.index[src][id]
	return int(i), ok
}

// SourceIndex returns the number of the source called name.
func (d *Dataset) SourceIndex(name string) (int, bool) {
	for i, s := range d.Sources {
		if s == name {
			return i, true
		}
	}
	return 0, false
}

// LevelNames returns the names of the agreement levels of a field type,
// from disagreement (0) to exact agreement.
func LevelNames(t FieldType) []string {
	switch t {
	case Name:
		return nameLevelNames
	case Date:
		return dateLevelNames
	case Text:
		return textLevelNames
	case Exact:
		return exactLevelNames
	case Number:
		return numberLevelNames
	}
	return nil
}
