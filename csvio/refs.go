package csvio

import (
	"fmt"

	"github.com/qantar-project/qantar"
)

// refPtr is a reference inside a record that an import may rewrite: ids of
// rows in the same import are only known once those rows are written.
type refPtr struct {
	Field string // named as in qantar.Record.Refs ("participants[0].person_id")
	Kind  qantar.Kind
	P     *int64
}

// refPtrs lists every reference field of rec, set or not, named as Refs
// names them; TestRefPtrsMatchRefs keeps the two in step.
func refPtrs(rec qantar.Record) []refPtr {
	var out []refPtr
	add := func(field string, k qantar.Kind, p *int64) { out = append(out, refPtr{field, k, p}) }
	switch r := rec.(type) {
	case *qantar.Person:
		add("birth_place_id", qantar.KindPlace, &r.BirthPlace)
	case *qantar.Place:
		add("region_then_id", qantar.KindPlace, &r.RegionThenID)
		add("region_now_id", qantar.KindPlace, &r.RegionNowID)
	case *qantar.Event:
		add("place_id", qantar.KindPlace, &r.PlaceID)
		add("parent_id", qantar.KindEvent, &r.ParentID)
	case *qantar.Unit:
		for i := range r.Parents {
			add(fmt.Sprintf("parents[%d].parent_id", i), qantar.KindUnit, &r.Parents[i].ParentID)
		}
	case *qantar.Post:
		add("person_id", qantar.KindPerson, &r.PersonID)
		add("unit_id", qantar.KindUnit, &r.UnitID)
	case *qantar.Act:
		add("victim_id", qantar.KindPerson, &r.VictimID)
		add("event_id", qantar.KindEvent, &r.EventID)
		add("place_id", qantar.KindPlace, &r.PlaceID)
	case *qantar.Involvement:
		add("act_id", qantar.KindAct, &r.ActID)
		add("person_id", qantar.KindPerson, &r.PersonID)
		add("unit_id", qantar.KindUnit, &r.UnitID)
	case *qantar.Case:
		add("authority_id", qantar.KindUnit, &r.AuthorityID)
		for i := range r.ActIDs {
			add(fmt.Sprintf("act_ids[%d]", i), qantar.KindAct, &r.ActIDs[i])
		}
		for i := range r.Participants {
			add(fmt.Sprintf("participants[%d].person_id", i), qantar.KindPerson, &r.Participants[i].PersonID)
		}
		for i := range r.Steps {
			add(fmt.Sprintf("steps[%d].source_id", i), qantar.KindSource, &r.Steps[i].SourceID)
		}
	case *qantar.Complaint:
		add("filer_id", qantar.KindPerson, &r.FilerID)
		add("addressee_id", qantar.KindUnit, &r.AddresseeID)
		add("case_id", qantar.KindCase, &r.CaseID)
		add("escalates_id", qantar.KindComplaint, &r.EscalatesID)
		for i := range r.Responses {
			add(fmt.Sprintf("responses[%d].source_id", i), qantar.KindSource, &r.Responses[i].SourceID)
		}
	case *qantar.Citation:
		k, _ := qantar.ParseKind(string(r.RecordKind))
		add("record_id", k, &r.RecordID)
		add("source_id", qantar.KindSource, &r.SourceID)
	case *qantar.Figure:
		add("claimant_id", qantar.KindUnit, &r.ClaimantID)
		add("place_id", qantar.KindPlace, &r.PlaceID)
		add("event_id", qantar.KindEvent, &r.EventID)
		add("source_id", qantar.KindSource, &r.SourceID)
	case *qantar.File:
		add("source_id", qantar.KindSource, &r.SourceID)
	}
	return out
}
