package web

import (
	"context"
	"errors"
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
// code. Each attempt is reserved with the throttle (per account and per
// address) before any password is hashed; failures are audited.
func (p *site) login(w http.ResponseWriter, r *http.Request) error {
	if p.users == nil {
		return qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	pg := loginView{base: p.newBase(r, ""), Name: name, Next: localPath(r.PostFormValue("next"))}
	pg.Title, pg.NoIndex = pg.T.S("Sign in"), true
	try, wait := p.throttle.Reserve(name, clientAddr(r))
	if try == nil {
		pg.Error = pg.T.S("Too many failed sign-ins. Try again in %d minutes.", int(wait.Minutes())+1)
		return p.render(w, r, http.StatusTooManyRequests, "login", pg)
	}
	u, err := p.checkSignIn(r.Context(), name, r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, errBusy) {
		try.Cancel()
		w.Header().Set("Retry-After", "5")
		pg.Error = pg.T.S("The server is busy. Try again in a moment.")
		return p.render(w, r, http.StatusServiceUnavailable, "login", pg)
	} else if err != nil {
		try.Cancel()
		return err
	}
	if u == nil {
		p.audit(r, qantar.AuditSignInFailed, "", 0, fmt.Sprintf("name %q", name))
		pg.Error = pg.T.S("Wrong name, password or code.")
		return p.render(w, r, http.StatusUnauthorized, "login", pg)
	}
	try.Succeed()
	if err := p.startSession(r.Context(), w, r, u); err != nil {
		return err
	}
	r = r.WithContext(withActor(r.Context(), u.Actor()))
	p.audit(r, qantar.AuditSignIn, "", 0, "")
	http.Redirect(w, r, pg.Next, http.StatusSeeOther)
	return nil
}

// checkSignIn returns the account whose name, password and TOTP code these
// are; nil when any is wrong or the account is disabled. An unknown name
// costs the same hash as a wrong password.
func (p *site) checkSignIn(ctx context.Context, name, password, code string) (*qantar.User, error) {
	u, err := p.users.UserByName(ctx, name)
	if err != nil && qantar.ErrorCode(err) != qantar.ENOTFOUND {
		return nil, err
	}
	phc := dummyHash
	if u != nil {
		phc = u.PasswordHash
	}
	if ok, err := p.hashes.check(ctx, phc, password); err != nil || !ok || u == nil || u.DisabledAt != nil {
		return nil, err
	}
	if u.TOTPSecret == "" {
		if u.NeedsTOTP() {
			return nil, nil
		}
		return u, nil
	}
	step := checkTOTP(u.TOTPSecret, code, p.srv.cfg.Now(), u.TOTPLastStep)
	if step == 0 {
		return nil, nil
	}
	// The step is taken in one compare-and-set: of concurrent sign-ins
	// with one code, one wins.
	if used, err := p.users.UseTOTPStep(ctx, u.ID, step); err != nil || !used {
		return nil, err
	}
	return u, nil
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
		Secure: p.srv.secureRequest(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
