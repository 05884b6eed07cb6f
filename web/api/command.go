package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
	"github.com/qantar-project/qantar/web/httpx"
)

// commandAnswer is who was at a place on a date and who commanded them,
// with the persons and sources the answer refers to, named as the reader
// may see them.
type commandAnswer struct {
	Place   placeRef           `json:"place"`
	Date    string             `json:"date"`
	Units   []command.Present  `json:"units"`
	Persons map[int64]string   `json:"persons"`
	Sources map[int64]sourceID `json:"sources"`
}

type placeRef struct {
	ID   int64       `json:"id"`
	Name qantar.Text `json:"name"`
}

type sourceID struct {
	Kind      string      `json:"kind"`
	Title     qantar.Text `json:"title"`
	Publisher string      `json:"publisher,omitempty"`
	URL       string      `json:"url,omitempty"`
}

// apiPlaceCommand answers GET /api/v1/command?place=P&date=D: P a place id or
// name, D a date (a month or year means any day in it).
func (s *Server) apiPlaceCommand(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if strings.TrimSpace(q.Get("place")) == "" {
		return qantar.FieldErrorf("place", "is required")
	}
	if q.Get("date") == "" {
		return qantar.FieldErrorf("date", "is required (YYYY-MM-DD, YYYY-MM or YYYY)")
	}
	date, err := qantar.ParseDate(q.Get("date"))
	if err != nil {
		return qantar.FieldErrorf("date", "%v", err)
	}
	ctx, reader := r.Context(), httpx.ActorOf(r)
	src, err := s.commandSource(ctx, reader)
	if err != nil {
		return err
	}
	place, err := findPlace(ctx, src, q.Get("place"))
	if err != nil {
		return err
	}
	ix, err := s.command.Place(ctx, src, place.ID, date)
	if err != nil {
		return err
	}
	ans := commandAnswer{Place: placeRef{place.ID, place.NameOn(date)}, Date: date.String(), Units: ix.At(place.ID, date),
		Persons: map[int64]string{}, Sources: map[int64]sourceID{}}
	if err := s.nameCommand(ctx, reader, ix, &ans); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}

// commandCache is the API's command.Near (command/near.go): a question
// reads the records around the place or unit asked about.
type commandCache = command.Near

// commandSource reads the store as reader sees it; the state is the log's
// checkpoint (every write changes it).
func (s *Server) commandSource(ctx context.Context, reader qantar.Actor) (command.Source, error) {
	var state string
	if s.log != nil {
		cp, err := s.log.Checkpoint(ctx)
		if err != nil {
			return command.Source{}, err
		}
		state = fmt.Sprintf("%x", sha256.Sum256(cp))
	}
	return command.StoreSource(s.store, reader, state), nil
}

// findPlace takes a place by id or by a name only one place has.
func findPlace(ctx context.Context, src command.Source, v string) (*qantar.Place, error) {
	if id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		p, err := command.GetPlace(ctx, src, id)
		if p != nil || err != nil {
			return p, err
		}
		return nil, qantar.WithField(qantar.Errorf(qantar.ENOTFOUND, "place %d does not exist", id), "place")
	}
	ps, err := command.FindPlaces(ctx, src, v)
	if err != nil {
		return nil, err
	}
	switch len(ps) {
	case 0:
		return nil, qantar.WithField(qantar.Errorf(qantar.ENOTFOUND, "no place is named %q", v), "place")
	case 1:
		return ps[0], nil
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = strconv.FormatInt(p.ID, 10)
	}
	return nil, qantar.FieldErrorf("place", "%d places are named %q: give one of their ids (%s)", len(ps), v, strings.Join(ids, ", "))
}

// nameCommand names the commanders and sources of the answer as the
// reader may see them.
func (s *Server) nameCommand(ctx context.Context, reader qantar.Actor, ix *command.Index, ans *commandAnswer) error {
	n := namer{ctx: ctx, reader: reader, store: s.store, ix: ix, persons: ans.Persons, sources: ans.Sources}
	for _, u := range ans.Units {
		for _, e := range u.Evidence {
			n.claim(e.Claim)
		}
		if err := n.chain(u.Chain); err != nil {
			return err
		}
	}
	return nil
}

// namer names the persons and sources a command answer refers to, each
// person as the reader may see them (a placeholder for a protected one).
type namer struct {
	ctx     context.Context
	reader  qantar.Actor
	store   qantar.Store
	ix      *command.Index
	persons map[int64]string
	sources map[int64]sourceID
}

func (n namer) claim(c command.Claim) {
	for _, id := range c.SourceIDs {
		if src := n.ix.Source(id); src != nil {
			n.sources[id] = sourceID{Kind: src.SourceKind, Title: src.Title, Publisher: src.Publisher, URL: src.URL}
		}
	}
}

func (n namer) chain(levels []command.Level) error {
	for _, l := range levels {
		if l.Parent != nil {
			n.claim(*l.Parent)
		}
		for _, c := range l.Commanders {
			n.claim(c.Claim)
			if _, ok := n.persons[c.PersonID]; ok {
				continue
			}
			rec, err := n.store.Get(n.ctx, qantar.KindPerson, c.PersonID)
			if err != nil {
				return err
			}
			n.persons[c.PersonID] = qantar.Visible(n.reader, rec).(*qantar.Person).PrimaryName()
		}
	}
	return nil
}

// chainAnswer is a unit's chain of command on a date, with the persons and
// sources it refers to, as GET /api/v1/units/{id}/command answers it.
type chainAnswer struct {
	UnitID  int64              `json:"unit_id"`
	Date    string             `json:"date"`
	Chain   []command.Level    `json:"chain"`
	Persons map[int64]string   `json:"persons"`
	Sources map[int64]sourceID `json:"sources"`
	Warning string             `json:"warning,omitempty"` // a hierarchy that loops
}

// apiCommand answers GET /api/v1/units/{id}/command?date=D: the unit's chain
// of command on D (a month or year means any day in it), from the same
// index as /api/v1/command.
func (s *Server) apiCommand(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return &qantar.Error{Code: qantar.ENOTFOUND, Field: "id", Message: "a unit id is a positive integer"}
	}
	q := r.URL.Query().Get("date")
	if q == "" {
		return qantar.FieldErrorf("date", "is required (YYYY-MM-DD, YYYY-MM or YYYY)")
	}
	date, err := qantar.ParseDate(q)
	if err != nil {
		return qantar.FieldErrorf("date", "%v", err)
	}
	ctx, reader := r.Context(), httpx.ActorOf(r)
	src, err := s.commandSource(ctx, reader)
	if err != nil {
		return err
	}
	ix, err := s.command.Unit(ctx, src, id, date, 0, 0)
	if err != nil {
		return err
	}
	chain, err := ix.Chain(id, date)
	if err != nil && qantar.ErrorCode(err) != qantar.ECONFLICT {
		return err
	}
	ans := chainAnswer{UnitID: id, Date: date.String(), Chain: chain, Persons: map[int64]string{}, Sources: map[int64]sourceID{}}
	if err != nil {
		ans.Warning = qantar.ErrorMessage(err)
	}
	n := namer{ctx: ctx, reader: reader, store: s.store, ix: ix, persons: ans.Persons, sources: ans.Sources}
	if err := n.chain(chain); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
	return nil
}
