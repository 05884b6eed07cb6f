package qantar_test

import (
	"testing"

	"github.com/qantar-project/qantar"
)

func fp(v float64) *float64 { return &v }

func TestUnitPositionsValidate(t *testing.T) {
	name := qantar.Text{"en": "Unit"}
	cases := []struct {
		name  string
		unit  qantar.Unit
		field string // "" when valid
	}{
		{"PlaceOnly", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 3}}}, ""},
		{"CoordsInAlmaty", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "operation", Lat: fp(43.238), Lon: fp(76.945), PrecisionM: 100, Status: "in_conflict"}}}, ""},
		{"ErrNoPlace", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base"}}}, "positions[0].place_id"},
		{"ErrKind", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "camp", PlaceID: 1}}}, "positions[0].kind"},
		{"ErrLatAlone", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", Lat: fp(43)}}}, "positions[0].lat"},
		{"ErrNotOnEarth", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", Lat: fp(95.75), Lon: fp(37.62)}}}, "positions[0].lat"},
		{"ErrPrecision", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 1, PrecisionM: -1}}}, "positions[0].precision_m"},
		{"ErrDates", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 1,
			From: qantar.MustDate("2022-01-07"), To: qantar.MustDate("2022-01-05")}}}, "positions[0].to"},
		{"ErrStatus", qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 1, Status: "maybe"}}}, "positions[0].status"},
		{"ErrEquipmentText", qantar.Unit{Name: name, Equipment: []qantar.UnitEquipment{{From: qantar.MustDate("2022-01")}}}, "equipment[0].text"},
		{"ErrEquipmentDates", qantar.Unit{Name: name, Equipment: []qantar.UnitEquipment{{Text: qantar.Text{"en": "BTR-82A"},
			From: qantar.MustDate("2022-02"), To: qantar.MustDate("2022-01")}}}, "equipment[0].to"},
		{"ErrParentStatus", qantar.Unit{Name: name, Parents: []qantar.UnitParent{{ParentID: 2, Status: "x"}}}, "parents[0].status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.unit.Validate()
			if got := qantar.ErrorField(err); got != c.field {
				t.Fatalf("field %q (%v), want %q", got, err, c.field)
			}
		})
	}
	u := qantar.Unit{Name: name, Positions: []qantar.UnitPosition{{PositionKind: "base", PlaceID: 7}}}
	if refs := u.Refs(); len(refs) != 1 || refs[0].Kind != qantar.KindPlace || refs[0].Field != "positions[0].place_id" {
		t.Fatalf("refs %+v", refs)
	}
}

func TestPostStatusAndDates(t *testing.T) {
	p := qantar.Post{PersonID: 1, UnitID: 2, Role: "commander", Status: "needs_work"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.Status = "rumoured"
	if qantar.ErrorField(p.Validate()) != "status" {
		t.Fatal("unknown status accepted")
	}
	p.Status = ""
	p.FirstCited, p.LastCited = qantar.MustDate("2022-01-07"), qantar.MustDate("2022-01-05")
	if qantar.ErrorField(p.Validate()) != "last_cited" {
		t.Fatal("last_cited before first_cited accepted")
	}
}

func TestCheckAncestry(t *testing.T) {
	d := qantar.MustDate
	units := map[int64]*qantar.Unit{
		1: {Meta: qantar.Meta{ID: 1}},
		2: {Meta: qantar.Meta{ID: 2}, Parents: []qantar.UnitParent{{ParentID: 1}}},
		3: {Meta: qantar.Meta{ID: 3}, Parents: []qantar.UnitParent{{ParentID: 2, From: d("2020"), To: d("2020")}}},
	}
	get := func(id int64) (*qantar.Unit, error) { return units[id], nil }
	cases := []struct {
		name    string
		parents []qantar.UnitParent
		loop    bool
	}{
		{"ErrDirectLoop", []qantar.UnitParent{{ParentID: 2}}, true},
		{"ErrLoopOnOverlap", []qantar.UnitParent{{ParentID: 3, From: d("2020-06"), To: d("2021")}}, true},
		{"NoLoopPeriodsApart", []qantar.UnitParent{{ParentID: 3, From: d("2023")}}, false},
		{"NoParents", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := &qantar.Unit{Meta: qantar.Meta{ID: 1}, Parents: c.parents}
			err := qantar.CheckAncestry(u, get)
			if (err != nil) != c.loop {
				t.Fatalf("err %v, loop %v", err, c.loop)
			}
			if err != nil && qantar.ErrorField(err) != "parents[0].parent_id" {
				t.Fatalf("field %q", qantar.ErrorField(err))
			}
		})
	}
}
