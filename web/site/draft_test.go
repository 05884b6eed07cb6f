package site_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/facts"
)

const draftWarning = "No source is cited for this record yet"

// TestDraftOnlyWithoutSource: no record that cites a source, or is cited,
// shows the draft warning, in any kind; a fact that no source backs does.
func TestDraftOnlyWithoutSource(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	cited := map[qantar.Ref]bool{}
	cits, _, err := fx.db.List(ctx, qantar.KindCitation, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cits {
		c := r.(*qantar.Citation)
		cited[qantar.Ref{Kind: c.RecordKind, ID: c.RecordID}] = true
	}
	checked := 0
	for _, k := range qantar.Kinds {
		recs, _, err := fx.db.List(ctx, k, qantar.Filter{Reader: qantar.System, Limit: qantar.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			if qantar.Protection(rec) != qantar.Public {
				continue // shown as a placeholder, which never says draft
			}
			m := rec.GetMeta()
			sourced := cited[qantar.Ref{Kind: k, ID: m.ID}] || facts.OwnSource(rec) || !facts.NeedsSource(k)
			_, body, _ := fx.get(t, nil, "/"+string(k)+"/"+itoa(m.ID))
			if sourced == strings.Contains(body, draftWarning) {
				t.Errorf("%s/%d: sourced %v, but the draft warning shown is %v", k, m.ID, sourced, !sourced)
			}
			checked++
		}
	}
	unsourced := &qantar.Event{Title: qantar.Text{"en": "Synthetic unsourced event"}, Start: qantar.MustDate("2022-01-05")}
	if err := fx.db.Create(ctx, qantar.System, unsourced); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := fx.get(t, nil, "/events/"+itoa(unsourced.ID)); !strings.Contains(body, draftWarning) {
		t.Errorf("an event no source backs is not said to be a draft")
	}
	t.Logf("%d record pages checked", checked)
}
