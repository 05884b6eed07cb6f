package report

import (
	"fmt"
	"sort"

	"github.com/qantar-project/qantar"
)

// IstanbulItems is the checklist asked of every act of torture or
// ill-treatment, in the order it is shown, as MinnesotaItems is for deaths.
// The questions follow the Istanbul Protocol: Manual on the Effective
// Investigation and Documentation of Torture and Other Cruel, Inhuman or
// Degrading Treatment or Punishment (OHCHR, 2022 revision, Professional
// Training Series No. 8/Rev.2): the medical and psychological evaluation
// (chapters V and VI), its independence, the documentation of injuries
// with photographs, the victim's account, and the complaint (chapter III).
// Answers are stored on the act (qantar.Act.Istanbul), each with its source.
var IstanbulItems = []Item{
	{"exam_requested", labels("A medical examination was requested")},
	{"exam_performed", labels("A medical examination was performed")},
	{"examiner_recorded", labels("Who examined the victim is recorded")},
	{"exam_prompt", labels("The examination took place promptly after the act")},
	{"injuries_documented", labels("The injuries were documented in writing")},
	{"injuries_photographed", labels("The injuries were photographed")},
	{"psychological_evaluation", labels("A psychological evaluation was made")},
	{"account_recorded", labels("The victim's account was recorded")},
	{"complaint_registered", labels("The complaint of torture was registered")},
	{"exam_independent", labels("The examination was independent of the authorities accused")},
}

// IsTortureAct reports whether the Istanbul Protocol checklist applies to
// an act of this type: torture, ill-treatment, or a death from torture.
func IsTortureAct(actType string) bool {
	switch actType {
	case "torture", "cruel_treatment", "death_from_torture":
		return true
	}
	return false
}

// CheckIstanbul checks that every answer names an Istanbul Protocol item
// (the act's own Validate checks the rest).
func CheckIstanbul(answers []qantar.ChecklistAnswer) error {
	for i, a := range answers {
		if !hasItem(IstanbulItems, a.Item) {
			codes := make([]string, len(IstanbulItems))
			for j, it := range IstanbulItems {
				codes[j] = it.Code
			}
			return qantar.FieldErrorf(fmt.Sprintf("istanbul[%d].item", i), "%q is not an Istanbul Protocol item (one of %v)", a.Item, codes)
		}
	}
	return nil
}

func hasItem(items []Item, code string) bool {
	for _, it := range items {
		if it.Code == code {
			return true
		}
	}
	return false
}

// States of an item for one act, by the rule CountMinnesota counts deaths
// with: only cited answers count; yes if some say yes and none no, no if
// some say no and none yes, disputed if they disagree, unknown otherwise.
const (
	StateYes      = "yes"
	StateNo       = "no"
	StateDisputed = "disputed"
	StateUnknown  = "unknown"
)

// ItemState is where one item stands for one act, with the sources of the
// answers that count.
type ItemState struct {
	Item    Item    `json:"item"`
	State   string  `json:"state"`
	Sources []int64 `json:"sources,omitempty"`
}

// ItemStates answers each item of a checklist for one act from its answers.
func ItemStates(items []Item, answers []qantar.ChecklistAnswer) []ItemState {
	out := make([]ItemState, len(items))
	for i, it := range items {
		var yes, no bool
		seen := map[int64]bool{}
		var sources []int64
		for _, a := range answers {
			if a.Item != it.Code || a.SourceID == 0 {
				continue
			}
			switch a.Answer {
			case AnswerYes:
				yes = true
			case AnswerNo:
				no = true
			default:
				continue
			}
			if !seen[a.SourceID] {
				seen[a.SourceID] = true
				sources = append(sources, a.SourceID)
			}
		}
		sort.Slice(sources, func(a, b int) bool { return sources[a] < sources[b] })
		state := StateUnknown
		switch {
		case yes && no:
			state = StateDisputed
		case yes:
			state = StateYes
		case no:
			state = StateNo
		}
		out[i] = ItemState{Item: it, State: state, Sources: sources}
	}
	return out
}

// Closure is a termination of a case about the act.
type Closure struct {
	CaseID int64       `json:"case_id"`
	Number string      `json:"number"`
	Date   qantar.Date `json:"date"`
	Ground string      `json:"ground,omitempty"`
}

// Sufficiency is the evidence on one act of torture or ill-treatment set
// against the closures of the cases about it: what the record holds
// (Documented: items answered yes, with their sources), what was not done
// (NotDone: answered no), what nobody has answered with a source (Missing),
// and each closure. A closure "for lack of evidence" ignored the
// documented items: their sources contradict it.
type Sufficiency struct {
	ActID      int64       `json:"act_id"`
	Items      []ItemState `json:"items"`
	Documented []ItemState `json:"documented"`
	NotDone    []ItemState `json:"not_done"`
	Disputed   []ItemState `json:"disputed"`
	Missing    []ItemState `json:"missing"`
	Closures   []Closure   `json:"closures"`
}

// EvidenceSufficiency computes the sufficiency view of an act from its
// Istanbul answers and the cases that name it. The act and cases are as the
// reader sees them (their projections).
func EvidenceSufficiency(act *qantar.Act, cases []*qantar.Case) Sufficiency {
	s := Sufficiency{ActID: act.ID, Items: ItemStates(IstanbulItems, act.Istanbul)}
	for _, st := range s.Items {
		switch st.State {
		case StateYes:
			s.Documented = append(s.Documented, st)
		case StateNo:
			s.NotDone = append(s.NotDone, st)
		case StateDisputed:
			s.Disputed = append(s.Disputed, st)
		default:
			s.Missing = append(s.Missing, st)
		}
	}
	for _, c := range cases {
		if !namesAct(c, act.ID) {
			continue
		}
		for _, step := range c.Steps {
			if step.Step == "terminated" {
				s.Closures = append(s.Closures, Closure{CaseID: c.ID, Number: c.Number, Date: step.Date, Ground: step.Ground})
			}
		}
	}
	return s
}

func namesAct(c *qantar.Case, actID int64) bool {
	for _, id := range c.ActIDs {
		if id == actID {
			return true
		}
	}
	return false
}
