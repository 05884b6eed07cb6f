// Package linkdb links the victims recorded in a database: every person on
// a list (a Source of kind "list" cites the person, or an act of which the
// person is the victim) and every person entered by hand who is the victim
// of an act, in whatever script each was written. It proposes; an editor,
// or qantar link --db --apply over a probability, confirms a merge by
// setting same_as_id on a person, an ordinary logged version that clearing
// it undoes. The command line and the web's /linkage share it.
//
// Linkage runs on what the actor may see: a person the actor may not see
// is left out, so no name of theirs reaches a pair, a group or an output.
package linkdb

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/linkage"
	"github.com/qantar-project/qantar/names"
)

// Options say what to link and how.
type Options struct {
	// Lists are the list sources whose persons are linked, with every
	// victim entered by hand; every list when empty.
	Lists []int64
	// Threshold is the match probability from which a pair is linked
	// (linkage.DefaultThreshold when 0); ReviewLow and ReviewHigh bound
	// the band of pairs set aside for review (0.2 and 0.8 when both 0).
	Threshold, ReviewLow, ReviewHigh float64
	// Progress, if set, hears of each stage (see linkage.Options).
	Progress func(stage string, done, total int64)
}

// Entry is one person record as linkage saw it.
type Entry struct {
	PersonID int64 `json:"person_id"`
	// SourceID is the first list that names the person; 0 for a victim
	// entered by hand and on no list. Lists holds every list.
	SourceID    int64   `json:"source_id,omitempty"`
	Lists       []int64 `json:"lists,omitempty"`
	HandEntered bool    `json:"hand_entered,omitempty"`
	Name        string  `json:"name"`
	BirthDate   string  `json:"birth_date,omitempty"`
	DeathDate   string  `json:"death_date,omitempty"`
	SameAsID    int64   `json:"same_as_id,omitempty"`
	version     int     // the person's version as linkage read it
}

// Group is a set of distinct person records linkage says are one human.
type Group struct {
	Entries []Entry `json:"entries"`
}

// Pair is two person records with the probability that they are the same
// person.
type Pair struct {
	A, B Entry
	P    float64
	// Agreement says why: how well each compared field agrees.
	Agreement []Agreement
	// Refused says why a pair linkage would have linked was not ("" if
	// it was, or was not sure enough).
	Refused string
}

// Agreement is how well one field of a pair agrees: a level of
// linkage.LevelNames of the field's type ("initials", "exact", ...), or
// "missing" when either record has no value.
type Agreement struct {
	Field string `json:"field"`
	Level string `json:"level"`
}

// Result is what a linkage run over the database found.
type Result struct {
	Lists      []*qantar.Source
	Entries    []Entry
	Cluster    []int32 // the person of each entry, as linkage numbers them
	Candidates int     // pairs compared
	Merges     []Group // groups of two or more records, in order of their first record
	Linked     []Pair  // pairs linked into one person, most likely first
	Review     []Pair  // uncertain pairs, and linked-looking pairs a guard refused
	Model      *linkage.Model
	rules      []linkage.RuleReport
}

// The compared fields, in this order: the name, the birth date and sex, and
// the date and place of death. Most victims of January 2022 died on one of
// a few days in one of a few cities, so agreeing on them says little and EM
// learns as much (their u, from random pairs, is high); but for a name an
// official list gives only as a surname and initials, they are most of the
// evidence there is, and a disagreement on them says much.
var fields = []linkage.Field{
	{Type: linkage.Name, Column: "name"},
	{Type: linkage.Date, Column: "birth_date"},
	{Type: linkage.Exact, Column: "sex"},
	{Type: linkage.Date, Column: "death_date"},
	{Type: linkage.Exact, Column: "death_place"},
}

// rules say which pairs are compared: two records sharing a pair of name
// words and the year of birth, or a name word and the full birth date (a
// typo in the year, or in a name); and, for a record without a year of
// birth or with initials for names (an official list's "Иванов А.Б."), any
// record sharing a name word and the first letter of another. Blocking on
// the name alone compared 2.4 million pairs for 3 × 20,000 listed persons,
// where these compare about 0.16 million and find more of the true ones
// (BenchmarkLinkDB).
var rules = []linkage.Rule{
	{Fields: []int{0, 1}, WordPairs: true, Year: true},
	{Fields: []int{0, 1}},
	{Fields: []int{0}, Initials: true, Lacking: true},
}

// setup is what a run compares and which pairs.
type setup struct {
	fields []linkage.Field
	rules  []linkage.Rule
}

// current is this version's setup; previous is the one before (name, birth
// date and sex; blocks on name words and pairs of name words), kept as
// BenchmarkLinkDB's reference.
var (
	current  = setup{fields, rules}
	previous = setup{fields[:3], []linkage.Rule{{Fields: []int{0}}, {Fields: []int{0}, WordPairs: true}}}
)

// Link links the victims the actor may see. It changes nothing.
func Link(ctx context.Context, s qantar.Store, actor qantar.Actor, o Options) (*Result, error) {
	return link(ctx, s, actor, o, current)
}

func link(ctx context.Context, s qantar.Store, actor qantar.Actor, o Options, su setup) (*Result, error) {
	lists, err := pickLists(ctx, s, actor, o.Lists)
	if err != nil {
		return nil, err
	}
	data, err := load(ctx, s, actor, lists)
	if err != nil {
		return nil, err
	}
	res := &Result{Lists: lists, Merges: []Group{}}
	d, err := linkage.NewDataset(su.fields)
	if err != nil {
		return nil, err
	}
	src := d.AddSource("persons")
	for _, pid := range data.order {
		e, values := data.entry(pid)
		if err := d.Add(src, strconv.FormatInt(pid, 10), values[:len(su.fields)]); err != nil {
			return nil, err
		}
		res.Entries = append(res.Entries, e)
	}
	if d.Len() < 2 {
		res.Cluster = make([]int32, d.Len())
		return res, nil
	}
	lo := linkage.Options{Key: names.Key, Rules: su.rules, Threshold: o.Threshold, ReviewLow: o.ReviewLow, ReviewHigh: o.ReviewHigh, Progress: o.Progress}
	if lo.ReviewLow == 0 && lo.ReviewHigh == 0 {
		lo.ReviewLow, lo.ReviewHigh = 0.2, 0.8
	}
	lr, err := linkage.Link(ctx, d, lo)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	res.Cluster, res.Candidates, res.Model, res.rules = lr.Cluster, lr.Candidates, lr.Model, lr.Rules
	res.Merges = groups(res.Entries, lr.Cluster)
	for _, p := range lr.Pairs {
		if p.Linked {
			res.Linked = append(res.Linked, res.pair(d, p))
		}
	}
	for _, p := range lr.Review {
		res.Review = append(res.Review, res.pair(d, p))
	}
	return res, nil
}

// pair is a pair of linkage's as entries, with how each field agrees.
func (res *Result) pair(d *linkage.Dataset, p linkage.Pair) Pair {
	out := Pair{A: res.Entries[p.A], B: res.Entries[p.B], P: p.P, Refused: p.Refused}
	for f, l := range p.Levels {
		a := Agreement{Field: d.Fields[f].Column, Level: "missing"}
		if l >= 0 {
			a.Level = linkage.LevelNames(d.Fields[f].Type)[l]
		}
		out.Agreement = append(out.Agreement, a)
	}
	return out
}

// Reason says a pair's agreement in a line: "name initials, birth_date
// missing, death_date exact".
func (p Pair) Reason() string {
	parts := make([]string, len(p.Agreement))
	for i, a := range p.Agreement {
		parts[i] = a.Field + " " + a.Level
	}
	s := strings.Join(parts, ", ")
	if p.Refused != "" {
		s += "; not linked: " + p.Refused
	}
	return s
}

// groups returns the clusters of two or more entries, in the order of
// their first entry.
func groups(entries []Entry, cluster []int32) []Group {
	byCluster := map[int32][]Entry{}
	var order []int32
	for i, c := range cluster {
		if _, seen := byCluster[c]; !seen {
			order = append(order, c)
		}
		byCluster[c] = append(byCluster[c], entries[i])
	}
	out := []Group{}
	for _, c := range order {
		if g := byCluster[c]; len(g) > 1 {
			out = append(out, Group{Entries: g})
		}
	}
	return out
}

// pickLists returns the list sources named, or every list, checking that
// each named one exists and is a list.
func pickLists(ctx context.Context, s qantar.Store, actor qantar.Actor, ids []int64) ([]*qantar.Source, error) {
	if len(ids) == 0 {
		recs, err := all(ctx, s, actor, qantar.KindSource, map[string]string{"kind": "list"})
		if err != nil {
			return nil, err
		}
		out := make([]*qantar.Source, 0, len(recs))
		for _, r := range recs {
			if src, ok := r.(*qantar.Source); ok && src.SourceKind == "list" {
				out = append(out, src)
			}
		}
		return out, nil
	}
	var out []*qantar.Source
	seen := map[int64]bool{}
	for i, id := range ids {
		field := fmt.Sprintf("lists[%d]", i)
		if id <= 0 {
			return nil, qantar.FieldErrorf(field, "%d is not the number of a source", id)
		}
		rec, err := s.Get(ctx, qantar.KindSource, id)
		if err != nil {
			if qantar.ErrorCode(err) == qantar.ENOTFOUND {
				return nil, qantar.FieldErrorf(field, "there is no source %d", id)
			}
			return nil, err
		}
		src := rec.(*qantar.Source)
		if src.SourceKind != "list" {
			return nil, qantar.FieldErrorf(field, "sources/%d is a %s, not a list", id, src.SourceKind)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, src)
		}
	}
	return out, nil
}

// ListName is how the cluster file and the review name a list: its title,
// or sources/ID when it has none.
func ListName(src *qantar.Source) string {
	if t := strings.TrimSpace(src.Title.String()); t != "" {
		return t
	}
	return "sources/" + strconv.FormatInt(src.ID, 10)
}

// sortedIDs returns the keys of m in order.
func sortedIDs[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
