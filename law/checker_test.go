package law

import (
	"context"
	"errors"
	"testing"

	"github.com/qantar-project/qantar"
)

func step(s, date, ground string) qantar.CaseEvent {
	ev := qantar.CaseEvent{Step: s, Date: qantar.MustDate(date), Ground: ground}
	if s == "verdict" {
		ev.Verdict = "convicted"
	}
	return ev
}

func TestCheckerCase(t *testing.T) {
	tests := []struct {
		name  string
		c     *qantar.Case
		prev  *qantar.Case
		field string // "" for valid
	}{
		{"ValidTerminated", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("investigating", "2022-01-11", ""),
			step("interrupted", "2022-06-01", "cpc-45-7-1"), step("terminated", "2022-09-01", "cpc-35-1-2")}}, nil, ""},
		{"ValidToVerdictAndAppeal", &qantar.Case{Number: "1", Articles: []string{"146", "146-2", "362"}, Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("sent_to_court", "2022-10-01", ""),
			step("verdict", "2023-02-10", ""), step("appeal", "2023-03-01", ""), step("verdict", "2023-05-01", "")}}, nil, ""},
		{"ValidReopened", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("terminated", "2022-09-01", "cpc-35-1-1"),
			step("reopened", "2023-01-01", ""), step("investigating", "2023-01-02", "")}}, nil, ""},
		{"ValidNoSteps", &qantar.Case{Number: "1"}, nil, ""},
		// A record may begin where documentation learnt of the case.
		{"ValidStartsWithVerdict", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{step("verdict", "2022-01-10", "")}}, nil, ""},
		{"ErrStartsWithResumed", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{step("resumed", "2022-01-10", "")}}, nil, "steps[0].step"},
		{"ErrVerdictWithoutCourt", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("verdict", "2022-02-10", "")}}, nil, "steps[1].step"},
		{"ErrResumedAfterTerminated", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("terminated", "2022-02-10", "cpc-35-1-1"), step("resumed", "2022-03-10", "")}}, nil, "steps[2].step"},
		{"ErrTerminatedWithoutGround", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("terminated", "2022-02-10", "")}}, nil, "steps[1].ground"},
		{"ErrInterruptedWithTerminationGround", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("interrupted", "2022-02-10", "cpc-35-1-1")}}, nil, "steps[1].ground"},
		{"ErrUnknownGround", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("terminated", "2022-02-10", "cpc-35-1-99")}}, nil, "steps[1].ground"},
		{"ErrGroundOnRegistered", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{step("registered", "2022-01-10", "cpc-35-1-1")}}, nil, "steps[0].ground"},
		{"ErrUnknownArticle", &qantar.Case{Number: "1", Articles: []string{"146", "9999"}}, nil, "articles[1]"},
		{"ErrUnknownJurisdiction", &qantar.Case{Number: "1", Jurisdiction: "zz"}, nil, "jurisdiction"},
		// A step accepted earlier is not checked again; a new one is.
		{"UpdateKeepsOldSteps", &qantar.Case{Number: "1", Articles: []string{"old-code"}, Steps: []qantar.CaseEvent{
			step("verdict", "2022-01-10", ""), step("appeal", "2022-02-10", "")}},
			&qantar.Case{Number: "1", Articles: []string{"old-code"}, Steps: []qantar.CaseEvent{step("verdict", "2022-01-10", "")}}, ""},
		{"ErrUpdateNewStepChecked", &qantar.Case{Number: "1", Steps: []qantar.CaseEvent{
			step("registered", "2022-01-10", ""), step("reopened", "2022-02-10", "")}},
			&qantar.Case{Number: "1", Steps: []qantar.CaseEvent{step("registered", "2022-01-10", "")}}, "steps[1].step"},
	}
	c := Checker{Rules: DefaultRegistry()}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev qantar.Record
			if tc.prev != nil {
				prev = tc.prev
			}
			err := c.Check(context.Background(), tc.c, prev)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if qantar.ErrorField(err) != tc.field || qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("err = %v (field %q), want an invalid error on %s", err, qantar.ErrorField(err), tc.field)
			}
		})
	}
}

func TestCheckerComplaint(t *testing.T) {
	c := Checker{} // the default registry
	ctx := context.Background()
	if err := c.Check(ctx, complaint("appc-76", "2024-02-01"), nil); err != nil {
		t.Errorf("appc-76: %v", err)
	}
	if err := c.Check(ctx, complaint("appc-77", "2024-02-01"), nil); qantar.ErrorField(err) != "kind" {
		t.Errorf("unknown kind: %v", err)
	}
	old := complaint("retired-kind", "2022-02-01")
	if err := c.Check(ctx, complaint("retired-kind", "2022-02-01"), old); err != nil {
		t.Errorf("an unchanged kind is not checked again: %v", err)
	}
	if err := c.Check(ctx, &qantar.Person{}, nil); err != nil {
		t.Errorf("other records pass: %v", err)
	}
}

// A unit's position is refused when its coordinates fall outside the
// bounds the rules give (Moscow; a latitude and longitude swapped), and
// taken inside them (Almaty) or when no coordinates are given.
func TestCheckerUnitBounds(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	c := Checker{}
	for _, tc := range []struct {
		name     string
		lat, lon float64
		ok       bool
	}{{"Almaty", 43.24, 76.89, true}, {"Moscow", 55.75, 37.62, false}, {"Swapped", 76.89, 43.24, false}} {
		u := &qantar.Unit{Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 1}, {PositionKind: "base", Lat: f(tc.lat), Lon: f(tc.lon)}}}
		err := c.Check(context.Background(), u, nil)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
		var qe *qantar.Error
		if err != nil && (!errors.As(err, &qe) || qe.Field != "positions[1].lat") {
			t.Errorf("%s: %v, want an error of positions[1].lat", tc.name, err)
		}
	}
	if err := (Checker{Rules: NewRegistry(&Rules{Jurisdiction: "xx"})}).Check(context.Background(), &qantar.Unit{Positions: []qantar.UnitPosition{{Lat: f(55.75), Lon: f(37.62)}}}, nil); err != nil {
		t.Errorf("rules without bounds check nothing: %v", err)
	}
}
