package report

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

func md(s string) qantar.Date { return qantar.MustDate(s) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ev(step, date, ground, verdict string) qantar.CaseEvent {
	return qantar.CaseEvent{Step: step, Date: md(date), Ground: ground, Verdict: verdict}
}

func rsp(on, outcome string) qantar.Response {
	return qantar.Response{ReceivedOn: md(on), Outcome: outcome}
}

// fixture is a small synthetic world counted by hand in the tests below.
//
// Places: 1 Almaty (city), 2 a square in Almaty, 3 a region, 4 Taldykorgan
// (city in 3), 5 a site directly in region 3.
// Deaths: 100 (Almaty, via event 11), 101 (in custody, Taldykorgan), 102
// (Almaty), 104 (injury with status dead, region 3, month only), 105 (no
// place, no date), 106 (Almaty, 2023-06-01), 107 (Almaty square, a person
// perpetrator known, no case). 103 was tortured, not killed.
func fixture() Input {
	p := func(id int64, kind string, region int64) *qantar.Place {
		return &qantar.Place{Meta: qantar.Meta{ID: id}, Name: qantar.Text{"en": kind}, PlaceKind: kind, RegionThenID: region}
	}
	act := func(id, victim int64, typ string, place, event int64, date string) *qantar.Act {
		a := &qantar.Act{Meta: qantar.Meta{ID: id}, VictimID: victim, ActType: typ, PlaceID: place, EventID: event}
		if date != "" {
			a.Date = md(date)
		}
		return a
	}
	a5 := act(5, 104, "injury", 5, 0, "2022-01")
	a5.VictimStatus = "dead"
	return Input{
		Places: []*qantar.Place{p(1, "city", 0), p(2, "site", 1), p(3, "region", 0), p(4, "city", 3), p(5, "site", 3)},
		Events: []*qantar.Event{
			{Meta: qantar.Meta{ID: 10}, Title: qantar.Text{"en": "January events"}},
			{Meta: qantar.Meta{ID: 11}, Title: qantar.Text{"en": "Almaty"}, PlaceID: 2, ParentID: 10, Start: md("2022-01-05")},
		},
		Acts: []*qantar.Act{
			act(1, 100, "killing_crowd_control", 0, 11, ""),
			act(2, 101, "death_in_custody", 4, 0, "2022-01-07"),
			act(3, 102, "killing", 1, 0, "2022-01-05"),
			act(4, 103, "torture", 4, 0, "2022-01-08"),
			a5,
			act(6, 105, "killing_crowd_control", 0, 0, ""),
			act(7, 106, "extrajudicial_execution", 1, 0, "2023-06-01"),
			act(9, 107, "killing_crowd_control", 2, 0, "2022-01-05"),
		},
		Involvements: []*qantar.Involvement{
			{ActID: 9, PersonID: 300, Degree: "carried_out"},
			{ActID: 1, UnitID: 40, Degree: "carried_out"}, // a unit only: no suspect
		},
		Cases: []*qantar.Case{
			{Meta: qantar.Meta{ID: 1}, ActIDs: []int64{1}, OpenedOn: md("2022-01-10"), Steps: []qantar.CaseEvent{
				ev("registered", "2022-01-10", "", ""), ev("terminated", "2022-09-01", "cpc-35-1-2", "")}},
			{Meta: qantar.Meta{ID: 2}, ActIDs: []int64{2, 4}, OpenedOn: md("2022-01-12"),
				Participants: []qantar.Participant{{PersonID: 200, Role: "accused", Since: md("2022-05-01")}},
				Steps: []qantar.CaseEvent{ev("registered", "2022-01-12", "", ""), ev("investigating", "2022-01-13", "", ""),
					ev("sent_to_court", "2022-10-01", "", ""), ev("verdict", "2022-11-16", "", "convicted")}},
			{Meta: qantar.Meta{ID: 3}, ActIDs: []int64{3}, OpenedOn: md("2022-01-15"),
				Participants: []qantar.Participant{{PersonID: 201, Role: "suspect", Since: md("2023-06-01")}},
				Steps:        []qantar.CaseEvent{ev("registered", "2022-01-15", "", ""), ev("interrupted", "2022-04-15", "cpc-45-7-1", "")}},
			{Meta: qantar.Meta{ID: 4}, ActIDs: []int64{5}, OpenedOn: md("2023-02-01"),
				Participants: []qantar.Participant{{PersonID: 202, Role: "defendant"}},
				Steps: []qantar.CaseEvent{ev("registered", "2023-02-01", "", ""), ev("sent_to_court", "2023-05-01", "", ""),
					ev("verdict", "2023-09-01", "", "acquitted")}},
			{Meta: qantar.Meta{ID: 5}, OpenedOn: md("2022-02-01"), Steps: []qantar.CaseEvent{
				ev("registered", "2022-02-01", "", ""), ev("terminated", "2022-03-01", "", "")}},
		},
		Complaints: []*qantar.Complaint{
			{ComplaintKind: "appc-76", FiledOn: md("2024-02-01"), CaseID: 1, AddresseeID: 50},
			{ComplaintKind: "appc-76", FiledOn: md("2024-02-01"), CaseID: 3, AddresseeID: 50, Responses: []qantar.Response{rsp("2024-02-20", "refused")}},
			{ComplaintKind: "appc-76", FiledOn: md("2024-02-01"), AddresseeID: 51, Responses: []qantar.Response{rsp("2024-02-26", "refused")}},
			{ComplaintKind: "appc-76", FiledOn: md("2024-02-20")},
			{ComplaintKind: "cpc-105", FiledOn: md("2024-02-01"), CaseID: 2, AddresseeID: 51, Responses: []qantar.Response{rsp("2024-02-05", "secrecy_of_investigation")}},
			{ComplaintKind: "foo", FiledOn: md("2024-01-10")},
			{ComplaintKind: "appc-76", FiledOn: md("2024-04-01")},
		},
		Figures: []*qantar.Figure{
			{Meta: qantar.Meta{ID: 1}, Measure: "deaths", Value: 225, Official: true, AsOf: md("2022-01-15"), SourceID: 1},
			{Meta: qantar.Meta{ID: 2}, Measure: "deaths", Value: 238, Official: true, AsOf: md("2022-08"), SourceID: 2},
			{Meta: qantar.Meta{ID: 3}, Measure: "deaths", Value: 188, AsOf: md("2022-07"), SourceID: 3},
			{Meta: qantar.Meta{ID: 4}, Measure: "deaths", Value: 139, Official: true, AsOf: md("2022-03-14"), PlaceID: 1, SourceID: 4},
			{Meta: qantar.Meta{ID: 5}, Measure: "detained", Value: 9900, Official: true, AsOf: md("2022-01-11"), SourceID: 5},
			{Meta: qantar.Meta{ID: 6}, Measure: "deaths", Value: 240, AsOf: md("2025-01-01"), SourceID: 6},
			{Meta: qantar.Meta{ID: 7}, Measure: "amnestied", Value: 1500, Official: true, AsOf: md("2022-11"), SourceID: 7},
		},
		Minnesota: map[int64][]Answer{
			1: {{Item: "autopsy_performed", Answer: "yes", SourceID: 1}, {Item: "findings_public", Answer: "no", SourceID: 1}},
			2: {{Item: "autopsy_performed", Answer: "no", SourceID: 2}, {Item: "autopsy_performed", Answer: "yes", SourceID: 3}},
			3: {{Item: "autopsy_performed", Answer: "yes"}}, // uncited: a draft, not counted
			4: {{Item: "autopsy_performed", Answer: "yes", SourceID: 4}},
		},
	}
}

func TestFunnel(t *testing.T) {
	tests := []struct {
		name string
		asOf string
		want Funnel
	}{
		{"AllRecords", "2024-03-01", Funnel{Deaths: 7, WithCase: 4, SuspectIdentified: 4, Charged: 2, Convicted: 1}},
		// On 1 Jan 2023 death 106 had not happened, case 4 did not exist,
		// and case 3 had no suspect yet.
		{"AsOf2023", "2023-01-01", Funnel{Deaths: 6, WithCase: 3, SuspectIdentified: 2, Charged: 1, Convicted: 1}},
		// On 1 Nov 2022 the verdict in case 2 was still to come, its accused
		// was there.
		{"BeforeVerdict", "2022-11-01", Funnel{Deaths: 6, WithCase: 3, SuspectIdentified: 2, Charged: 1, Convicted: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Compute(fixture(), day(tc.asOf), nil).Funnel
			if got != tc.want {
				t.Errorf("funnel = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestCaseOutcomes(t *testing.T) {
	got := Compute(fixture(), day("2024-03-01"), nil).Cases
	want := CaseOutcomes{
		Total:       5,
		ByStatus:    map[string]int{"terminated": 2, "verdict": 2, "interrupted": 1},
		Terminated:  map[string]int{"cpc-35-1-2": 1, "unknown": 1},
		Interrupted: map[string]int{"cpc-45-7-1": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cases = %+v, want %+v", got, want)
	}
	// Before case 1 was terminated it was registered; case 5 already ended.
	got = Compute(fixture(), day("2022-05-01"), nil).Cases
	if got.Total != 4 || got.ByStatus["registered"] != 1 || got.Terminated["unknown"] != 1 || got.Terminated["cpc-35-1-2"] != 0 {
		t.Errorf("cases as of 2022-05-01 = %+v", got)
	}
}

func TestComplaints(t *testing.T) {
	got := Compute(fixture(), day("2024-03-01"), nil).Complaints
	// Every deadline here runs from a day before the editions of the law the
	// Kazakh rules carry (CPC as amended to 16.07.2025, APPC to 17.12.2025),
	// so each is counted as unverified: the text then in force is not
	// recorded (law: editions).
	want := ComplaintCounts{Total: 6, Pending: 1, Overdue: 2, AnsweredInTime: 1, AnsweredLate: 1, Unverified: 5, NoDeadline: 1}
	if got.ComplaintCounts != want {
		t.Errorf("complaints = %+v, want %+v", got.ComplaintCounts, want)
	}
	wantBy := map[string]ComplaintCounts{
		"50":      {Total: 2, Overdue: 1, AnsweredInTime: 1, Unverified: 2},
		"51":      {Total: 2, Overdue: 1, AnsweredLate: 1, Unverified: 2},
		"unknown": {Total: 2, Pending: 1, NoDeadline: 1, Unverified: 1},
	}
	if !reflect.DeepEqual(got.ByAddressee, wantBy) {
		t.Errorf("by addressee = %+v, want %+v", got.ByAddressee, wantBy)
	}
}

func TestByCity(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	type row struct {
		id                       int64
		funnel                   Funnel
		cases, complaints, overd int
	}
	want := []row{
		{1, Funnel{Deaths: 4, WithCase: 2, SuspectIdentified: 2}, 2, 2, 1},
		{3, Funnel{Deaths: 1, WithCase: 1, SuspectIdentified: 1, Charged: 1}, 1, 0, 0},
		{4, Funnel{Deaths: 1, WithCase: 1, SuspectIdentified: 1, Charged: 1, Convicted: 1}, 1, 1, 1},
		{0, Funnel{Deaths: 1}, 0, 0, 0},
	}
	if len(st.ByCity) != len(want) {
		t.Fatalf("%d cities, want %d: %+v", len(st.ByCity), len(want), st.ByCity)
	}
	for i, w := range want {
		g := st.ByCity[i]
		if g.PlaceID != w.id || g.Funnel != w.funnel || g.Cases.Total != w.cases || g.Complaints.Total != w.complaints || g.Complaints.Overdue != w.overd {
			t.Errorf("city row %d = id %d %+v cases %d complaints %d overdue %d; want %+v", i, g.PlaceID, g.Funnel, g.Cases.Total, g.Complaints.Total, g.Complaints.Overdue, w)
		}
	}
	if st.ByCity[0].Name["en"] != "city" {
		t.Errorf("city name %v", st.ByCity[0].Name)
	}
}

func TestByDate(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	got := map[string][2]int{} // date → deaths, cases
	var order []string
	for _, d := range st.ByDate {
		got[d.Date] = [2]int{d.Funnel.Deaths, d.Cases.Total}
		order = append(order, d.Date)
	}
	want := map[string][2]int{
		"2022-01": {1, 1}, "2022-01-05": {3, 2}, "2022-01-07": {1, 1}, "2022-01-08": {0, 1},
		"2023-06-01": {1, 0}, "unknown": {1, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("by date = %v, want %v", got, want)
	}
	if order[len(order)-1] != "unknown" || order[0] != "2022-01" {
		t.Errorf("order %v: unknown last, oldest first", order)
	}
}

func TestFigureSeries(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	type row struct {
		measure    string
		place      int64
		values     []int64
		documented *int64
	}
	n := func(v int64) *int64 { return &v }
	want := []row{
		{"deaths", 0, []int64{225, 188, 238}, n(7)},
		{"deaths", 1, []int64{139}, n(4)},
		{"detained", 0, []int64{9900}, n(0)},
		{"amnestied", 0, []int64{1500}, nil},
	}
	if len(st.Figures) != len(want) {
		t.Fatalf("%d series, want %d: %+v", len(st.Figures), len(want), st.Figures)
	}
	for i, w := range want {
		s := st.Figures[i]
		var vals []int64
		for _, p := range s.Points {
			vals = append(vals, p.Value)
		}
		if s.Measure != w.measure || s.PlaceID != w.place || !reflect.DeepEqual(vals, w.values) || !reflect.DeepEqual(s.Documented, w.documented) {
			t.Errorf("series %d = %s/%d %v documented %v; want %+v", i, s.Measure, s.PlaceID, vals, s.Documented, w)
		}
	}
}

func TestMinnesotaCounts(t *testing.T) {
	st := Compute(fixture(), day("2024-03-01"), nil)
	byItem := map[string]ItemCount{}
	for _, c := range st.Minnesota {
		byItem[c.Item] = c
		if c.Yes+c.No+c.Disputed+c.Unknown != st.Funnel.Deaths {
			t.Errorf("%v does not add up to %d deaths", c, st.Funnel.Deaths)
		}
	}
	if got := byItem["autopsy_performed"]; got.Yes != 1 || got.Disputed != 1 || got.No != 0 || got.Unknown != 5 {
		t.Errorf("autopsy_performed = %v, want yes 1, disputed 1, unknown 5", got)
	}
	if got := byItem["findings_public"]; got.No != 1 || got.Unknown != 6 {
		t.Errorf("findings_public = %v, want no 1, unknown 6", got)
	}
	if len(st.Minnesota) != len(MinnesotaItems) {
		t.Errorf("%d items, want %d", len(st.Minnesota), len(MinnesotaItems))
	}
}

func TestAnswerValidate(t *testing.T) {
	tests := []struct {
		name  string
		a     Answer
		field string
	}{
		{"Valid", Answer{Item: "autopsy_performed", Answer: "yes", SourceID: 3}, ""},
		{"ErrItem", Answer{Item: "autopsy", Answer: "yes"}, "item"},
		{"ErrAnswer", Answer{Item: "autopsy_performed", Answer: "maybe"}, "answer"},
		{"ErrSource", Answer{Item: "autopsy_performed", Answer: "no", SourceID: -1}, "source_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.a.Validate(); qantar.ErrorField(err) != tc.field || (tc.field == "") != (err == nil) {
				t.Errorf("err = %v, want field %q", err, tc.field)
			}
		})
	}
}

// TestStatsJSON pins the JSON names the API and the dashboard rely on.
func TestStatsJSON(t *testing.T) {
	b, err := json.Marshal(Compute(fixture(), day("2024-03-01"), nil))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		AsOf   string `json:"as_of"`
		Funnel struct {
			Deaths            *int `json:"deaths"`
			WithCase          *int `json:"with_case"`
			SuspectIdentified *int `json:"suspect_identified"`
			Charged           *int `json:"charged"`
			Convicted         *int `json:"convicted"`
		} `json:"funnel"`
		Cases struct {
			Terminated  map[string]int `json:"terminated"`
			Interrupted map[string]int `json:"interrupted"`
		} `json:"cases"`
		Complaints struct {
			Total          *int                      `json:"total"`
			Pending        *int                      `json:"pending"`
			Overdue        *int                      `json:"overdue"`
			AnsweredInTime *int                      `json:"answered_in_time"`
			AnsweredLate   *int                      `json:"answered_late"`
			ByAddressee    map[string]map[string]int `json:"by_addressee"`
		} `json:"complaints"`
		ByCity  []map[string]any `json:"by_city"`
		ByDate  []map[string]any `json:"by_date"`
		Figures []map[string]any `json:"figures"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	f, c := v.Funnel, v.Complaints
	for name, p := range map[string]*int{"funnel.deaths": f.Deaths, "funnel.with_case": f.WithCase, "funnel.suspect_identified": f.SuspectIdentified,
		"funnel.charged": f.Charged, "funnel.convicted": f.Convicted, "complaints.total": c.Total, "complaints.pending": c.Pending,
		"complaints.overdue": c.Overdue, "complaints.answered_in_time": c.AnsweredInTime, "complaints.answered_late": c.AnsweredLate} {
		if p == nil {
			t.Errorf("%s missing from %s", name, b)
		}
	}
	if v.AsOf != "2024-03-01" || v.Cases.Terminated["cpc-35-1-2"] != 1 || c.ByAddressee["50"]["overdue"] != 1 {
		t.Errorf("JSON content: %s", b)
	}
	if len(v.ByCity) == 0 || v.ByCity[0]["funnel"] == nil || len(v.ByDate) == 0 || len(v.Figures) == 0 {
		t.Errorf("breakdowns missing: %s", b)
	}
}

// TestComplaintShortcutMatchesLaw checks that the fast path for complaints
// with no response gives what law.Rules.Status gives.
func TestComplaintShortcutMatchesLaw(t *testing.T) {
	in := Input{}
	for i := 0; i < 400; i++ {
		filed := day("2023-12-01").AddDate(0, 0, i)
		for _, kind := range []string{"appc-76", "cpc-106", "info-401"} {
			in.Complaints = append(in.Complaints, &qantar.Complaint{ComplaintKind: kind, FiledOn: qantar.DayOf(filed)})
		}
	}
	asOf := day("2024-06-01")
	got := Compute(in, asOf, nil).Complaints.ComplaintCounts
	var want ComplaintCounts
	r := defaultRules()
	for _, c := range in.Complaints {
		if c.FiledOn.Time().After(asOf) {
			continue
		}
		st, err := r.Status(c, asOf)
		want.add(st.Status, st.Deadline.Verified, err == nil)
	}
	if got != want {
		t.Errorf("Compute = %+v, law.Status = %+v", got, want)
	}
}

func defaultRules() *law.Rules { return law.Default() }

func TestCaseProgress(t *testing.T) {
	part := func(role string) []qantar.Participant { return []qantar.Participant{{PersonID: 1, Role: role}} }
	court := []qantar.CaseEvent{ev("registered", "2022-01-10", "", ""), ev("sent_to_court", "2022-05-01", "", "")}
	tests := []struct {
		name                        string
		c                           *qantar.Case
		suspect, charged, convicted bool
		status                      string
	}{
		{"NoParticipants", &qantar.Case{Steps: court[:1]}, false, false, false, "registered"},
		{"Suspect", &qantar.Case{Participants: part("suspect")}, true, false, false, "none"},
		{"Defendant", &qantar.Case{Participants: part("defendant"), Steps: court}, true, true, false, "sent_to_court"},
		{"ConvictedParticipantNoVerdictStep", &qantar.Case{Participants: part("convicted")}, true, true, true, "none"},
		{"ConvictedVerdict", &qantar.Case{Steps: append(court[:2:2], ev("verdict", "2022-09-01", "", "convicted"))}, true, true, true, "verdict"},
		{"AcquittedOnAppeal", &qantar.Case{Participants: part("convicted"), Steps: append(court[:2:2], ev("verdict", "2022-09-01", "", "convicted"),
			ev("appeal", "2022-10-01", "", ""), ev("verdict", "2022-12-01", "", "acquitted"))}, true, true, false, "verdict"},
		{"WitnessOnly", &qantar.Case{Participants: part("witness")}, false, false, false, "none"},
		{"StepAfterAsOfIgnored", &qantar.Case{Steps: append(court[:2:2], ev("verdict", "2025-09-01", "", "convicted"))}, false, false, false, "sent_to_court"},
	}
	ix := newIndex(Input{}, day("2024-03-01"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ci := ix.caseAsOf(tc.c)
			if ci.suspect != tc.suspect || ci.charged != tc.charged || ci.convicted != tc.convicted || ci.status != tc.status {
				t.Errorf("got suspect=%v charged=%v convicted=%v status=%s", ci.suspect, ci.charged, ci.convicted, ci.status)
			}
		})
	}
}
