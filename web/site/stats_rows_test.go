package site_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/locale"
	"github.com/qantar-project/qantar/web/htmltest"
)

// TestStatsRowsShown: the dashboard shows the 50 complaints longest
// overdue, not every one, and says how many more the figures' JSON holds.
func TestStatsRowsShown(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	var recs []qantar.Record
	for range 60 {
		recs = append(recs, &qantar.Complaint{ComplaintKind: "cpc-105", FiledOn: qantar.MustDate("2023-03-15"), FilerRole: "relative", AddresseeID: fx.ids["unit"], CaseID: fx.ids["case"]})
	}
	if err := fx.db.InTx(ctx, func(w qantar.Writer) error {
		_, err := qantar.CreateAll(ctx, w, qantar.System, recs)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var st struct {
		Unanswered []json.RawMessage `json:"unanswered_past_deadline"`
	}
	// An anonymous reader is answered the figures computed so far while
	// those of the new checkpoint are computed.
	for deadline := time.Now().Add(20 * time.Second); len(st.Unanswered) < 60; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the figures list %d overdue complaints, want 60 or more", len(st.Unanswered))
		}
		_, body, _ := fx.get(t, nil, "/api/v1/stats")
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
	}
	_, page, _ := fx.get(t, nil, "/stats?lang=kk")
	doc := htmltest.Parse(t, page)
	if rows := htmltest.All(t, doc, "table#overdue tbody tr"); len(rows) != 50 {
		t.Errorf("%d overdue rows on the page, want 50", len(rows))
	}
	more := strings.ReplaceAll(locale.Default().Printer("kk").S("and %d more (all of them in the figures' JSON)", len(st.Unanswered)-50), "\u00a0", " ")
	if !strings.Contains(htmltest.Text(doc), more) {
		t.Errorf("the page does not say %q", more)
	}
}
