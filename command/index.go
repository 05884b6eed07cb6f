package command

import (
	"math"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
)

// Input is the records a reader sees, as qantar.Project gives them.
type Input struct {
	Units        []*qantar.Unit
	Posts        []*qantar.Post
	Acts         []*qantar.Act
	Involvements []*qantar.Involvement
	Citations    []*qantar.Citation
	Sources      []*qantar.Source
	Places       []*qantar.Place
}

// posRef is one position of one unit.
type posRef struct {
	unit *qantar.Unit
	i    int
}

type citeKey struct {
	kind qantar.Kind
	id   int64
}

// Index answers questions over one reader's records: every record they see
// (Load), or the records around one question (Near, near.go), over which it
// answers that question as it would over every record.
type Index struct {
	units      map[int64]*qantar.Unit
	children   map[int64][]int64 // every unit ever under a parent
	commanders map[int64][]*qantar.Post
	byPerson   map[int64][]*qantar.Post
	atPlace    map[int64][]posRef // positions naming a place
	byCoords   []posRef           // positions with coordinates only
	places     map[int64]*qantar.Place
	actsAt     map[int64][]*qantar.Act
	actUnits   map[int64][]*qantar.Involvement
	cites      map[citeKey][]*qantar.Citation
	sources    map[int64]*qantar.Source
}

// NewIndex indexes in.
func NewIndex(in Input) *Index {
	ix := &Index{units: map[int64]*qantar.Unit{}, children: map[int64][]int64{}, commanders: map[int64][]*qantar.Post{},
		byPerson: map[int64][]*qantar.Post{}, atPlace: map[int64][]posRef{}, places: map[int64]*qantar.Place{},
		actsAt: map[int64][]*qantar.Act{}, actUnits: map[int64][]*qantar.Involvement{}, cites: map[citeKey][]*qantar.Citation{},
		sources: map[int64]*qantar.Source{}}
	for _, u := range in.Units {
		ix.addUnit(u)
	}
	for _, p := range in.Posts {
		if p == nil || p.UnitID == 0 {
			continue // a protected person's post, or none
		}
		ix.byPerson[p.PersonID] = append(ix.byPerson[p.PersonID], p)
		if p.Role == "commander" || p.Role == "head" {
			ix.commanders[p.UnitID] = append(ix.commanders[p.UnitID], p)
		}
	}
	for _, a := range in.Acts {
		if a != nil && a.PlaceID != 0 {
			ix.actsAt[a.PlaceID] = append(ix.actsAt[a.PlaceID], a)
		}
	}
	for _, v := range in.Involvements {
		if v != nil && v.UnitID != 0 {
			ix.actUnits[v.ActID] = append(ix.actUnits[v.ActID], v)
		}
	}
	for _, c := range in.Citations {
		if c != nil {
			k := citeKey{c.RecordKind, c.RecordID}
			ix.cites[k] = append(ix.cites[k], c)
		}
	}
	for _, s := range in.Sources {
		if s != nil {
			ix.sources[s.ID] = s
		}
	}
	for _, p := range in.Places {
		if p != nil {
			ix.places[p.ID] = p
		}
	}
	for _, ps := range ix.byPerson {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].FirstCited.Time().Before(ps[j].FirstCited.Time()) })
	}
	return ix
}

func (ix *Index) addUnit(u *qantar.Unit) {
	if u == nil {
		return
	}
	ix.units[u.ID] = u
	for _, p := range u.Parents {
		if !contains(ix.children[p.ParentID], u.ID) {
			ix.children[p.ParentID] = append(ix.children[p.ParentID], u.ID)
		}
	}
	for i, p := range u.Positions {
		switch {
		case p.PlaceID != 0:
			ix.atPlace[p.PlaceID] = append(ix.atPlace[p.PlaceID], posRef{u, i})
		case p.Lat != nil && p.Lon != nil:
			ix.byCoords = append(ix.byCoords, posRef{u, i})
		}
	}
}

// Unit returns a unit of the index, or nil.
func (ix *Index) Unit(id int64) *qantar.Unit { return ix.units[id] }

// claim grades the claim whose citations are those of record kind/id for
// the whole record or, when field is not empty, for that field or a part of
// it ("parents.0" takes "parents.0" and "parents.0.parent_id").
func (ix *Index) claim(kind qantar.Kind, id int64, field, st string) Claim {
	c := Claim{Status: status(st), SourceIDs: []int64{}}
	var srcs []*qantar.Source
	for _, ct := range ix.cites[citeKey{kind, id}] {
		if f := fieldPath(ct.Field); field != "" && f != field && !strings.HasPrefix(f, field+".") {
			continue
		}
		if contains(c.SourceIDs, ct.SourceID) {
			continue
		}
		c.SourceIDs = append(c.SourceIDs, ct.SourceID)
		srcs = append(srcs, ix.sources[ct.SourceID])
	}
	c.Grade = Grade(srcs)
	return c
}

// Source returns a source of the index, or nil.
func (ix *Index) Source(id int64) *qantar.Source { return ix.sources[id] }

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// metresBetween is the great-circle distance between two points.
func metresBetween(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6_371_000
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// fieldPath writes a cited field as a citation names it: an element of a
// list is "positions.2" ("positions[2]" is read as that too).
func fieldPath(f string) string {
	return strings.ReplaceAll(strings.ReplaceAll(f, "[", "."), "]", "")
}

// Claim is the claim of record kind/id (of its field, when not empty) with
// the given status, graded by its citations.
func (ix *Index) Claim(kind qantar.Kind, id int64, field, status string) Claim {
	return ix.claim(kind, id, field, status)
}
