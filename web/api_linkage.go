package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/linkdb"
	"github.com/qantar-project/qantar/web/httpx"
)

// linkageRequest asks which persons named by some lists are the same people.
type linkageRequest struct {
	SourceIDs []int64 `json:"source_ids"` // Sources of kind "list"; all of them when empty
	Threshold float64 `json:"threshold"`  // posterior match probability; 0.5 when 0
}

// linkageEntry is one person as a list names them, or a victim entered by
// hand (source_id 0, hand_entered true).
type linkageEntry struct {
	PersonID    int64  `json:"person_id"`
	SourceID    int64  `json:"source_id"`
	HandEntered bool   `json:"hand_entered,omitempty"`
	Name        string `json:"name"`
	BirthDate   string `json:"birth_date,omitempty"`
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
	Lists       []int64        `json:"lists"`
	Entries     int            `json:"entries"`
	HandEntered int            `json:"hand_entered"`
	Candidates  int            `json:"candidates"`
	Merges      []linkageGroup `json:"merges"`
	Review      []linkagePair  `json:"review"`
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
		return httpx.BodyError(err)
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
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}

// link runs record linkage (package linkdb) over the persons the lists
// cite and the victims entered by hand, as the actor sees them; it changes
// nothing. The API and the review page share it.
func (s *Server) link(ctx context.Context, actor qantar.Actor, req linkageRequest) (*linkageAnswer, error) {
	res, err := linkdb.Link(ctx, s.store, actor, linkdb.Options{Lists: req.SourceIDs, Threshold: req.Threshold, ReviewLow: 0.2, ReviewHigh: 0.8})
	if err != nil {
		if f := qantar.ErrorField(err); strings.HasPrefix(f, "lists[") {
			return nil, qantar.FieldErrorf("source_ids"+strings.TrimPrefix(f, "lists"), "%s", qantar.ErrorMessage(err))
		}
		return nil, err
	}
	ans := linkageAnswer{Lists: []int64{}, Merges: []linkageGroup{}, Review: []linkagePair{}, Entries: len(res.Entries), Candidates: res.Candidates}
	for _, src := range res.Lists {
		ans.Lists = append(ans.Lists, src.ID)
	}
	entry := func(e linkdb.Entry) linkageEntry {
		return linkageEntry{PersonID: e.PersonID, SourceID: e.SourceID, HandEntered: e.HandEntered, Name: e.Name, BirthDate: e.BirthDate}
	}
	for _, e := range res.Entries {
		if e.HandEntered {
			ans.HandEntered++
		}
	}
	for _, g := range res.Merges {
		var lg linkageGroup
		for _, e := range g.Entries {
			lg.Entries = append(lg.Entries, entry(e))
		}
		ans.Merges = append(ans.Merges, lg)
	}
	for _, p := range res.Review {
		ans.Review = append(ans.Review, linkagePair{A: entry(p.A), B: entry(p.B), P: p.P})
	}
	return &ans, nil
}
