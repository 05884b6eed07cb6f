package web

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
)

// loadAll returns every live record of a kind, page by page, as the reader
// may see them.
func (s *Server) loadAll(ctx context.Context, kind qantar.Kind, reader qantar.Actor) ([]qantar.Record, error) {
	return qantar.ListAll(ctx, s.store, kind, qantar.Filter{Reader: reader})
}

// loadTyped is loadAll with the records as their Go type.
func loadTyped[T qantar.Record](ctx context.Context, s *Server, kind qantar.Kind, reader qantar.Actor) ([]T, error) {
	return sourceTyped[T](ctx, func(ctx context.Context, k qantar.Kind) ([]qantar.Record, error) {
		return s.loadAll(ctx, k, reader)
	}, kind)
}

// reportInput reads what the accountability figures are computed from: every
// live record, protected or not (the figures count, they never name), with
// each act of a person merged into another after record linkage counted under
// that other person, and the Minnesota answers by act. It also returns the
// acts as stored, for pages that group them by the victim record.
func (s *Server) reportInput(ctx context.Context) (report.Input, []*qantar.Act, error) {
	return reportInputFrom(ctx, s.liveSource())
}

// reportInputFrom is reportInput from the records src gives.
func reportInputFrom(ctx context.Context, src recordSource) (report.Input, []*qantar.Act, error) {
	var in report.Input
	var err error
	if in.Acts, err = sourceTyped[*qantar.Act](ctx, src, qantar.KindAct); err != nil {
		return in, nil, err
	}
	if in.Cases, err = sourceTyped[*qantar.Case](ctx, src, qantar.KindCase); err != nil {
		return in, nil, err
	}
	if in.Complaints, err = sourceTyped[*qantar.Complaint](ctx, src, qantar.KindComplaint); err != nil {
		return in, nil, err
	}
	if in.Figures, err = sourceTyped[*qantar.Figure](ctx, src, qantar.KindFigure); err != nil {
		return in, nil, err
	}
	if in.Places, err = sourceTyped[*qantar.Place](ctx, src, qantar.KindPlace); err != nil {
		return in, nil, err
	}
	if in.Events, err = sourceTyped[*qantar.Event](ctx, src, qantar.KindEvent); err != nil {
		return in, nil, err
	}
	if in.Involvements, err = sourceTyped[*qantar.Involvement](ctx, src, qantar.KindInvolvement); err != nil {
		return in, nil, err
	}
	if in.Persons, err = sourceTyped[*qantar.Person](ctx, src, qantar.KindPerson); err != nil {
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
