package filing

import (
	"context"
	"io/fs"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
)

// DraftRequest is one draft asked for: the case, the complaint kind, the
// language, the day it would be registered and the day it is dated.
type DraftRequest struct {
	CaseID  int64
	Kind    string
	Lang    string
	FiledOn time.Time
	Today   time.Time
}

// DraftCase reads a case as actor sees it, loads the template of its
// jurisdiction in the request's language from templates (law.Templates()
// or a directory holding JURISDICTION/templates/LANG.json) and makes the
// draft: what `qantar draft` and the case page's download both do.
func DraftCase(ctx context.Context, st qantar.Store, actor qantar.Actor, reg *law.Registry, templates fs.FS, req DraftRequest) (*Draft, *CaseFile, error) {
	cf, err := LoadCase(ctx, st, actor, req.CaseID, req.Lang)
	if err != nil {
		return nil, nil, err
	}
	rules, err := reg.Get(cf.Case.Jurisdiction)
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := LoadTemplate(templates, rules, req.Lang)
	if err != nil {
		return nil, nil, err
	}
	d, err := MakeDraft(cf, DraftOptions{Kind: req.Kind, Lang: req.Lang, FiledOn: req.FiledOn, Today: req.Today, Rules: rules, Template: tmpl})
	if err != nil {
		return nil, nil, err
	}
	return d, cf, nil
}

// fileMu makes the search for an identical complaint and the write one
// step within a process, so that two requests of one double click cannot
// both find nothing and both write.
var fileMu sync.Mutex

// File records a draft as its Complaint, written by actor (the log names
// them). A complaint identical to it (same case, kind, jurisdiction, day
// filed and subject, as actor sees the case's complaints) is not written a
// second time: File returns it with created false. So filing the same draft
// twice on one day (a double click, a command run again) records one
// complaint. Readers who may not write are refused.
func File(ctx context.Context, st qantar.Store, actor qantar.Actor, d *Draft) (c *qantar.Complaint, created bool, err error) {
	if !actor.CanWrite() {
		return nil, false, qantar.Errorf(qantar.EFORBIDDEN, "role %q may not write; an editor or admin is needed", actor.Role)
	}
	fileMu.Lock()
	defer fileMu.Unlock()
	recs, _, err := st.List(ctx, qantar.KindComplaint, qantar.Filter{Reader: actor, Limit: qantar.MaxLimit,
		Where: map[string]string{"case_id": strconv.FormatInt(d.Complaint.CaseID, 10)}})
	if err != nil {
		return nil, false, err
	}
	for _, rec := range recs {
		if same, ok := rec.(*qantar.Complaint); ok && sameFiling(same, d.Complaint) {
			return same, false, nil
		}
	}
	c = new(qantar.Complaint)
	*c = *d.Complaint
	c.Subject = maps.Clone(d.Complaint.Subject)
	if err := st.Create(ctx, actor, c); err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// sameFiling reports whether a recorded complaint is the draft's: the
// fields a draft sets are equal.
func sameFiling(rec, draft *qantar.Complaint) bool {
	return rec.CaseID == draft.CaseID && rec.ComplaintKind == draft.ComplaintKind && rec.Jurisdiction == draft.Jurisdiction &&
		rec.FiledOn == draft.FiledOn && maps.Equal(rec.Subject, draft.Subject)
}
