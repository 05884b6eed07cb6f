package site

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/command"
)

// The command sections of an act's page (who was at its place on its day)
// and of a unit's page (its organisation chart, commanders and claims) read
// the records around them, not the whole collection: every unit (the
// hierarchy and the positions, a small kind), the acts at the place through
// the references to it and the involvements of those on the day; then the
// posts of the units the answer names, the citations of those units, posts
// and involvements, and the sources cited. command.NewIndex over these
// answers At and Tree as the index over every record does, since each
// answer reads only those records (a post of another unit, a citation of
// another record are never looked up). Every list is the reader's
// projection (listCached), cached until the next write.

// nearIndex is the command index around a place (0: none) on a date: what
// pass 1 finds (units, acts and involvements there) and, for the units that
// named(ix) returns from it, their posts and the citations and sources of
// what they name.
func (p *Site) nearIndex(ctx context.Context, reader qantar.Actor, placeID int64, date qantar.Date, named func(*command.Index) []int64) (*command.Index, error) {
	var in command.Input
	units, err := p.listAllCached(ctx, qantar.KindUnit, qantar.Filter{Reader: reader})
	if err != nil {
		return nil, err
	}
	in.Units = typedAs[*qantar.Unit](units)
	if placeID != 0 {
		if err := p.nearPlace(ctx, reader, &in, placeID, date); err != nil {
			return nil, err
		}
	}
	seen := map[int64]bool{}
	for _, id := range named(command.NewIndex(in)) {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := p.nearUnit(ctx, reader, &in, id); err != nil {
			return nil, err
		}
	}
	for _, v := range in.Involvements {
		if err := p.nearCites(ctx, reader, &in, qantar.KindInvolvement, v.ID); err != nil {
			return nil, err
		}
	}
	return command.NewIndex(in), nil
}

// nearPlace adds the place, the acts at it (those that refer to it) and
// the involvements of those that fall on the date.
func (p *Site) nearPlace(ctx context.Context, reader qantar.Actor, in *command.Input, placeID int64, date qantar.Date) error {
	if pl, err := p.get(ctx, reader, qantar.KindPlace, placeID); err == nil {
		in.Places = typedAs[*qantar.Place]([]qantar.Record{pl})
	} else if qantar.ErrorCode(err) != qantar.ENOTFOUND {
		return err
	}
	acts, err := p.referrersOf(ctx, reader, qantar.KindPlace, placeID, qantar.KindAct)
	if err != nil {
		return err
	}
	in.Acts = typedAs[*qantar.Act](acts)
	for _, a := range in.Acts {
		if a.PlaceID != placeID || a.Date.IsZero() || !date.Meets(a.Date, a.Date) {
			continue // At skips it
		}
		vs, err := p.listAllCached(ctx, qantar.KindInvolvement, qantar.Filter{Where: map[string]string{"act_id": itoa(a.ID)}, Reader: reader})
		if err != nil {
			return err
		}
		in.Involvements = append(in.Involvements, typedAs[*qantar.Involvement](vs)...)
	}
	return nil
}

// nearUnit adds a unit's posts and the citations of the unit and of its
// commanding posts (the only posts an answer grades).
func (p *Site) nearUnit(ctx context.Context, reader qantar.Actor, in *command.Input, unitID int64) error {
	posts, err := p.listAllCached(ctx, qantar.KindPost, qantar.Filter{Where: map[string]string{"unit_id": itoa(unitID)}, Reader: reader})
	if err != nil {
		return err
	}
	in.Posts = append(in.Posts, typedAs[*qantar.Post](posts)...)
	if err := p.nearCites(ctx, reader, in, qantar.KindUnit, unitID); err != nil {
		return err
	}
	for _, x := range typedAs[*qantar.Post](posts) {
		if x.Role != "commander" && x.Role != "head" {
			continue
		}
		if err := p.nearCites(ctx, reader, in, qantar.KindPost, x.ID); err != nil {
			return err
		}
	}
	return nil
}

// nearCites adds the citations of a record and the sources they cite.
func (p *Site) nearCites(ctx context.Context, reader qantar.Actor, in *command.Input, kind qantar.Kind, id int64) error {
	cites, err := p.listAllCached(ctx, qantar.KindCitation, qantar.Filter{Reader: reader,
		Where: map[string]string{"record_kind": string(kind), "record_id": itoa(id)}})
	if err != nil {
		return err
	}
	for _, c := range typedAs[*qantar.Citation](cites) {
		in.Citations = append(in.Citations, c)
		src, err := p.get(ctx, reader, qantar.KindSource, c.SourceID)
		if err == nil {
			in.Sources = append(in.Sources, src.(*qantar.Source))
		} else if qantar.ErrorCode(err) != qantar.ENOTFOUND {
			return err
		}
	}
	return nil
}

// typedAs keeps the records of type T.
func typedAs[T qantar.Record](recs []qantar.Record) []T {
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		if x, ok := r.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// presentUnits are the units an answer of At names: those present and
// every level of their chains.
func presentUnits(ps []command.Present) []int64 {
	var out []int64
	for _, x := range ps {
		out = append(out, x.UnitID)
		out = append(out, levelUnits(x.Chain)...)
	}
	return out
}

// treeUnits are the units a unit's page names: the unit, its chain up and
// its sub-units down as Tree draws them.
func treeUnits(ix *command.Index, unitID int64, date qantar.Date) []int64 {
	up, down, _ := ix.Tree(unitID, date, unitDepth, unitWidth)
	out := append([]int64{unitID}, levelUnits(up)...)
	var walk func(n command.Node)
	walk = func(n command.Node) {
		out = append(out, n.UnitID)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(down)
	return out
}

func levelUnits(ls []command.Level) []int64 {
	out := make([]int64, len(ls))
	for i, l := range ls {
		out[i] = l.UnitID
	}
	return out
}
