package web

import (
	"context"
	"strconv"

	"github.com/qantar-project/qantar"
)

// dupRow is an existing person whose name matches one being created: what
// an editor needs to tell whether it is the same person.
type dupRow struct {
	Person     link
	BirthYear  string
	BirthPlace link
}

// maxDuplicates bounds the warning: past a handful, the name is common and
// the list is the search page's job.
const maxDuplicates = 10

// duplicates finds the persons the reader may see whose names match one of
// pr's names by the search's match keys (any script or spelling, within a
// typo or two). A name the search cannot parse is skipped: the warning is a
// help, never a reason to refuse the save.
func (p *site) duplicates(ctx context.Context, reader qantar.Actor, t tr, pr *qantar.Person) ([]dupRow, error) {
	if p.srv.search == nil {
		return nil, nil
	}
	seen := map[int64]bool{}
	var out []dupRow
	for i, n := range pr.Names {
		if i == 3 || len(out) == maxDuplicates {
			break
		}
		res, err := p.srv.search.Search(ctx, qantar.SearchQuery{Q: n.Value, Kinds: []qantar.Kind{qantar.KindPerson},
			Limit: maxDuplicates, Lang: t.Lang, Reader: reader})
		if err != nil {
			if qantar.ErrorCode(err) == qantar.EINVALID {
				continue
			}
			return nil, err
		}
		for _, h := range res {
			if h.Kind != qantar.KindPerson || seen[h.ID] || len(out) == maxDuplicates {
				continue
			}
			seen[h.ID] = true
			rec, err := p.get(ctx, reader, qantar.KindPerson, h.ID)
			if err != nil || qantar.IsPlaceholder(rec) {
				continue // deleted since indexed, or not the reader's to see
			}
			row := dupRow{Person: t.linkTo(rec)}
			if other, ok := rec.(*qantar.Person); ok {
				if !other.BirthDate.IsZero() {
					row.BirthYear = strconv.Itoa(other.BirthDate.Time().Year())
				}
				if other.BirthPlace != 0 {
					if pl, err := p.get(ctx, reader, qantar.KindPlace, other.BirthPlace); err == nil {
						row.BirthPlace = t.linkTo(pl)
					}
				}
			}
			out = append(out, row)
		}
	}
	return out, nil
}
