package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/qantar-project/qantar"
)

// loginView is the sign-in form.
type loginView struct {
	base
	Name  string
	Next  string
	Error string
}

func (p *site) loginForm(w http.ResponseWriter, r *http.Request) error {
	if p.users == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	pg := loginView{base: p.newBase(r, ""), Next: localPath(r.URL.Query().Get("next"))}
	pg.Title, pg.NoIndex = pg.T.S("Sign in"), true
	return p.render(w, r, http.StatusOK, "login", pg)
}

// login checks the name, password and, for accounts that have it, the TOTP
// code; failures are throttled per account and per address and audited.
func (p *site) login(w http.ResponseWriter, r *http.Request) error {
	if p.users == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	code := strings.TrimSpace(r.PostFormValue("code"))
	pg := loginView{base: p.newBase(r, ""), Name: name, Next: localPath(r.PostFormValue("next"))}
	pg.Title, pg.NoIndex = pg.T.S("Sign in"), true
	addr := clientAddr(r)
	if blocked, wait := p.throttle.Blocked(name, addr); blocked {
		pg.Error = pg.T.S("Too many failed sign-ins. Try again in %d minutes.", int(wait.Minutes())+1)
		return p.render(w, r, http.StatusTooManyRequests, "login", pg)
	}
	u, err := p.users.UserByName(r.Context(), name)
	if err != nil && qantar.ErrorCode(err) != qantar.ENOTFOUND {
		return err
	}
	ok := false
	if u == nil {
		CheckPassword(dummyHash, password) // same time for an unknown name
	} else if CheckPassword(u.PasswordHash, password) && u.DisabledAt == nil {
		switch {
		case u.TOTPSecret != "":
			if step := checkTOTP(u.TOTPSecret, code, p.srv.cfg.Now(), u.TOTPLastStep); step > 0 {
				u.TOTPLastStep = step
				if err := p.users.UpdateUser(r.Context(), u); err != nil {
					return err
				}
				ok = true
			}
		case !u.NeedsTOTP():
			ok = true
		}
	}
	if !ok {
		p.throttle.Fail(name, addr)
		p.audit(r, qantar.AuditSignInFailed, "", 0, fmt.Sprintf("name %q", name))
		pg.Error = pg.T.S("Wrong name, password or code.")
		return p.render(w, r, http.StatusUnauthorized, "login", pg)
	}
	p.throttle.Succeed(name)
	if err := p.startSession(r.Context(), w, r, u); err != nil {
		return err
	}
	r = r.WithContext(withActor(r.Context(), u.Actor()))
	p.audit(r, qantar.AuditSignIn, "", 0, "")
	http.Redirect(w, r, pg.Next, http.StatusSeeOther)
	return nil
}

// logout ends the session.
func (p *site) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && p.users != nil {
		p.audit(r, qantar.AuditSignOut, "", 0, "")
		if err := p.users.DeleteSession(r.Context(), hashSecret(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
