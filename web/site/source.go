package site

import (
	"context"

	"github.com/qantar-project/qantar"
)

// citedRow is a record that cites a source.
type citedRow struct {
	Record link
	Kind   string
	Field  string
	Page   string
	Quote  string
	// QuoteLang is the language of the quote: the source's, which it
	// quotes in its own words.
	QuoteLang string
}

// cited lists what cites a source.
func (p *Site) cited(ctx context.Context, res *resolver, src *qantar.Source) ([]citedRow, error) {
	recs, _, err := p.listCached(ctx, qantar.KindCitation, qantar.Filter{Reader: res.reader, Limit: 500,
		Where: map[string]string{"source_id": itoa(src.ID)}})
	if err != nil {
		return nil, err
	}
	out := make([]citedRow, 0, len(recs))
	for _, rec := range recs {
		c := rec.(*qantar.Citation)
		target := res.get(ctx, c.RecordKind, c.RecordID)
		row := citedRow{Kind: res.t.KindOne(c.RecordKind), Page: c.Page}
		if c.Field != "" {
			row.Field = res.t.FieldLabel(c.Field) // "Region now", not region_now_id
		}
		if target != nil {
			row.Record = res.t.linkTo(target)
		}
		// A citation of a protected person says nothing more than that.
		if target == nil || !qantar.IsPlaceholder(target) {
			row.Quote, row.QuoteLang = c.Quote, src.Language
		} else {
			row.Field, row.Page = "", ""
		}
		out = append(out, row)
	}
	return out, nil
}
