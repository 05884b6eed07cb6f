package site

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

// historyView lists every version of a record, each passed through the same
// visibleHistory as the API, so that a protected person's old names never
// reach a reader who may not see them.
type historyView struct {
	base
	Heading  template.HTML // Title, the record's title marked with its language
	Record   link
	Versions []versionRow
	Diff     *diffView
}

type versionRow struct {
	Version int
	Op      string
	Actor   string
	At      time.Time
	Reason  string
	Compare string // the diff with the previous version
}

// diffView is what changed between two versions, field by field.
type diffView struct {
	From, To int
	Changes  []fieldChange
}

type fieldChange struct {
	Field    string
	Old, New string
}

// history returns the handler of a kind's history page; with ?from=&to= it
// shows what changed between the two versions.
func (p *Site) history(kind qantar.Kind) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		reader := httpx.ActorOf(r)
		rec, err := p.get(r.Context(), reader, kind, id)
		if err != nil && qantar.ErrorCode(err) != qantar.ENOTFOUND {
			return err
		}
		versions, err := p.store.History(r.Context(), kind, id)
		if err != nil {
			return err
		}
		if versions, err = p.figures.VisibleHistory(r, kind, versions); err != nil {
			return err
		}
		pg := historyView{base: p.newBase(r, "")}
		t := pg.T
		pg.Record = link{Href: recordHref(kind, id), Title: t.KindOne(kind) + " #" + itoa(id)}
		if rec != nil {
			pg.Record = t.linkTo(rec)
			p.auth.AuditShown(r, rec)
		}
		pg.Title = t.S("History of %s", pg.Record.Title)
		pg.Heading = t.titled("History of %s", pg.Record)
		who := p.actorNamer(r.Context(), t, reader)
		for i, v := range versions {
			row := versionRow{Version: v.Version, Op: t.S(string(v.Op)), Actor: who(v.Actor), At: v.At, Reason: v.Reason}
			if i > 0 {
				row.Compare = recordHref(kind, id) + "/history?from=" + strconv.Itoa(v.Version-1) + "&to=" + strconv.Itoa(v.Version)
			}
			pg.Versions = append(pg.Versions, row)
		}
		q := r.URL.Query()
		if q.Get("from") != "" || q.Get("to") != "" {
			from, err1 := strconv.Atoi(q.Get("from"))
			to, err2 := strconv.Atoi(q.Get("to"))
			if err1 != nil || err2 != nil || from < 1 || to < 1 || from > len(versions) || to > len(versions) {
				return qantar.FieldErrorf("from", "from and to must be versions between 1 and %d", len(versions))
			}
			d, err := diffVersions(versions[from-1].Data, versions[to-1].Data)
			if err != nil {
				return err
			}
			d.From, d.To = from, to
			for i := range d.Changes {
				d.Changes[i].Field = t.S(labelOf(d.Changes[i].Field))
			}
			pg.Diff = d
		}
		return p.render(w, r, http.StatusOK, "history", pg)
	}
}

// actorNamer says who wrote a version: to editors and admins, the account's
// name (a token's, or the system user's of a command-line import); to
// everyone else only the role, "editor", so that the public sees that an
// editor made a change but not who.
func (p *Site) actorNamer(ctx context.Context, t tr, reader qantar.Actor) func(string) string {
	named := reader.CanWrite()
	seen := map[string]string{}
	var tokens map[string]qantar.Token
	return func(id string) string {
		if s, ok := seen[id]; ok {
			return s
		}
		name, role := "", qantar.RoleEditor // only writers write
		kind, num, _ := strings.Cut(id, ":")
		n, _ := strconv.ParseInt(num, 10, 64)
		switch {
		case id == qantar.System.ID:
			name, role = t.S("the system"), ""
		case kind == "user" && p.users != nil:
			if u, err := p.users.UserByID(ctx, n); err == nil {
				name, role = u.Name, u.Role
			}
		case kind == "token":
			if tokens == nil {
				tokens = p.tokensByID(ctx)
			}
			if tok, ok := tokens[id]; ok {
				name, role = tok.Name, tok.Role
			}
		case kind == "cli":
			name = num
		}
		s := t.S(role)
		if role == "" || (named && name != "") {
			s = name
		}
		if named && s == "" {
			s = id
		}
		seen[id] = s
		return s
	}
}

// tokensByID are the API tokens by the actor id their versions carry, when
// the store keeps tokens.
func (p *Site) tokensByID(ctx context.Context) map[string]qantar.Token {
	out := map[string]qantar.Token{}
	ts, ok := p.store.(qantar.TokenService)
	if !ok {
		return out
	}
	list, err := ts.ListTokens(ctx)
	if err != nil {
		return out
	}
	for _, tok := range list {
		out["token:"+strconv.FormatInt(tok.ID, 10)] = tok
	}
	return out
}

// diffVersions compares two versions' top-level fields.
func diffVersions(a, b json.RawMessage) (*diffView, error) {
	fa, order, err := topFields(a, nil)
	if err != nil {
		return nil, err
	}
	fb, order, err := topFields(b, order)
	if err != nil {
		return nil, err
	}
	d := &diffView{}
	for _, k := range order {
		if k == "version" || k == "updated_at" || k == "created_at" {
			continue
		}
		if !bytes.Equal(fa[k], fb[k]) {
			d.Changes = append(d.Changes, fieldChange{Field: k, Old: string(fa[k]), New: string(fb[k])})
		}
	}
	return d, nil
}

// topFields decodes an object's fields, adding new names to order.
func topFields(data json.RawMessage, order []string) (map[string]json.RawMessage, []string, error) {
	out := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, order, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, order, err
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, order, err
		}
		if _, ok := out[name]; !ok && !containsStr(order, name) {
			order = append(order, name)
		}
		out[name] = raw
	}
	return out, order, nil
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
