package command

import (
	"context"
	"sort"
	"strings"

	"github.com/qantar-project/qantar"
)

// ListFunc lists every live record of a kind as one reader sees it.
type ListFunc func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error)

// Load reads the Input through list (which projects for its reader).
func Load(ctx context.Context, list ListFunc) (Input, error) {
	var in Input
	var err error
	if in.Units, err = typed[*qantar.Unit](ctx, list, qantar.KindUnit); err != nil {
		return in, err
	}
	if in.Posts, err = typed[*qantar.Post](ctx, list, qantar.KindPost); err != nil {
		return in, err
	}
	if in.Acts, err = typed[*qantar.Act](ctx, list, qantar.KindAct); err != nil {
		return in, err
	}
	if in.Involvements, err = typed[*qantar.Involvement](ctx, list, qantar.KindInvolvement); err != nil {
		return in, err
	}
	if in.Citations, err = typed[*qantar.Citation](ctx, list, qantar.KindCitation); err != nil {
		return in, err
	}
	if in.Sources, err = typed[*qantar.Source](ctx, list, qantar.KindSource); err != nil {
		return in, err
	}
	in.Places, err = typed[*qantar.Place](ctx, list, qantar.KindPlace)
	return in, err
}

func typed[T qantar.Record](ctx context.Context, list ListFunc, kind qantar.Kind) ([]T, error) {
	recs, err := list(ctx, kind)
	if err != nil {
		return nil, err
	}
	return only[T](recs), nil
}

// Place returns a place of the index, or nil.
func (ix *Index) Place(id int64) *qantar.Place { return ix.places[id] }

// FindPlaces returns the places one of whose names, in any language and at
// any time, is name (without case or surrounding spaces); when none is,
// those with a name that contains it.
func (ix *Index) FindPlaces(name string) []*qantar.Place {
	q := strings.ToLower(strings.TrimSpace(name))
	if q == "" {
		return nil
	}
	var exact, partial []*qantar.Place
	for _, p := range ix.places {
		names := []qantar.Text{p.Name}
		for _, n := range p.Names {
			names = append(names, n.Name)
		}
		match := 0
		for _, t := range names {
			for _, v := range t {
				v = strings.ToLower(v)
				switch {
				case v == q:
					match = 2
				case match == 0 && strings.Contains(v, q):
					match = 1
				}
			}
		}
		switch match {
		case 2:
			exact = append(exact, p)
		case 1:
			partial = append(partial, p)
		}
	}
	if len(exact) > 0 {
		return sortPlaces(exact)
	}
	return sortPlaces(partial)
}

func sortPlaces(ps []*qantar.Place) []*qantar.Place {
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	return ps
}
