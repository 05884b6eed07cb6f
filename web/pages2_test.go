package web_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

func TestStatsPage(t *testing.T) {
	fx := newFixture(t)
	tests := []struct {
		name, path string
		status     int
		want       []string
	}{
		{"Today", "/stats", http.StatusOK, []string{`id="funnel"`, "<svg", `id="estimate"`, "What the estimate assumes", "Minnesota Protocol", "Answered in time"}},
		{"Russian", "/stats?lang=ru", http.StatusOK, []string{"Панель подотчётности", "<svg"}},
		{"PastDay", "/stats?as_of=2022-01-06", http.StatusOK, []string{`value="2022-01-06"`}},
		{"ErrBadAsOf", "/stats?as_of=yesterday", http.StatusBadRequest, []string{"as_of"}},
		{"ErrAsOfMonthOnly", "/stats?as_of=2022-01", http.StatusBadRequest, []string{"as_of"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := fx.get(t, nil, tc.path)
			if status != tc.status {
				t.Fatalf("status %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("no %q on the page", w)
				}
			}
			if strings.Contains(body, "<script") {
				t.Errorf("the page has a script")
			}
		})
	}
	// The funnel's numbers are the API's.
	_, api, _ := fx.get(t, nil, "/api/v1/stats?as_of=2030-01-01")
	_, body, _ := fx.get(t, nil, "/stats?as_of=2030-01-01")
	for _, key := range []string{`"deaths":`, `"with_case":`} {
		i := strings.Index(api, key)
		if i < 0 {
			t.Fatalf("no %s in the API", key)
		}
		n := api[i+len(key):]
		n = n[:strings.IndexAny(n, ",}")]
		if !strings.Contains(body, "<td>"+n+"</td>") {
			t.Errorf("funnel %s %s not on the page", key, n)
		}
	}
	// The page names no protected person.
	if strings.Contains(body, confidentialName) || strings.Contains(body, restrictedName) {
		t.Errorf("a protected name on the dashboard")
	}
}

// TestStatsEstimate gives the dashboard two lists that name the dead, so
// that it shows a number, and checks that it is the API's.
func TestStatsEstimate(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	for i, victims := range [][]string{{"public", "confidential"}, {"public"}} {
		src := &qantar.Source{SourceKind: "list", Title: qantar.Text{"en": "Synthetic list " + strconv.Itoa(i+1)}}
		if err := fx.db.Create(ctx, qantar.System, src); err != nil {
			t.Fatal(err)
		}
		for _, v := range victims {
			if err := fx.db.Create(ctx, qantar.System, &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: fx.ids[v], SourceID: src.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, api, _ := fx.get(t, nil, "/api/v1/estimate")
	var ans struct {
		Estimate *float64 `json:"estimate"`
		Method   string   `json:"method"`
	}
	if err := json.Unmarshal([]byte(api), &ans); err != nil || ans.Estimate == nil {
		t.Fatalf("API gives no estimate (%v): %s", err, api)
	}
	status, body, _ := fx.get(t, nil, "/stats")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	want := []string{"Estimated total from the lists", `<td class="big">` + strconv.Itoa(int(math.Round(*ans.Estimate))) + "</td>",
		"Synthetic list 1", "<td>" + ans.Method}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("no %q on the page", w)
		}
	}
}
