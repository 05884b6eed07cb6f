package filing

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/report"
)

// PersonFile is everything a dossier on one person says, every record as
// the reader sees it: the person (a placeholder when hidden from the
// reader), their acts, the cases about those acts or with them as a
// participant, the complaints in those cases or filed by them, the
// citations of all these, the sources cited, and where each source's
// current version stands in the log.
type PersonFile struct {
	Person     *qantar.Person
	Hidden     bool // the reader may not see the person: the dossier does not name them
	Acts       []*qantar.Act
	Cases      []*qantar.Case
	Complaints []*qantar.Complaint
	Citations  []*qantar.Citation
	Persons    map[int64]*qantar.Person
	Units      map[int64]*qantar.Unit
	Sources    map[int64]*qantar.Source
	// Leaves holds the log leaf index of each source's current version;
	// Log is the latest checkpoint (nil when the store does not say it).
	Leaves map[int64]int64
	Log    *qantar.LogPoint
	// Withheld lists the kinds of which the projection withheld something
	// from this reader (what the dossier says is confidential).
	Withheld map[qantar.Kind]bool
}

// LoadPerson reads what a dossier on a person needs, as actor sees it.
func LoadPerson(ctx context.Context, st qantar.Store, actor qantar.Actor, id int64, lang string) (*PersonFile, error) {
	r := newReader(ctx, st, actor)
	pf := &PersonFile{Persons: map[int64]*qantar.Person{}, Units: map[int64]*qantar.Unit{}, Sources: map[int64]*qantar.Source{},
		Leaves: map[int64]int64{}, Withheld: map[qantar.Kind]bool{}}
	raw, err := r.resolve(qantar.KindPerson, id)
	if qantar.ErrorCode(err) == qantar.ENOTFOUND {
		return nil, notFound(lang, "There is no person %d", id)
	}
	if err != nil {
		return nil, err
	}
	pf.Person = r.project(raw).(*qantar.Person)
	pf.Hidden = qantar.IsPlaceholder(pf.Person)
	pf.Persons[id] = pf.Person
	ids := strconv.FormatInt(id, 10)
	if err := pf.loadRecords(r, id, ids); err != nil {
		return nil, err
	}
	for k := range r.changed {
		pf.Withheld[k] = true
	}
	if err := pf.loadLog(ctx, st); err != nil {
		return nil, err
	}
	return pf, nil
}

// loadRecords reads the person's acts, cases, complaints, citations and
// the persons, units and sources they name.
func (pf *PersonFile) loadRecords(r *reader, id int64, ids string) error {
	acts, err := r.list(qantar.KindAct, map[string]string{"victim_id": ids})
	if err != nil {
		return err
	}
	actIDs := map[int64]bool{}
	for _, a := range acts {
		pf.Acts = append(pf.Acts, a.(*qantar.Act))
		actIDs[a.GetMeta().ID] = true
	}
	cases, err := r.list(qantar.KindCase, nil)
	if err != nil {
		return err
	}
	caseIDs := map[int64]bool{}
	for _, rec := range cases {
		if c := rec.(*qantar.Case); caseAbout(c, id, actIDs) {
			pf.Cases = append(pf.Cases, c)
			caseIDs[c.ID] = true
		}
	}
	complaints, err := r.list(qantar.KindComplaint, nil)
	if err != nil {
		return err
	}
	for _, rec := range complaints {
		if c := rec.(*qantar.Complaint); c.FilerID == id || caseIDs[c.CaseID] {
			pf.Complaints = append(pf.Complaints, c)
		}
	}
	sort.SliceStable(pf.Complaints, func(i, j int) bool { return pf.Complaints[i].FiledOn.Before(pf.Complaints[j].FiledOn) })
	if err := pf.loadCitations(r, id); err != nil {
		return err
	}
	pf.loadNamed(r)
	return nil
}

func caseAbout(c *qantar.Case, person int64, acts map[int64]bool) bool {
	for _, a := range c.ActIDs {
		if acts[a] {
			return true
		}
	}
	for _, p := range c.Participants {
		if p.PersonID == person {
			return true
		}
	}
	return false
}

// loadCitations reads the citations of the person and of their records.
func (pf *PersonFile) loadCitations(r *reader, id int64) error {
	type key struct {
		kind qantar.Kind
		id   int64
	}
	keys := []key{{qantar.KindPerson, id}}
	for _, a := range pf.Acts {
		keys = append(keys, key{qantar.KindAct, a.ID})
	}
	for _, c := range pf.Cases {
		keys = append(keys, key{qantar.KindCase, c.ID})
	}
	for _, c := range pf.Complaints {
		keys = append(keys, key{qantar.KindComplaint, c.ID})
	}
	for _, k := range keys {
		recs, err := r.list(qantar.KindCitation, map[string]string{"record_kind": string(k.kind), "record_id": strconv.FormatInt(k.id, 10)})
		if err != nil {
			return err
		}
		for _, rec := range recs {
			pf.Citations = append(pf.Citations, rec.(*qantar.Citation))
		}
	}
	return nil
}

// loadNamed reads the persons, units and sources the records name.
func (pf *PersonFile) loadNamed(r *reader) {
	for _, a := range pf.Acts {
		for _, m := range append(append([]qantar.ChecklistAnswer(nil), a.Istanbul...), a.Minnesota...) {
			r.source(pf.Sources, m.SourceID)
		}
	}
	for _, c := range pf.Cases {
		for _, p := range c.Participants {
			r.person(pf.Persons, p.PersonID)
		}
		for _, s := range c.Steps {
			r.source(pf.Sources, s.SourceID)
		}
		if c.AuthorityID != 0 && pf.Units[c.AuthorityID] == nil {
			if u, err := r.get(qantar.KindUnit, c.AuthorityID); err == nil {
				pf.Units[c.AuthorityID] = u.(*qantar.Unit)
			}
		}
	}
	for _, c := range pf.Complaints {
		if c.AddresseeID != 0 && pf.Units[c.AddresseeID] == nil {
			if u, err := r.get(qantar.KindUnit, c.AddresseeID); err == nil {
				pf.Units[c.AddresseeID] = u.(*qantar.Unit)
			}
		}
		for _, resp := range c.Responses {
			r.source(pf.Sources, resp.SourceID)
		}
	}
	for _, c := range pf.Citations {
		r.source(pf.Sources, c.SourceID)
	}
}

// loadLog finds the leaf of each source's current version and the latest
// checkpoint, which holds every leaf below its size.
func (pf *PersonFile) loadLog(ctx context.Context, st qantar.Store) error {
	for id, s := range pf.Sources {
		versions, err := st.History(ctx, qantar.KindSource, id)
		if err != nil {
			return err
		}
		for _, v := range versions {
			if v.Version == s.Version && v.LeafIndex != nil {
				pf.Leaves[id] = *v.LeafIndex
			}
		}
	}
	if at, ok := st.(qantar.AtReader); ok {
		lp, err := at.LogAt(ctx, -1)
		if err != nil {
			return err
		}
		pf.Log = &lp
	}
	return nil
}

// DossierOptions says the dossier's language, its date and the rules its
// complaints' deadlines are counted with.
type DossierOptions struct {
	Lang  string
	Today time.Time
	Rules *law.Registry
}

// MakeDossier writes the dossier on a person, in the order of the parts of
// the UN treaty bodies' model communication form (OHCHR Fact Sheet No.
// 7/Rev.2, annex; see docs/FILINGS.md): the alleged victim, the State
// party, the facts in order of date, the exhaustion of domestic remedies,
// the Istanbul and Minnesota Protocol checklists, what is confidential, and
// the annexes, each source with its SHA-256 and the log checkpoint that
// holds it.
func MakeDossier(pf *PersonFile, o DossierOptions) (*Document, error) {
	if o.Rules == nil {
		o.Rules = law.DefaultRegistry()
	}
	d := &dossier{pf: pf, o: o, doc: &Document{Lang: o.Lang}, annex: map[int64]string{}}
	d.numberSources()
	d.doc.Title = d.s("Dossier for an individual communication: %s", d.name(pf.Person.ID))
	d.doc.add(StyleTitle, "%s", d.doc.Title)
	d.doc.add(StyleNote, "%s", d.s("Prepared by Qantar on %s from the records as this reader may see them.", o.Today.Format(time.DateOnly)))
	d.victim()
	if err := d.state(); err != nil {
		return nil, err
	}
	d.facts()
	d.remedies()
	d.checklists()
	d.confidential()
	d.annexes()
	return d.doc, nil
}

type dossier struct {
	pf    *PersonFile
	o     DossierOptions
	doc   *Document
	annex map[int64]string // source id → "A-n"
	order []int64
}

func (d *dossier) s(key string, args ...any) string { return msg(d.o.Lang, key, args...) }

func (d *dossier) numberSources() {
	for id := range d.pf.Sources {
		d.order = append(d.order, id)
	}
	sort.Slice(d.order, func(i, j int) bool { return d.order[i] < d.order[j] })
	for i, id := range d.order {
		d.annex[id] = "A-" + strconv.Itoa(i+1)
	}
}

// cite says the annexes of sources, " [A-1, A-3]", or nothing.
func (d *dossier) cite(ids ...int64) string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if a := d.annex[id]; a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " [" + strings.Join(out, ", ") + "]"
}

func (d *dossier) name(id int64) string {
	p := d.pf.Persons[id]
	if p == nil || qantar.IsPlaceholder(p) {
		return d.s("Protected person")
	}
	if n := p.NameIn(d.o.Lang); n != "" {
		return n
	}
	return p.PrimaryName()
}

func (d *dossier) term(vocab, code string) string {
	if t, ok := qantar.LookupTerm(vocab, code); ok {
		return t.Label(d.o.Lang)
	}
	return code
}

func (d *dossier) text(t qantar.Text) string { s, _ := t.In(d.o.Lang); return s }

func (d *dossier) date(x qantar.Date) string {
	if x.IsZero() {
		return d.s("date not recorded")
	}
	return x.String()
}

func (d *dossier) victim() {
	p := d.pf.Person
	d.doc.add(StyleHeading, "%s", d.s("1. The alleged victim"))
	d.doc.add(StylePara, "%s", d.s("Name: %s", d.name(p.ID)))
	if d.pf.Hidden {
		d.doc.add(StylePara, "%s", d.s("This person is protected: this dossier does not name them, and what describes them is withheld."))
		return
	}
	if !p.BirthDate.IsZero() {
		d.doc.add(StylePara, "%s", d.s("Date of birth: %s", p.BirthDate.String()))
	}
	if p.Sex != "" {
		d.doc.add(StylePara, "%s", d.s("Sex: %s", d.term("sex", p.Sex)))
	}
	if desc := d.text(p.Description); desc != "" {
		d.doc.add(StylePara, "%s", desc)
	}
}

func (d *dossier) state() error {
	rules, err := d.o.Rules.Get("")
	if err != nil {
		return err
	}
	d.doc.add(StyleHeading, "%s", d.s("2. The State party"))
	d.doc.add(StylePara, "%s", rules.Name.In(d.o.Lang))
	return nil
}

// entry is one dated line of the chronology.
type entry struct {
	date qantar.Date
	text string
}

func (d *dossier) facts() {
	var es []entry
	for _, a := range d.pf.Acts {
		text := d.term("act_type", a.ActType)
		if desc := d.text(a.Description); desc != "" {
			text += ": " + desc
		}
		es = append(es, entry{a.Date, text + d.cite(d.citedBy(qantar.KindAct, a.ID)...)})
	}
	for _, c := range d.pf.Cases {
		for _, s := range c.Steps {
			es = append(es, entry{s.Date, d.s("Case No. %s: %s", c.Number, d.term("case_step", s.Step)+d.ground(c, s)) + d.cite(s.SourceID)})
		}
	}
	for _, c := range d.pf.Complaints {
		es = append(es, entry{c.FiledOn, d.s("Complaint filed: %s", d.kindLabel(c)) + d.cite(d.citedBy(qantar.KindComplaint, c.ID)...)})
		for _, r := range c.Responses {
			es = append(es, entry{r.ReceivedOn, d.s("Answer to the complaint of %s: %s", c.FiledOn.String(), d.term("response_outcome", r.Outcome)) + d.cite(r.SourceID)})
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].date.IsZero() != es[j].date.IsZero() {
			return !es[i].date.IsZero()
		}
		return es[i].date.Before(es[j].date)
	})
	d.doc.add(StyleHeading, "%s", d.s("3. The facts, in order of date"))
	if len(es) == 0 {
		d.doc.add(StylePara, "%s", d.s("The records hold no act, case or complaint about this person."))
	}
	for _, e := range es {
		d.doc.add(StyleItem, "%s: %s", d.date(e.date), e.text)
	}
}

// citedBy lists the sources that citations of kind/id cite.
func (d *dossier) citedBy(kind qantar.Kind, id int64) []int64 {
	var out []int64
	for _, c := range d.pf.Citations {
		if c.RecordKind == kind && c.RecordID == id {
			out = append(out, c.SourceID)
		}
	}
	return out
}

func (d *dossier) rulesOf(jurisdiction string) *law.Rules {
	r, err := d.o.Rules.Get(jurisdiction)
	if err != nil {
		return nil
	}
	return r
}

func (d *dossier) ground(c *qantar.Case, s qantar.CaseEvent) string {
	if s.Ground == "" {
		return ""
	}
	list := map[string]string{"terminated": law.ListTermination, "interrupted": law.ListInterruption}[s.Step]
	if r := d.rulesOf(c.Jurisdiction); r != nil {
		if e, ok := r.Ground(list, s.Ground); ok {
			return " (" + e.Labels.In(d.o.Lang) + ", " + e.Basis.In(d.o.Lang) + ")"
		}
	}
	return " (" + s.Ground + ")"
}

func (d *dossier) kindLabel(c *qantar.Complaint) string {
	if r := d.rulesOf(c.Jurisdiction); r != nil {
		if k, ok := r.Kind(c.ComplaintKind); ok {
			return k.Labels.In(d.o.Lang)
		}
	}
	return c.ComplaintKind
}

// remedies lists every complaint with its deadline and where it stands
// (law.Registry.Status: the one place deadlines are counted), then each
// case's last step.
func (d *dossier) remedies() {
	d.doc.add(StyleHeading, "%s", d.s("4. Exhaustion of domestic remedies"))
	if len(d.pf.Complaints) == 0 {
		d.doc.add(StylePara, "%s", d.s("The records hold no complaint in these cases."))
	}
	for _, c := range d.pf.Complaints {
		line := d.s("%s, filed %s", d.kindLabel(c), c.FiledOn.String())
		if u := d.pf.Units[c.AddresseeID]; u != nil {
			line += "; " + d.s("addressee: %s", d.text(u.Name))
		}
		if st, err := d.o.Rules.Status(c, d.o.Today); err == nil {
			line += "; " + d.s("answer due by %s (%s)", st.Deadline.Date.Format(time.DateOnly), st.Deadline.Basis.In(d.o.Lang))
			line += "; " + d.s(statusKey[st.Status])
			if !st.Deadline.Verified {
				line += " " + d.s("(deadline unverified)")
			}
		}
		if n := len(c.Responses); n > 0 {
			r := c.Responses[n-1]
			line += "; " + d.s("last answer %s: %s", r.ReceivedOn.String(), d.term("response_outcome", r.Outcome))
		}
		d.doc.add(StyleItem, "%s", line+d.cite(d.responseSources(c)...))
	}
	for _, c := range d.pf.Cases {
		if n := len(c.Steps); n > 0 {
			s := c.Steps[n-1]
			d.doc.add(StylePara, "%s", d.s("Case No. %s stands at: %s, %s", c.Number, d.term("case_step", s.Step)+d.ground(c, s), d.date(s.Date)))
		}
	}
}

var statusKey = map[string]string{
	law.StatusPending:        "status: pending",
	law.StatusOverdue:        "status: overdue, no answer",
	law.StatusAnsweredInTime: "status: answered in time",
	law.StatusAnsweredLate:   "status: answered late",
}

func (d *dossier) responseSources(c *qantar.Complaint) []int64 {
	var out []int64
	for _, r := range c.Responses {
		out = append(out, r.SourceID)
	}
	return out
}

// checklists gives the Istanbul Protocol items of each act of torture or
// ill-treatment, with what a closure ignored, and the Minnesota Protocol
// items of each killing.
func (d *dossier) checklists() {
	d.doc.add(StyleHeading, "%s", d.s("5. Istanbul and Minnesota Protocol checklists"))
	n := 0
	for _, a := range d.pf.Acts {
		if report.IsTortureAct(a.ActType) {
			n++
			d.istanbul(a)
		}
		if a.IsKilling() {
			n++
			d.doc.add(StylePara, "%s", d.s("Minnesota Protocol, act of %s (%s):", d.date(a.Date), d.term("act_type", a.ActType)))
			for _, st := range report.ItemStates(report.MinnesotaItems, a.Minnesota) {
				d.doc.add(StyleItem, "%s: %s%s", st.Item.Labels.In(d.o.Lang), d.s(stateKey[st.State]), d.cite(st.Sources...))
			}
		}
	}
	if n == 0 {
		d.doc.add(StylePara, "%s", d.s("No act of this person calls for a protocol checklist."))
	}
}

var stateKey = map[string]string{
	report.StateYes:      "answer: yes",
	report.StateNo:       "answer: no",
	report.StateDisputed: "answer: disputed",
	report.StateUnknown:  "answer: not answered with a source",
}

func (d *dossier) istanbul(a *qantar.Act) {
	suf := report.EvidenceSufficiency(a, d.pf.Cases)
	d.doc.add(StylePara, "%s", d.s("Istanbul Protocol, act of %s (%s):", d.date(a.Date), d.term("act_type", a.ActType)))
	for _, st := range suf.Items {
		d.doc.add(StyleItem, "%s: %s%s", st.Item.Labels.In(d.o.Lang), d.s(stateKey[st.State]), d.cite(st.Sources...))
	}
	answered := len(suf.Items) - len(suf.Missing)
	d.doc.add(StylePara, "%s", d.s("Answered with a source: %d of %d. Missing:", answered, len(suf.Items)))
	for _, st := range suf.Missing {
		d.doc.add(StyleItem, "%s", st.Item.Labels.In(d.o.Lang))
	}
	for _, cl := range suf.Closures {
		c := d.caseByID(cl.CaseID)
		ground := ""
		if c != nil {
			ground = d.ground(c, qantar.CaseEvent{Step: "terminated", Ground: cl.Ground})
		}
		d.doc.add(StylePara, "%s", d.s("Case No. %s was terminated on %s%s. What the record documents and the closure did not answer:", cl.Number, d.date(cl.Date), ground))
		if len(suf.Documented) == 0 {
			d.doc.add(StyleItem, "%s", d.s("nothing documented with a source"))
		}
		for _, st := range suf.Documented {
			d.doc.add(StyleItem, "%s%s", st.Item.Labels.In(d.o.Lang), d.cite(st.Sources...))
		}
		for _, st := range suf.NotDone {
			d.doc.add(StyleItem, "%s%s", d.s("not done: %s", st.Item.Labels.In(d.o.Lang)), d.cite(st.Sources...))
		}
	}
}

func (d *dossier) caseByID(id int64) *qantar.Case {
	for _, c := range d.pf.Cases {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// withheldKey says, per kind, what the projection withholds of it.
var withheldKey = []struct {
	kind qantar.Kind
	key  string
}{
	{qantar.KindPerson, "the person's name and every identifying detail"},
	{qantar.KindAct, "the descriptions and methods of the acts, and the notes of their checklists"},
	{qantar.KindComplaint, "the subjects of the complaints they filed and the notes of the answers"},
	{qantar.KindCase, "the dates of their participation in cases"},
	{qantar.KindCitation, "the quotations and notes of the sources cited about them"},
}

func (d *dossier) confidential() {
	d.doc.add(StyleHeading, "%s", d.s("6. Confidential parts"))
	var parts []string
	for _, w := range withheldKey {
		if d.pf.Withheld[w.kind] {
			parts = append(parts, d.s(w.key))
		}
	}
	if len(parts) == 0 {
		d.doc.add(StylePara, "%s", d.s("Nothing is withheld from this dossier."))
		return
	}
	d.doc.add(StylePara, "%s", d.s("Withheld as confidential from the reader this dossier was made for:"))
	for _, p := range parts {
		d.doc.add(StyleItem, "%s", p)
	}
}

func (d *dossier) annexes() {
	d.doc.add(StyleHeading, "%s", d.s("7. Annexes: the sources"))
	if lp := d.pf.Log; lp != nil {
		d.doc.add(StylePara, "%s", d.s("Log checkpoint: size %d, root hash %s.", lp.Size, base64.StdEncoding.EncodeToString(lp.Root)))
	}
	if len(d.order) == 0 {
		d.doc.add(StylePara, "%s", d.s("No source is cited."))
	}
	for _, id := range d.order {
		s := d.pf.Sources[id]
		parts := []string{d.annex[id] + ". " + d.text(s.Title)}
		for _, p := range []string{s.Publisher, dateIf(s.Date), s.URL, s.ArchiveURL} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		line := strings.Join(parts, ", ") + ". "
		if s.SHA256 != "" {
			line += d.s("SHA-256: %s.", s.SHA256)
		} else {
			line += d.s("No SHA-256 recorded.")
		}
		if leaf, ok := d.pf.Leaves[id]; ok && d.pf.Log != nil && leaf < d.pf.Log.Size {
			line += " " + d.s("Log leaf %d, held by the checkpoint of size %d.", leaf, d.pf.Log.Size)
		} else if ok {
			line += " " + d.s("Log leaf %d.", leaf)
		}
		d.doc.add(StyleItem, "%s", fmt.Sprint(line))
	}
}

func dateIf(x qantar.Date) string {
	if x.IsZero() {
		return ""
	}
	return x.String()
}
