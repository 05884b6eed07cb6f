package figures

import (
	"context"

	"github.com/qantar-project/qantar"
)

// slim is a record as the figures read it: of the kinds there are most of,
// only the fields some figure reads, so that the records a server keeps
// for its figures, or `qantar stats` reads, are a fraction of the
// collection's size (10,000,000 records read whole held 10.7 GB). What a
// figure reads is held to this by TestSlimFiguresAsWhole: the figures of
// slim records are byte for byte those of whole ones. A kind not named
// here is kept whole, and so is a source of kind list (its title names the
// list in the estimate).
func slim(rec qantar.Record) qantar.Record {
	switch r := rec.(type) {
	case *qantar.Person: // who is merged into whom (qantar.ResolveSameAs)
		return &qantar.Person{Meta: qantar.Meta{ID: r.ID}, SameAsID: r.SameAsID}
	case *qantar.Citation: // who is on which list (package lists)
		return &qantar.Citation{Meta: qantar.Meta{ID: r.ID}, RecordKind: r.RecordKind, RecordID: r.RecordID, SourceID: r.SourceID}
	case *qantar.Involvement: // acts whose perpetrator is a person
		return &qantar.Involvement{Meta: qantar.Meta{ID: r.ID}, ActID: r.ActID, PersonID: r.PersonID}
	case *qantar.Source:
		if r.SourceKind != "list" {
			return &qantar.Source{Meta: qantar.Meta{ID: r.ID}, SourceKind: r.SourceKind}
		}
	case *qantar.Act: // all but its words
		a := *r
		a.Description, a.Method, a.ExternalKey = nil, "", ""
		return &a
	}
	return rec
}

// slimAt is the records of a kind at a log size as the figures read them:
// read one at a time where the store allows it, so that a kind is never
// held whole.
func slimAt(ctx context.Context, at qantar.AtReader, kind qantar.Kind, size int64) ([]qantar.Record, error) {
	cr, ok := at.(qantar.ChangeReader)
	if !ok {
		recs, err := at.RecordsAt(ctx, kind, size)
		for i, r := range recs {
			recs[i] = slim(r)
		}
		return recs, err
	}
	var out []qantar.Record
	err := cr.EachRecordAt(ctx, kind, size, func(rec qantar.Record) error {
		out = append(out, slim(rec))
		return nil
	})
	return out, err
}
