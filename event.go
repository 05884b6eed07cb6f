package qantar

import "fmt"

// Event is something that happened at a place and time, possibly part of a
// larger event: "January events" → "Almaty, 5 January, Republic Square".
type Event struct {
	Meta
	Title       Text  `json:"title"`
	Description Text  `json:"description,omitempty"`
	Start       Date  `json:"start,omitzero"`
	End         Date  `json:"end,omitzero"`
	PlaceID     int64 `json:"place_id,omitempty"`
	ParentID    int64 `json:"parent_id,omitempty"`
}

func (*Event) Kind() Kind { return KindEvent }

func (e *Event) Validate() error {
	if err := e.Title.validate("title", MaxShort, true); err != nil {
		return err
	}
	if err := e.Description.validate("description", MaxLong, false); err != nil {
		return err
	}
	if e.End.Before(e.Start) {
		return FieldErrorf("end", "%s is before the start %s", e.End, e.Start)
	}
	if err := checkID("place_id", e.PlaceID, false); err != nil {
		return err
	}
	if e.ParentID != 0 && e.ParentID == e.ID {
		return FieldErrorf("parent_id", "an event cannot be its own parent")
	}
	return checkID("parent_id", e.ParentID, false)
}

func (e *Event) Refs() []Ref {
	return ref(ref(nil, "place_id", KindPlace, e.PlaceID), "parent_id", KindEvent, e.ParentID)
}

// Place is a city, a region, a square. Regions are redrawn (Kazakhstan made
// three new regions in June 2022), so a place keeps both its region at the
// time of the events and its region today; and places are renamed
// (Kapshagay became Konayev in 2022), so a place may list its names with the
// days each was in use.
type Place struct {
	Meta
	// Name in kk, ru, en and kk-Latn (the 2021 Kazakh Latin alphabet): the
	// name Qantar shows.
	Name Text `json:"name"`
	// Names are the place's names over time, oldest first, each with the
	// first and last day it was in use (either may be unknown). A place
	// that existed only for a period (a region before it was split) gives
	// that period here too.
	Names          []PlaceName `json:"names,omitempty"`
	PlaceKind      string      `json:"kind,omitempty"`
	RegionThenID   int64       `json:"region_then_id,omitempty"`
	RegionNowID    int64       `json:"region_now_id,omitempty"`
	Lat            *float64    `json:"lat,omitempty"`
	Lon            *float64    `json:"lon,omitempty"`
	CoordPrecision string      `json:"coord_precision,omitempty"`
	Notes          Text        `json:"notes,omitempty"`
}

// PlaceName is a name valid for a period: From is the first day it was in
// use, To the last (inclusive); a zero From or To is not known or open.
type PlaceName struct {
	Name Text `json:"name"`
	From Date `json:"from,omitzero"`
	To   Date `json:"to,omitzero"`
}

func (*Place) Kind() Kind { return KindPlace }

// NameOn returns the place's name in use on day d: the first of Names whose
// period holds d, or Name when none does.
func (p *Place) NameOn(d Date) Text {
	for _, n := range p.Names {
		if (n.From.IsZero() || !d.Before(n.From)) && (n.To.IsZero() || !n.To.Before(d)) {
			return n.Name
		}
	}
	return p.Name
}

func (p *Place) validateNames() error {
	if len(p.Names) > MaxList {
		return FieldErrorf("names", "has %d names; the limit is %d", len(p.Names), MaxList)
	}
	for i, n := range p.Names {
		f := fmt.Sprintf("names[%d]", i)
		if err := n.Name.validate(f+".name", MaxShort, true); err != nil {
			return err
		}
		if n.To.Before(n.From) {
			return FieldErrorf(f+".to", "%s is before the first day %s", n.To, n.From)
		}
		if i > 0 && !n.From.IsZero() && n.From.Before(p.Names[i-1].From) {
			return FieldErrorf(f+".from", "names are listed oldest first: %s is before %s", n.From, p.Names[i-1].From)
		}
	}
	return nil
}

func (p *Place) Validate() error {
	if err := p.Name.validate("name", MaxShort, true); err != nil {
		return err
	}
	if err := p.validateNames(); err != nil {
		return err
	}
	if err := checkTerm("kind", "place_kind", p.PlaceKind, false); err != nil {
		return err
	}
	if err := checkID("region_then_id", p.RegionThenID, false); err != nil {
		return err
	}
	if err := checkID("region_now_id", p.RegionNowID, false); err != nil {
		return err
	}
	if (p.Lat == nil) != (p.Lon == nil) {
		return FieldErrorf("lat", "lat and lon are given together or not at all")
	}
	if p.Lat != nil && (*p.Lat < -90 || *p.Lat > 90) {
		return FieldErrorf("lat", "must be between -90 and 90")
	}
	if p.Lon != nil && (*p.Lon < -180 || *p.Lon > 180) {
		return FieldErrorf("lon", "must be between -180 and 180")
	}
	if err := checkTerm("coord_precision", "coord_precision", p.CoordPrecision, false); err != nil {
		return err
	}
	return p.Notes.validate("notes", MaxLong, false)
}

func (p *Place) Refs() []Ref {
	return ref(ref(nil, "region_then_id", KindPlace, p.RegionThenID), "region_now_id", KindPlace, p.RegionNowID)
}
