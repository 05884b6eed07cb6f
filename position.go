package qantar

import "fmt"

// A unit's positions and equipment are dated claims of the unit record
// (Security Force Monitor's "site" and "area of operations", and the
// vehicles and weapons seen with it), each with its own citations (a
// Citation whose field is "positions.2", or "parents.0" for a parent link)
// and a status.

// UnitPosition is where a unit was on a period: its base, or an area where
// it operated. It names a place, or coordinates with their precision in
// metres, or both.
type UnitPosition struct {
	PositionKind string   `json:"kind"` // vocabulary position_kind: base, operation
	PlaceID      int64    `json:"place_id,omitempty"`
	Lat          *float64 `json:"lat,omitempty"`
	Lon          *float64 `json:"lon,omitempty"`
	PrecisionM   int      `json:"precision_m,omitempty"`
	From         Date     `json:"from,omitzero"`
	To           Date     `json:"to,omitzero"`
	Confidence   string   `json:"confidence,omitempty"`
	Status       string   `json:"status,omitempty"` // vocabulary claim_status; empty is accepted
	// AppliesToSubunits is set only when a source says the unit's
	// sub-units were there too: a parent's position does not otherwise
	// place its children.
	AppliesToSubunits bool `json:"applies_to_subunits,omitempty"`
	Note              Text `json:"note,omitempty"`
}

// UnitEquipment is what a unit was seen with (vehicles, weapons) on a period.
type UnitEquipment struct {
	Text       Text   `json:"text"`
	From       Date   `json:"from,omitzero"`
	To         Date   `json:"to,omitzero"`
	Confidence string `json:"confidence,omitempty"`
	Status     string `json:"status,omitempty"`
}

// MaxPrecisionM caps a position's stated precision (500 km: a region).
const MaxPrecisionM = 500_000

func (p UnitPosition) validate(f string) error {
	if err := checkTerm(f+".kind", "position_kind", p.PositionKind, true); err != nil {
		return err
	}
	if err := checkID(f+".place_id", p.PlaceID, false); err != nil {
		return err
	}
	if (p.Lat == nil) != (p.Lon == nil) {
		return FieldErrorf(f+".lat", "lat and lon are given together or not at all")
	}
	if p.PlaceID == 0 && p.Lat == nil {
		return FieldErrorf(f+".place_id", "a position names a place or gives lat and lon")
	}
	// Whether the point is inside the jurisdiction is the law checker's
	// question (its rules' bounds); here only that it is a point on Earth.
	if p.Lat != nil && (*p.Lat < -90 || *p.Lat > 90 || *p.Lon < -180 || *p.Lon > 180) {
		return FieldErrorf(f+".lat", "%s, %s is not a latitude and longitude", fmt.Sprint(*p.Lat), fmt.Sprint(*p.Lon))
	}
	if p.PrecisionM < 0 || p.PrecisionM > MaxPrecisionM {
		return FieldErrorf(f+".precision_m", "is in metres, from 0 to %d", MaxPrecisionM)
	}
	if err := checkSpan(f, p.From, p.To); err != nil {
		return err
	}
	if err := checkClaim(f, p.Confidence, p.Status); err != nil {
		return err
	}
	return p.Note.validate(f+".note", MaxLong, false)
}

func (e UnitEquipment) validate(f string) error {
	if err := e.Text.validate(f+".text", MaxShort, true); err != nil {
		return err
	}
	if err := checkSpan(f, e.From, e.To); err != nil {
		return err
	}
	return checkClaim(f, e.Confidence, e.Status)
}

// checkSpan refuses a period that ends before it begins.
func checkSpan(f string, from, to Date) error {
	if to.Before(from) {
		return FieldErrorf(f+".to", "%s is before %s", to, from)
	}
	return nil
}

// checkClaim checks a claim's confidence and status codes.
func checkClaim(f, confidence, status string) error {
	if err := checkTerm(f+".confidence", "confidence", confidence, false); err != nil {
		return err
	}
	return checkTerm(f+".status", "claim_status", status, false)
}
