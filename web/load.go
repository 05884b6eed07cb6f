package web

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
)

// loadAll returns every live record of a kind, page by page, as the reader
// may see them.
func (s *Server) loadAll(ctx context.Context, kind qantar.Kind, reader qantar.Actor) ([]qantar.Record, error) {
	var out []qantar.Record
	for offset := 0; ; offset += qantar.MaxLimit {
		page, total, err := s.store.List(ctx, kind, qantar.Filter{Limit: qantar.MaxLimit, Offset: offset, Reader: reader})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < qantar.MaxLimit || len(out) >= total {
			return out, nil
		}
	}
}

// loadTyped is loadAll with the records as their Go type.
func loadTyped[T qantar.Record](ctx context.Context, s *Server, kind qantar.Kind, reader qantar.Actor) ([]T, error) {
	recs, err := s.loadAll(ctx, kind, reader)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		if t, ok := r.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// reportInput reads what the accountability figures are computed from: every
// live record, protected or not (the figures count, they never name), with
// each act of a person merged into another after record linkage counted under
// that other person, and the Minnesota answers by act. It also returns the
// acts as stored, for pages that group them by the victim record.
func (s *Server) reportInput(ctx context.Context) (report.Input, []*qantar.Act, error) {
	var in report.Input
	var err error
	sys := qantar.System
	if in.Acts, err = loadTyped[*qantar.Act](ctx, s, qantar.KindAct, sys); err != nil {
		return in, nil, err
	}
	if in.Cases, err = loadTyped[*qantar.Case](ctx, s, qantar.KindCase, sys); err != nil {
		return in, nil, err
	}
	if in.Complaints, err = loadTyped[*qantar.Complaint](ctx, s, qantar.KindComplaint, sys); err != nil {
		return in, nil, err
	}
	if in.Figures, err = loadTyped[*qantar.Figure](ctx, s, qantar.KindFigure, sys); err != nil {
		return in, nil, err
	}
	if in.Places, err = loadTyped[*qantar.Place](ctx, s, qantar.KindPlace, sys); err != nil {
		return in, nil, err
	}
	if in.Events, err = loadTyped[*qantar.Event](ctx, s, qantar.KindEvent, sys); err != nil {
		return in, nil, err
	}
	if in.Involvements, err = loadTyped[*qantar.Involvement](ctx, s, qantar.KindInvolvement, sys); err != nil {
		return in, nil, err
	}
	if in.Persons, err = loadTyped[*qantar.Person](ctx, s, qantar.KindPerson, sys); err != nil {
		return in, nil, err
	}
	stored := in.Acts
	in.Acts = make([]*qantar.Act, len(stored))
	same := qantar.ResolveSameAs(in.Persons)
	in.Minnesota = map[int64][]report.Answer{}
	for i, a := range stored {
		in.Acts[i] = a
		if to, ok := same[a.VictimID]; ok && to != a.VictimID {
			c := *a
			c.VictimID = to
			in.Acts[i] = &c
		}
		for _, m := range a.Minnesota {
			in.Minnesota[a.ID] = append(in.Minnesota[a.ID], report.Answer{Item: m.Item, Answer: m.Answer, SourceID: m.SourceID, Note: m.Note})
		}
	}
	return in, stored, nil
}
