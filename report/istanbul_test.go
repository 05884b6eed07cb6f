package report

import (
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

// A synthetic act of torture with three of ten items answered with a
// source (two yes, one no), one answered without a source (not counted),
// and a case about it terminated.
func syntheticTorture() (*qantar.Act, []*qantar.Case) {
	act := &qantar.Act{Meta: qantar.Meta{ID: 7}, VictimID: 1, ActType: "torture", Istanbul: []qantar.ChecklistAnswer{
		{Item: "exam_requested", Answer: "yes", SourceID: 3},
		{Item: "injuries_photographed", Answer: "yes", SourceID: 4},
		{Item: "injuries_photographed", Answer: "yes", SourceID: 3},
		{Item: "exam_independent", Answer: "no", SourceID: 5},
		{Item: "account_recorded", Answer: "yes"},
	}}
	cases := []*qantar.Case{
		{Meta: qantar.Meta{ID: 2}, Number: "SYN-1", ActIDs: []int64{7}, Steps: []qantar.CaseEvent{
			{Step: "registered", Date: qantar.MustDate("2022-01-20")},
			{Step: "terminated", Date: qantar.MustDate("2022-06-15"), Ground: "cpc-35-1-2"}}},
		{Meta: qantar.Meta{ID: 3}, Number: "SYN-2", ActIDs: []int64{8}, Steps: []qantar.CaseEvent{
			{Step: "terminated", Date: qantar.MustDate("2022-03-01")}}},
	}
	return act, cases
}

func TestEvidenceSufficiencyListsTheSevenMissing(t *testing.T) {
	act, cases := syntheticTorture()
	s := EvidenceSufficiency(act, cases)
	if len(s.Items) != 10 || len(IstanbulItems) != 10 {
		t.Fatalf("%d items, want the ten of the checklist", len(s.Items))
	}
	answered := map[string]bool{"exam_requested": true, "injuries_photographed": true, "exam_independent": true}
	if len(s.Missing) != 7 {
		t.Fatalf("missing %d items, want 7: %v", len(s.Missing), s.Missing)
	}
	for _, m := range s.Missing {
		if answered[m.Item.Code] {
			t.Errorf("%s was answered with a source but is listed as missing", m.Item.Code)
		}
	}
	if len(s.Documented) != 2 || s.Documented[1].Item.Code != "injuries_photographed" || len(s.Documented[1].Sources) != 2 || s.Documented[1].Sources[0] != 3 {
		t.Errorf("documented = %+v, want exam_requested and injuries_photographed (sources 3, 4)", s.Documented)
	}
	if len(s.NotDone) != 1 || s.NotDone[0].Item.Code != "exam_independent" {
		t.Errorf("not done = %+v", s.NotDone)
	}
	if len(s.Closures) != 1 || s.Closures[0].Number != "SYN-1" || s.Closures[0].Ground != "cpc-35-1-2" {
		t.Errorf("closures = %+v, want SYN-1's termination only (SYN-2 is about another act)", s.Closures)
	}
	// A source that says no beside one that says yes: disputed.
	act.Istanbul = append(act.Istanbul, qantar.ChecklistAnswer{Item: "exam_requested", Answer: "no", SourceID: 9})
	if st := ItemStates(IstanbulItems, act.Istanbul)[0]; st.State != StateDisputed {
		t.Errorf("exam_requested with yes and no = %s, want disputed", st.State)
	}
}

func TestIstanbulItemsLabelledInEveryLanguage(t *testing.T) {
	seen := map[string]bool{}
	for _, it := range IstanbulItems {
		if seen[it.Code] {
			t.Errorf("%s twice", it.Code)
		}
		seen[it.Code] = true
		if it.Labels.EN == "" || it.Labels.RU == "" || it.Labels.KK == "" || it.Labels.RU == it.Labels.EN || it.Labels.KK == it.Labels.EN {
			t.Errorf("%s labels %+v: not translated", it.Code, it.Labels)
		}
	}
}

func TestIstanbulAnswersChecked(t *testing.T) {
	if err := CheckIstanbul([]qantar.ChecklistAnswer{{Item: "autopsy_performed", Answer: "yes"}}); err == nil || !strings.Contains(err.Error(), "istanbul[0].item") {
		t.Errorf("a Minnesota item on the Istanbul checklist: %v", err)
	}
	if err := CheckIstanbul([]qantar.ChecklistAnswer{{Item: "exam_prompt", Answer: "no", SourceID: 1}}); err != nil {
		t.Error(err)
	}
	a := &qantar.Act{VictimID: 1, ActType: "torture", Istanbul: []qantar.ChecklistAnswer{{Item: "exam_prompt", Answer: "maybe"}}}
	if err := a.Validate(); err == nil || !strings.Contains(err.Error(), "istanbul[0].answer") {
		t.Errorf("Validate of answer maybe: %v", err)
	}
	a.Istanbul[0] = qantar.ChecklistAnswer{Item: "exam_prompt", Answer: "yes", SourceID: 4, Note: "synthetic note"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if refs := a.Refs(); len(refs) != 2 || refs[1].Field != "istanbul[0].source_id" {
		t.Errorf("refs = %+v, want the victim and the Istanbul answer's source", refs)
	}
	// A reader who may not see the victim does not see the answers' notes.
	hidden := &qantar.Person{Meta: qantar.Meta{ID: 1}, Names: []qantar.Name{{Value: "Synthetic"}}, Protection: qantar.Restricted}
	resolve := func(qantar.Kind, int64) (qantar.Record, error) { return hidden, nil }
	p := qantar.Project(qantar.Anonymous, a, resolve).(*qantar.Act)
	if p.Istanbul[0].Note != "" || a.Istanbul[0].Note == "" || p.Istanbul[0].Answer != "yes" {
		t.Errorf("projected answer %+v (the record's own %+v)", p.Istanbul[0], a.Istanbul[0])
	}
}

func TestIsTortureAct(t *testing.T) {
	for typ, want := range map[string]bool{"torture": true, "cruel_treatment": true, "death_from_torture": true, "killing_crowd_control": false, "arbitrary_detention": false} {
		if IsTortureAct(typ) != want {
			t.Errorf("IsTortureAct(%s) = %v", typ, !want)
		}
	}
}
