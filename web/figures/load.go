package figures

import (
	"context"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/report"
)

// LoadAll returns every live record of a kind, page by page, as the reader
// may see them.
func (f *Figures) LoadAll(ctx context.Context, kind qantar.Kind, reader qantar.Actor) ([]qantar.Record, error) {
	return qantar.ListAll(ctx, f.store, kind, qantar.Filter{Reader: reader})
}

// LoadTyped is LoadAll with the records as their Go type.
func LoadTyped[T qantar.Record](ctx context.Context, f *Figures, kind qantar.Kind, reader qantar.Actor) ([]T, error) {
	return Typed[T](ctx, func(ctx context.Context, k qantar.Kind) ([]qantar.Record, error) {
		return f.LoadAll(ctx, k, reader)
	}, kind)
}

// ReportInput reads what the accountability figures are computed from: every
// live record, protected or not (the figures count, they never name), with
// each act of a person merged into another after record linkage counted under
// that other person, and the Minnesota answers by act. It also returns the
// acts as stored, for pages that group them by the victim record.
func (f *Figures) ReportInput(ctx context.Context) (report.Input, []*qantar.Act, error) {
	return reportInputFrom(ctx, f.Live())
}

// reportInputFrom is reportInput from the records src gives.
func reportInputFrom(ctx context.Context, src Source) (report.Input, []*qantar.Act, error) {
	var in report.Input
	var err error
	if in.Acts, err = Typed[*qantar.Act](ctx, src, qantar.KindAct); err != nil {
		return in, nil, err
	}
	if in.Cases, err = Typed[*qantar.Case](ctx, src, qantar.KindCase); err != nil {
		return in, nil, err
	}
	if in.Complaints, err = Typed[*qantar.Complaint](ctx, src, qantar.KindComplaint); err != nil {
		return in, nil, err
	}
	if in.Figures, err = Typed[*qantar.Figure](ctx, src, qantar.KindFigure); err != nil {
		return in, nil, err
	}
	if in.Places, err = Typed[*qantar.Place](ctx, src, qantar.KindPlace); err != nil {
		return in, nil, err
	}
	if in.Events, err = Typed[*qantar.Event](ctx, src, qantar.KindEvent); err != nil {
		return in, nil, err
	}
	if in.Involvements, err = Typed[*qantar.Involvement](ctx, src, qantar.KindInvolvement); err != nil {
		return in, nil, err
	}
	if in.Persons, err = Typed[*qantar.Person](ctx, src, qantar.KindPerson); err != nil {
		return in, nil, err
	}
	stored := in.Acts
	in.Acts = make([]*qantar.Act, len(stored))
	next := qantar.SameAsNext(in.Persons)
	in.Minnesota = map[int64][]report.Answer{}
	for i, a := range stored {
		in.Acts[i] = a
		if to := qantar.SameAsEnd(next, a.VictimID); to != a.VictimID {
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
