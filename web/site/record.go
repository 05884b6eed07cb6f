package site

import (
	"context"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/facts"
	"github.com/qantar-project/qantar/web/httpx"
)

// recordView shows one record: its fields, each with its sources, and what
// its kind adds (a person's acts, a case's timeline, a complaint's deadline,
// a unit's posts, a source's citations).
type recordView struct {
	base
	Kind      qantar.Kind
	ID        int64
	Version   int
	Protected bool // shown as a placeholder
	Fields    []field
	Sources   []citeLink // cited for the record as a whole
	Sourced   bool       // some source is cited for the record or a field
	// Filled by kind:
	Acts         []actGroup
	Involvements []involvementRow
	Posts        []postRow
	Timeline     []stepRow
	Participants []participantRow
	CaseActs     []link
	Complaint    *complaintStatus
	Responses    []responseRow
	Children     []link
	Cited        []citedRow
	Files        *filesView // a source's evidence files (files.go)
	Complaints   []link
	Cases        []link // the cases that take up an act (act_cases.go)
	Decision     string // who decided a person's protection, and when
	ActCount     int    // acts in an event
	AllActs      string // the list of all of them, when the page shows only some
	// Filings (filing.go, feeds.go, istanbul.go):
	Draft       *draftForm   // a case's draft complaint, for editors
	Dossier     *dossierForm // a person's dossier, for signed-in readers
	Feed        string       // the Atom feed of a case or a person
	Checklists  []checklistView
	Sufficiency *sufficiencyView
	// Who was in command (unit.go): a unit's organisation on ?date=, the
	// units at an act's place on its day.
	Unit    *unitView
	Command *commandView
	dateQ   string
	// TitleLang is the title's language when it is not the reader's.
	TitleLang string
}

// record returns the handler of a kind's record page.
func (p *Site) record(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		reader := httpx.ActorOf(r)
		pg := recordView{base: p.newBase(r, ""), Kind: kind, ID: id, dateQ: r.URL.Query().Get("date")}
		res := p.newResolver(pg.T, reader)
		rec, err := p.get(r.Context(), reader, kind, id)
		if err != nil {
			return err
		}
		p.auth.AuditShown(r, rec)
		pg.Title, pg.TitleLang, pg.Version = pg.T.title(rec), pg.T.titleLang(rec), rec.GetMeta().Version
		pg.Protected = qantar.IsPlaceholder(rec)
		if pg.Protected {
			// Nothing but the placeholder: not its sources, not its fields.
			pg.Acts, err = p.personActs(r.Context(), res, id)
			if err != nil {
				return err
			}
			// Its feed is made from the same projection: it names nobody.
			if kind == qantar.KindPerson {
				pg.Feed = feedHref(kind, id, pg.T.Lang)
			}
			return p.render(w, r, http.StatusOK, "record", pg)
		}
		cites, err := p.citations(r.Context(), res, kind, id)
		if err != nil {
			return err
		}
		pg.Fields = p.fieldsOf(r.Context(), pg.T, reader, rec, res)
		for i := range pg.Fields {
			pg.Fields[i].Sources = cites[pg.Fields[i].Name]
		}
		pg.Sources = cites[""]
		// A draft is a record that states a fact no source backs yet.
		pg.Sourced = len(cites) > 0 || !facts.NeedsSource(kind) || facts.OwnSource(rec)
		if err := p.kindSections(r.Context(), &pg, res, rec); err != nil {
			return err
		}
		return p.render(w, r, http.StatusOK, "record", pg)
	}
}

// kindSections fills what a kind adds to its page.
func (p *Site) kindSections(ctx context.Context, pg *recordView, res *resolver, rec qantar.Record) error {
	var err error
	switch x := rec.(type) {
	case *qantar.Person:
		pg.Decision = p.protectionDecision(ctx, pg.T, res.reader, x.ID)
		if pg.Acts, err = p.personActs(ctx, res, x.ID); err != nil {
			return err
		}
		if pg.Involvements, err = p.involvements(ctx, res, map[string]string{"person_id": itoa(x.ID)}); err != nil {
			return err
		}
		if pg.Posts, err = p.posts(ctx, res, map[string]string{"person_id": itoa(x.ID)}); err != nil {
			return err
		}
		pg.Feed = feedHref(qantar.KindPerson, x.ID, pg.T.Lang)
		if res.reader.ID != "" {
			pg.Dossier = &dossierForm{Action: recordHref(qantar.KindPerson, x.ID) + "/dossier", Langs: p.langOptions(pg.T), Formats: formatOptions()}
		}
	case *qantar.Event:
		if pg.Acts, pg.ActCount, err = p.eventActs(ctx, res, x.ID); err != nil {
			return err
		}
		if pg.ActCount > maxActs {
			pg.AllActs = "/victims?event_id=" + itoa(x.ID)
		}
		pg.Children, err = p.refLinks(ctx, res, qantar.KindEvent, x.ID, qantar.KindEvent)
	case *qantar.Case:
		p.caseSections(ctx, pg, res, x)
		pg.Feed = feedHref(qantar.KindCase, x.ID, pg.T.Lang)
		pg.Draft = p.newDraftForm(ctx, pg.T, res.reader, x)
		pg.Complaints, err = p.links(ctx, res, qantar.KindComplaint, map[string]string{"case_id": itoa(x.ID)})
	case *qantar.Complaint:
		p.complaintSections(ctx, pg, res, x)
		pg.Complaints, err = p.refLinks(ctx, res, qantar.KindComplaint, x.ID, qantar.KindComplaint)
	case *qantar.Unit:
		if pg.Posts, err = p.posts(ctx, res, map[string]string{"unit_id": itoa(x.ID)}); err != nil {
			return err
		}
		if pg.Involvements, err = p.involvements(ctx, res, map[string]string{"unit_id": itoa(x.ID)}); err != nil {
			return err
		}
		pg.Unit, err = p.unitSections(ctx, res, x, pg.dateQ)
	case *qantar.Act:
		if pg.Involvements, err = p.involvements(ctx, res, map[string]string{"act_id": itoa(x.ID)}); err != nil {
			return err
		}
		if pg.Cases, err = p.actCases(ctx, res, x.ID); err != nil {
			return err
		}
		if err = p.actChecklists(ctx, pg, res, x); err != nil {
			return err
		}
		pg.Command, err = p.actCommand(ctx, res, x)
	case *qantar.Source:
		if pg.Cited, err = p.cited(ctx, res, x); err == nil {
			pg.Files, err = p.sourceFiles(ctx, res, x.ID)
		}
	}
	return err
}

// maxLinks caps the records a section lists as links.
const maxLinks = 200

// links lists the records of a kind that match, as links.
func (p *Site) links(ctx context.Context, res *resolver, kind qantar.Kind, where map[string]string) ([]link, error) {
	recs, _, err := p.listCached(ctx, kind, qantar.Filter{Where: where, Reader: res.reader, Limit: maxLinks})
	if err != nil {
		return nil, err
	}
	out := make([]link, len(recs))
	for i, rec := range recs {
		out[i] = res.t.linkTo(rec)
	}
	return out, nil
}

// refLinks lists, as links, the records of kind from that refer to to/id
// (an event's sub-events, the complaints escalating a complaint), at most
// as many as links lists: through the references to it, since no index
// serves those fields.
func (p *Site) refLinks(ctx context.Context, res *resolver, to qantar.Kind, id int64, from qantar.Kind) ([]link, error) {
	recs, err := p.referrersOf(ctx, res.reader, to, id, from)
	if err != nil {
		return nil, err
	}
	out := make([]link, 0, min(len(recs), maxLinks))
	for _, rec := range recs[:min(len(recs), maxLinks)] {
		out = append(out, res.t.linkTo(rec))
	}
	return out, nil
}
