package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/linkage"
	"github.com/qantar-project/qantar/names"
)

// linkageRequest asks which persons named by some lists are the same people.
type linkageRequest struct {
	SourceIDs []int64 `json:"source_ids"` // Sources of kind "list"; all of them when empty
	Threshold float64 `json:"threshold"`  // posterior match probability; 0.5 when 0
}

// linkageEntry is one person as a list names them.
type linkageEntry struct {
	PersonID  int64  `json:"person_id"`
	SourceID  int64  `json:"source_id"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date,omitempty"`
}

// linkageGroup is a set of distinct person records that linkage says are
// one human being: a merge to confirm (PUT the others with same_as_id).
type linkageGroup struct {
	Entries []linkageEntry `json:"entries"`
}

// linkagePair is a pair in the uncertain band, for an editor to decide.
type linkagePair struct {
	A linkageEntry `json:"a"`
	B linkageEntry `json:"b"`
	P float64      `json:"probability"`
}

type linkageAnswer struct {
	Lists      []int64        `json:"lists"`
	Entries    int            `json:"entries"`
	Candidates int            `json:"candidates"`
	Merges     []linkageGroup `json:"merges"`
	Review     []linkagePair  `json:"review"`
}

// apiLinkage links the persons cited by list sources, for editors: every
// group of distinct person records that are likely one human, and the
// uncertain pairs side by side. It changes nothing; a confirmed merge is an
// ordinary, logged update of the person (same_as_id), undone by clearing it.
func (s *Server) apiLinkage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireWriter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var req linkageRequest
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyError(err)
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return &qantar.Error{Code: qantar.EINVALID, Field: "body", Message: fmt.Sprintf("malformed request: %v", err)}
		}
	}
	if req.Threshold == 0 {
		req.Threshold = 0.5
	}
	if req.Threshold <= 0 || req.Threshold >= 1 {
		return qantar.FieldErrorf("threshold", "must be between 0 and 1")
	}
	ans, err := s.link(ctx, actor, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ans)
	return nil
}

// link runs record linkage over the persons the lists cite, as the actor
// sees them; it changes nothing. The API and the review page share it.
func (s *Server) link(ctx context.Context, actor qantar.Actor, req linkageRequest) (*linkageAnswer, error) {
	var lists []*qantar.Source
	if len(req.SourceIDs) == 0 {
		recs, _, err := s.store.List(ctx, qantar.KindSource, qantar.Filter{Where: map[string]string{"kind": "list"}, Limit: qantar.MaxLimit, Reader: actor})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			lists = append(lists, rec.(*qantar.Source))
		}
	}
	for i, id := range req.SourceIDs {
		rec, err := s.store.Get(ctx, qantar.KindSource, id)
		if err != nil {
			return nil, qantar.FieldErrorf(fmt.Sprintf("source_ids[%d]", i), "%s", qantar.ErrorMessage(err))
		}
		src := rec.(*qantar.Source)
		if src.SourceKind != "list" {
			return nil, qantar.FieldErrorf(fmt.Sprintf("source_ids[%d]", i), "sources/%d is a %s, not a list", id, src.SourceKind)
		}
		lists = append(lists, src)
	}
	d, err := linkage.NewDataset([]linkage.Field{{Type: linkage.Name, Column: "name"}, {Type: linkage.Date, Column: "birth_date"}})
	if err != nil {
		return nil, err
	}
	var entries []linkageEntry
	ans := linkageAnswer{Merges: []linkageGroup{}, Review: []linkagePair{}}
	for _, src := range lists {
		ans.Lists = append(ans.Lists, src.ID)
		si := d.AddSource(strconv.FormatInt(src.ID, 10))
		cits, _, err := s.store.List(ctx, qantar.KindCitation, qantar.Filter{Where: map[string]string{"source_id": strconv.FormatInt(src.ID, 10), "record_kind": "persons"}, Limit: qantar.MaxLimit, Reader: actor})
		if err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		for _, c := range cits {
			pid := c.(*qantar.Citation).RecordID
			if seen[pid] {
				continue
			}
			seen[pid] = true
			rec, err := s.store.Get(ctx, qantar.KindPerson, pid)
			if err != nil {
				continue // deleted since it was cited
			}
			p := qantar.Visible(actor, rec).(*qantar.Person)
			var all []string
			for _, n := range p.Names {
				all = append(all, n.Value)
			}
			e := linkageEntry{PersonID: pid, SourceID: src.ID, Name: p.PrimaryName(), BirthDate: p.BirthDate.String()}
			if err := d.Add(si, strconv.FormatInt(pid, 10), []string{strings.Join(all, " "), e.BirthDate}); err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
	}
	ans.Entries = len(entries)
	if len(entries) < 2 {
		return &ans, nil
	}
	res, err := linkage.Link(ctx, d, linkage.Options{Key: names.Key, Threshold: req.Threshold, ReviewLow: 0.2, ReviewHigh: 0.8})
	if err != nil {
		return nil, err
	}
	ans.Candidates = res.Candidates
	groups := map[int32][]linkageEntry{}
	for i, c := range res.Cluster {
		groups[c] = append(groups[c], entries[i])
	}
	keys := make([]int, 0, len(groups))
	for c := range groups {
		keys = append(keys, int(c))
	}
	sort.Ints(keys)
	for _, c := range keys {
		g := groups[int32(c)]
		distinct := map[int64]bool{}
		for _, e := range g {
			distinct[e.PersonID] = true
		}
		if len(distinct) > 1 {
			ans.Merges = append(ans.Merges, linkageGroup{Entries: g})
		}
	}
	for _, p := range res.Review {
		a, b := entries[p.A], entries[p.B]
		if a.PersonID != b.PersonID {
			ans.Review = append(ans.Review, linkagePair{A: a, B: b, P: p.P})
		}
	}
	return &ans, nil
}
