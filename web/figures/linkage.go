package figures

import (
	"context"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/linkdb"
)

// LinkageRequest asks which persons named by some lists are the same people.
type LinkageRequest struct {
	SourceIDs []int64 `json:"source_ids"` // Sources of kind "list"; all of them when empty
	Threshold float64 `json:"threshold"`  // posterior match probability; 0.5 when 0
}

// LinkageEntry is one person as a list names them, or a victim entered by
// hand (source_id 0, hand_entered true).
type LinkageEntry struct {
	PersonID    int64  `json:"person_id"`
	SourceID    int64  `json:"source_id"`
	HandEntered bool   `json:"hand_entered,omitempty"`
	Name        string `json:"name"`
	BirthDate   string `json:"birth_date,omitempty"`
}

// LinkageGroup is a set of distinct person records that linkage says are
// one human being: a merge to confirm (PUT the others with same_as_id).
type LinkageGroup struct {
	Entries []LinkageEntry `json:"entries"`
}

// LinkagePair is a pair in the uncertain band, for an editor to decide.
type LinkagePair struct {
	A LinkageEntry `json:"a"`
	B LinkageEntry `json:"b"`
	P float64      `json:"probability"`
}

type LinkageAnswer struct {
	Lists       []int64        `json:"lists"`
	Entries     int            `json:"entries"`
	HandEntered int            `json:"hand_entered"`
	Candidates  int            `json:"candidates"`
	Merges      []LinkageGroup `json:"merges"`
	Review      []LinkagePair  `json:"review"`
}

// Link runs record linkage (package linkdb) over the persons the lists
// cite and the victims entered by hand, as the actor sees them; it changes
// nothing. The API and the review page share it.
func (f *Figures) Link(ctx context.Context, actor qantar.Actor, req LinkageRequest) (*LinkageAnswer, error) {
	res, err := linkdb.Link(ctx, f.store, actor, linkdb.Options{Lists: req.SourceIDs, Threshold: req.Threshold, ReviewLow: 0.2, ReviewHigh: 0.8})
	if err != nil {
		if f := qantar.ErrorField(err); strings.HasPrefix(f, "lists[") {
			return nil, qantar.WithField(err, "source_ids"+strings.TrimPrefix(f, "lists"))
		}
		return nil, err
	}
	ans := LinkageAnswer{Lists: []int64{}, Merges: []LinkageGroup{}, Review: []LinkagePair{}, Entries: len(res.Entries), Candidates: res.Candidates}
	for _, src := range res.Lists {
		ans.Lists = append(ans.Lists, src.ID)
	}
	entry := func(e linkdb.Entry) LinkageEntry {
		return LinkageEntry{PersonID: e.PersonID, SourceID: e.SourceID, HandEntered: e.HandEntered, Name: e.Name, BirthDate: e.BirthDate}
	}
	for _, e := range res.Entries {
		if e.HandEntered {
			ans.HandEntered++
		}
	}
	for _, g := range res.Merges {
		var lg LinkageGroup
		for _, e := range g.Entries {
			lg.Entries = append(lg.Entries, entry(e))
		}
		ans.Merges = append(ans.Merges, lg)
	}
	for _, p := range res.Review {
		ans.Review = append(ans.Review, LinkagePair{A: entry(p.A), B: entry(p.B), P: p.P})
	}
	return &ans, nil
}
