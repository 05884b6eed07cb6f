package report

import (
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/locale"
)

// Item is one question of the Minnesota Protocol checklist, asked of every
// death. The questions follow the Minnesota Protocol on the Investigation of
// Potentially Unlawful Death (2016, OHCHR): an investigation must be prompt,
// effective and thorough, independent and impartial, and transparent, and
// the family must be able to take part in it.
type Item struct {
	Code   string     `json:"code"`
	Labels law.Labels `json:"labels"`
}

// MinnesotaItems lists the checklist in the order it is shown.
var MinnesotaItems = []Item{
	{"investigation_prompt", labels("An investigation was opened promptly")},
	{"autopsy_performed", labels("An autopsy was performed")},
	{"autopsy_report_to_family", labels("The autopsy report was given to the family")},
	{"remains_returned", labels("The body was returned to the family")},
	{"family_victim_status", labels("The family was recognised as victims in the case")},
	{"family_informed", labels("The family was informed of progress")},
	{"independent_body", labels("Investigated by a body independent of the units involved")},
	{"perpetrators_identified", labels("The perpetrators were identified")},
	{"command_examined", labels("The chain of command was examined")},
	{"findings_public", labels("The findings were made public")},
}

// labels gives a catalogue key's text in kk, ru and en, for the JSON answers
// that carry all three.
func labels(key string) law.Labels {
	return law.Labels{EN: locale.For("en").S(key), RU: locale.For("ru").S(key), KK: locale.For("kk").S(key)}
}

// Answers to a checklist item.
const (
	AnswerYes     = "yes"
	AnswerNo      = "no"
	AnswerUnknown = "unknown"
)

// Answer is one cited answer to one item for one act: the proposed storage
// is a "minnesota" list of answers on the Act. An answer without a source is
// a draft and is not counted.
type Answer struct {
	Item     string `json:"item"`
	Answer   string `json:"answer"`
	SourceID int64  `json:"source_id"`
	Note     string `json:"note,omitempty"`
}

// Validate checks an answer on its own, naming the field at fault.
func (a Answer) Validate() error {
	if !isItem(a.Item) {
		codes := make([]string, len(MinnesotaItems))
		for i, it := range MinnesotaItems {
			codes[i] = it.Code
		}
		return qantar.FieldErrorf("item", "%q is not a Minnesota Protocol item (one of %v)", a.Item, codes)
	}
	switch a.Answer {
	case AnswerYes, AnswerNo, AnswerUnknown:
	default:
		return qantar.FieldErrorf("answer", "%q is not yes, no or unknown", a.Answer)
	}
	if a.SourceID < 0 {
		return qantar.FieldErrorf("source_id", "must be a positive id")
	}
	if len(a.Note) > qantar.MaxLong {
		return qantar.FieldErrorf("note", "is longer than %d characters", qantar.MaxLong)
	}
	return nil
}

func isItem(code string) bool {
	for _, it := range MinnesotaItems {
		if it.Code == code {
			return true
		}
	}
	return false
}

// ItemCount says how many deaths meet one item. A death counts once per item,
// from the cited answers on any of its killing acts: Yes if some say yes and
// none no; No if some say no and none yes; Disputed if sources disagree;
// Unknown if no cited yes or no.
type ItemCount struct {
	Item     string     `json:"item"`
	Labels   law.Labels `json:"labels"`
	Yes      int        `json:"yes"`
	No       int        `json:"no"`
	Disputed int        `json:"disputed"`
	Unknown  int        `json:"unknown"`
}

// CountMinnesota counts, for each item, the deaths that meet it. deaths maps
// each victim to their killing acts; answers holds the answers by act id.
func CountMinnesota(deaths map[int64][]int64, answers map[int64][]Answer) []ItemCount {
	out := make([]ItemCount, len(MinnesotaItems))
	for i, it := range MinnesotaItems {
		out[i] = ItemCount{Item: it.Code, Labels: it.Labels}
	}
	for _, acts := range deaths {
		var all []qantar.ChecklistAnswer // every act of the death answers for it
		for _, act := range acts {
			for _, a := range answers[act] {
				all = append(all, qantar.ChecklistAnswer(a))
			}
		}
		for i, st := range ItemStates(MinnesotaItems, all) {
			switch st.State {
			case StateDisputed:
				out[i].Disputed++
			case StateYes:
				out[i].Yes++
			case StateNo:
				out[i].No++
			default:
				out[i].Unknown++
			}
		}
	}
	return out
}

// String writes an item count for logs and tests.
func (c ItemCount) String() string {
	return fmt.Sprintf("%s: yes %d, no %d, disputed %d, unknown %d", c.Item, c.Yes, c.No, c.Disputed, c.Unknown)
}
