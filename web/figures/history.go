package figures

import (
	"encoding/json"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web/httpx"
)

// Visible passes a record through qantar.VisibleWith, looking up the
// records its protection depends on in the store.
func (f *Figures) Visible(r *http.Request, rec qantar.Record) qantar.Record {
	return qantar.VisibleWith(httpx.ActorOf(r), rec, func(k qantar.Kind, id int64) (qantar.Record, error) {
		return f.store.Get(r.Context(), k, id)
	})
}

// VisibleHistory passes every version's content through the protection
// rules, so that no old version shows a reader what the current one hides.
// A person protected in any version is protected in all of them: once a
// person asked for protection, their earlier public versions are hidden too.
//
// A version keeps its log salt (qantar.Version.Salt, with which anyone can
// recompute its leaf's commitment and so test a guess against it) only if
// the reader sees it whole: its projection for the reader is the version
// itself, and so is the projection of the record's latest version. Once a
// record, or the person it is about, is hidden from the reader, none of its
// versions' salts are served any more. A version served without its salt
// names its writer to a reader who does not write only as its log leaf
// does (tlog.ActorClass: "system" or "editor"), never the account.
func (f *Figures) VisibleHistory(r *http.Request, kind qantar.Kind, versions []qantar.Version) ([]qantar.Version, error) {
	reader := httpx.ActorOf(r)
	recs := make([]qantar.Record, len(versions))
	hide := false
	for i, v := range versions {
		rec, err := qantar.New(kind)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(v.Data, rec); err != nil {
			return nil, err
		}
		recs[i] = rec
		hide = hide || !reader.CanSee(qantar.Protection(rec))
	}
	if !hide {
		// Shown in full: note it when any version was protected.
		for i, rec := range recs {
			if p := qantar.Protection(rec); p != qantar.Public {
				f.audit(r, qantar.AuditView, kind, versions[i].ID, p+" (history)")
				break
			}
		}
	}
	whole := false // the reader sees the latest version whole
	if n := len(recs); n > 0 && !hide {
		whole = f.Visible(r, recs[n-1]) == recs[n-1]
	}
	out := make([]qantar.Version, len(versions))
	for i, v := range versions {
		shown := false
		if p, ok := recs[i].(*qantar.Person); ok && hide {
			p.Protection = qantar.Confidential
			v.Data, _ = json.Marshal(qantar.Visible(reader, p))
		} else if vis := f.Visible(r, recs[i]); vis != recs[i] {
			v.Data, _ = json.Marshal(vis)
		} else {
			shown = true
		}
		if !shown || !whole {
			v.Salt = ""
		}
		if v.Salt == "" && !reader.CanWrite() {
			// Without the salt the account cannot be checked against the
			// leaf: the reader gets only what the leaf shows, the class.
			v.Actor = tlog.ActorClass(v.Actor)
		}
		out[i] = v
	}
	return out, nil
}
