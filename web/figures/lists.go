package figures

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/lists"
)

// Membership loads who is on which list as reader sees the records: the
// answer is computed from their projection only (package lists).
func (f *Figures) Membership(ctx context.Context, reader qantar.Actor) (*lists.Membership, error) {
	return membershipFrom(ctx, Memo(func(ctx context.Context, kind qantar.Kind) ([]qantar.Record, error) {
		return f.LoadAll(ctx, kind, reader)
	}))
}

// membershipFrom loads who is on which list from the records src gives.
func membershipFrom(ctx context.Context, src Source) (*lists.Membership, error) {
	var r lists.Records
	var err error
	if r.Sources, err = Typed[*qantar.Source](ctx, src, qantar.KindSource); err != nil {
		return nil, err
	}
	if r.Citations, err = Typed[*qantar.Citation](ctx, src, qantar.KindCitation); err != nil {
		return nil, err
	}
	if r.Persons, err = Typed[*qantar.Person](ctx, src, qantar.KindPerson); err != nil {
		return nil, err
	}
	if r.Acts, err = Typed[*qantar.Act](ctx, src, qantar.KindAct); err != nil {
		return nil, err
	}
	return lists.Load(r), nil
}
