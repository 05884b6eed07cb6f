package law

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// TestRulesSpeakKazakhAndRussian: every text of the embedded rules that a
// page or a filing shows (labels, legal basis, notes, starting events,
// editions, counting rules) has Kazakh and Russian words of its own, never
// the English copied, and no bare status code such as [V].
func TestRulesSpeakKazakhAndRussian(t *testing.T) {
	r := Default()
	for _, p := range r.TranslationProblems() {
		t.Error(p)
	}
	checked := 0
	each(r, func(path string, l Labels) {
		checked++
		for _, lang := range []struct{ code, text string }{{"kk", l.KK}, {"ru", l.RU}} {
			if lang.text == l.EN {
				t.Errorf("%s: the %s text is the English %q", path, lang.code, l.EN)
			}
			for _, code := range []string{"[V]", "[P]", "[U]"} {
				if strings.Contains(lang.text, code) || strings.Contains(l.EN, code) {
					t.Errorf("%s (%s): %q shows the code %s instead of words", path, lang.code, lang.text, code)
				}
			}
		}
	})
	// 7 kinds, 20 grounds and 16 articles, each with labels and basis.
	if checked < 2*(7+20+16) {
		t.Errorf("only %d texts checked: has the rules file lost entries?", checked)
	}
}

// each calls f with every text of the complaint kinds, the grounds and
// the articles.
func each(r *Rules, f func(path string, l Labels)) {
	opt := func(path string, l Labels) {
		if !l.IsEmpty() {
			f(path, l)
		}
	}
	limit := func(path string, l *Limit) {
		if l == nil {
			return
		}
		f(path+".from", l.From)
		f(path+".basis", l.Basis)
		opt(path+".note", l.Note)
		if l.Edition != nil {
			f(path+".edition.text", l.Edition.Text)
			opt(path+".edition.note", l.Edition.Note)
		}
	}
	for _, k := range r.ComplaintKinds {
		f(k.Code+".labels", k.Labels)
		f(k.Code+".basis", k.Basis)
		opt(k.Code+".note", k.Note)
		limit(k.Code+".limit", k.Limit)
		limit(k.Code+".extension", k.Extension)
		limit(k.Code+".filing_limit", k.FilingLimit)
	}
	for _, list := range [][]Entry{r.TerminationGrounds, r.InterruptionGrounds, r.Articles} {
		for _, e := range list {
			f(e.Code+".labels", e.Labels)
			f(e.Code+".basis", e.Basis)
			opt(e.Code+".note", e.Note)
		}
	}
	for _, c := range r.CountingRules {
		f(c.Code+".description", c.Description)
		f(c.Code+".basis", c.Basis)
	}
}

// TestCitationsInEachLanguagesStyle: a provision is cited the way a lawyer
// of each language writes it.
func TestCitationsInEachLanguagesStyle(t *testing.T) {
	r := Default()
	k, _ := r.Kind("cpc-105")
	g, _ := r.Ground(ListInterruption, "cpc-45-7-1")
	for _, tc := range []struct {
		got  Labels
		lang string
		want string
	}{
		{k.Limit.Basis, "ru", "ч. 2 ст. 105 УПК РК"},
		{k.Limit.Basis, "kk", "ҚР ҚПК 105-бабының 2-бөлігі"},
		{k.Limit.Basis, "en", "CPC art. 105 p.2"},
		{g.Basis, "ru", "п. 1 ч. 7 ст. 45 УПК РК"},
		{g.Basis, "kk", "ҚР ҚПК 45-бабы 7-бөлігінің 1-тармағы"},
	} {
		if got := tc.got.In(tc.lang); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.lang, got, tc.want)
		}
	}
}

// TestDeadlineSaysItsNotesInTheReadersLanguage: a deadline's basis and
// notes, computed once, read in Russian with the rules' Russian in them.
func TestDeadlineSaysItsNotesInTheReadersLanguage(t *testing.T) {
	r := Default()
	d, err := r.Deadline("cpc-105", time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if d.Verified || len(d.Notes) == 0 {
		t.Fatalf("a cpc-105 deadline of 2023 should be flagged, got verified %v notes %v", d.Verified, d.Notes)
	}
	if got := d.Basis.In("ru"); got != "ч. 2 ст. 105 УПК РК" {
		t.Errorf("basis in ru = %q", got)
	}
	ru := strings.Join(NotesIn("ru", d.Notes), " ")
	if !strings.Contains(ru, "ч. 2 ст. 105 УПК РК") || !strings.Contains(ru, "срок не проверен") {
		t.Errorf("ru notes %q do not say the Russian basis and the unverified limit in Russian", ru)
	}
	kk := strings.Join(NotesIn("kk", d.Notes), " ")
	if !strings.Contains(kk, "ҚР ҚПК 105-бабының 2-бөлігі") || strings.Contains(kk, "not verified") {
		t.Errorf("kk notes %q", kk)
	}
	if en := fmt.Sprint(d.Notes); !strings.Contains(en, "the time limit is not verified") {
		t.Errorf("en notes %q", en)
	}
	b, err := d.MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"basis":"CPC art. 105 p.2"`) || !strings.Contains(string(b), `"notes":["the text of CPC art. 105 p.2`) {
		t.Errorf("JSON %s (%v): programs read the English", b, err)
	}
}

// TestPlainStringTextsLoadAndAreReported: a rules file that gives a text
// as a plain string (English) still loads, and the check names each text a
// Kazakh or Russian reader would see in English; a language the texts do
// not have is refused with its line.
func TestPlainStringTextsLoadAndAreReported(t *testing.T) {
	r, err := Load(strings.NewReader(minimalRules))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := r.Kind("quick")
	if k.Basis.In("ru") != "art. 1" {
		t.Errorf("a plain basis is the English fallback, got %q", k.Basis.In("ru"))
	}
	got := fmt.Sprint(r.TranslationProblems())
	for _, want := range []string{"complaint_kinds[0].basis (quick): has no kk or ru text", "complaint_kinds[0].limit.from", "termination_grounds[0].labels (t1)", "counting_rules[0].description"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not name %s:\n%s", want, got)
		}
	}
	translated := strings.Replace(minimalRules, `"basis": "art. 3"`, `"basis": {"kk": "3-бап", "ru": "ст. 3", "en": "art. 3"}`, 1)
	r, err = Load(strings.NewReader(translated))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fmt.Sprint(r.TranslationProblems()), "termination_grounds[0].basis") {
		t.Error("a translated basis is reported")
	}
	if g, _ := r.Ground(ListTermination, "t1"); g.Basis.In("kk") != "3-бап" {
		t.Errorf("kk basis %q", g.Basis.In("kk"))
	}
	bad := strings.Replace(minimalRules, `"basis": "art. 3"`, `"basis": {"de": "Art. 3", "en": "art. 3"}`, 1)
	_, err = Load(strings.NewReader(bad))
	if err == nil || !strings.Contains(err.Error(), `termination_grounds[0].basis.de: unknown field "de"`) || !strings.Contains(err.Error(), "line ") {
		t.Errorf("an unknown language: %v", err)
	}
	if !qantarInvalid(err) {
		t.Errorf("%v is not an invalid-input error", err)
	}
}

func qantarInvalid(err error) bool { return qantar.ErrorCode(err) == qantar.EINVALID }
