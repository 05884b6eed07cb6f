package site

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/httpx"
)

// loginView is the sign-in form.
type loginView struct {
	base
	Name  string
	Next  string
	Error string
}

func (p *Site) loginForm(w http.ResponseWriter, r *http.Request) error {
	if p.users == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	pg := loginView{base: p.newBase(r, ""), Next: httpx.LocalPath(r.URL.Query().Get("next"))}
	pg.Title, pg.NoIndex = pg.T.S("Sign in"), true
	return p.render(w, r, http.StatusOK, "login", pg)
}

// login checks the name, password and, for accounts that have it, the TOTP
// code. Each attempt is reserved with the throttle (per account and per
// address) before any password is hashed; failures are audited.
func (p *Site) login(w http.ResponseWriter, r *http.Request) error {
	if p.users == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	pg := loginView{base: p.newBase(r, ""), Name: name, Next: httpx.LocalPath(r.PostFormValue("next"))}
	pg.Title, pg.NoIndex = pg.T.S("Sign in"), true
	try, wait := p.auth.Reserve(name, httpx.ClientAddr(r))
	if try == nil {
		pg.Error = pg.T.S("Too many failed sign-ins. Try again in %d minutes.", int(wait.Minutes())+1)
		return p.render(w, r, http.StatusTooManyRequests, "login", pg)
	}
	u, err := p.auth.CheckSignIn(r.Context(), name, r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, auth.ErrBusy) {
		try.Cancel()
		w.Header().Set("Retry-After", "5")
		pg.Error = pg.T.S("The server is busy. Try again in a moment.")
		return p.render(w, r, http.StatusServiceUnavailable, "login", pg)
	} else if err != nil {
		try.Cancel()
		return err
	}
	if u == nil {
		p.auth.Audit(r, qantar.AuditSignInFailed, "", 0, fmt.Sprintf("name %q", name))
		pg.Error = pg.T.S("Wrong name, password or code.")
		return p.render(w, r, http.StatusUnauthorized, "login", pg)
	}
	try.Succeed()
	if err := p.auth.StartSession(r.Context(), w, r, u); err != nil {
		return err
	}
	r = r.WithContext(httpx.WithActor(r.Context(), u.Actor()))
	p.auth.Audit(r, qantar.AuditSignIn, "", 0, "")
	http.Redirect(w, r, pg.Next, http.StatusSeeOther)
	return nil
}

// logout ends the session.
func (p *Site) logout(w http.ResponseWriter, r *http.Request) error {
	if err := p.auth.EndSession(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
