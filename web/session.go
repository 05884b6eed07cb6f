package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
)

const (
	sessionCookie = "qantar_session"
	// SessionTTL is how long a sign-in lasts.
	SessionTTL = 12 * time.Hour
	totpPeriod = 30
)

// totpOpts are the authenticator app settings every account uses (RFC 6238
// defaults, which every app understands).
var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes an account's TOTP secret and the otpauth:// URL that an
// authenticator app reads (as a QR code, or typed in).
func NewTOTPKey(account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Qantar", AccountName: account, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// checkTOTP returns the step of the code if it is valid now (one step of
// clock drift either way) and later than the last step used; 0 otherwise.
// Refusing a step already used stops a code from being replayed.
func checkTOTP(secret, code string, now time.Time, lastStep int64) int64 {
	if len(code) != 6 {
		return 0
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > lastStep {
			return s
		}
	}
	return 0
}

// withSession puts the signed-in user's actor in the request's context when
// the request carries no token: the same key the API's authenticate uses, so
// every handler sees one actor whichever way the reader signed in.
func (p *site) withSession(w http.ResponseWriter, r *http.Request) *http.Request {
	a, ok := p.sessionActor(r)
	if !ok {
		return r
	}
	return r.WithContext(withActor(r.Context(), a))
}

// withActor returns ctx carrying the actor.
func withActor(ctx context.Context, a qantar.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// sessionActor returns the actor of the request's session cookie, if it has
// a live one and no token was sent (a token takes precedence).
func (p *site) sessionActor(r *http.Request) (qantar.Actor, bool) {
	if actorOf(r).ID != "" {
		return qantar.Actor{}, false
	}
	return p.srv.sessionUser(r, p.users)
}

// sessionUser returns the actor of a live session cookie. It is what the
// API's authenticate needs to accept a signed-in browser too (see
// APISession).
func (s *Server) sessionUser(r *http.Request, users qantar.UserService) (qantar.Actor, bool) {
	if users == nil {
		return qantar.Actor{}, false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return qantar.Actor{}, false
	}
	_, u, err := users.SessionByHash(r.Context(), hashSecret(c.Value), s.cfg.Now())
	if err != nil || u.DisabledAt != nil {
		return qantar.Actor{}, false
	}
	return u.Actor(), true
}

// apiCrossOrigin guards the API's state-changing requests made with a
// session cookie (a token cannot be sent by another site's page).
var apiCrossOrigin = http.NewCrossOriginProtection()

// APISession returns the actor of a signed-in session for the JSON API, or
// an error for a cross-origin state-changing request carrying the session.
// server.go's authenticate calls it when no Bearer token was sent:
//
//	} else if a, ok, err := s.apiSession(r); err != nil {
//		s.writeAPIError(w, r, err)
//		return
//	} else if ok {
//		actor = a
//	}
func (s *Server) apiSession(r *http.Request) (qantar.Actor, bool, error) {
	users, _ := s.tokens.(qantar.UserService)
	a, ok := s.sessionUser(r, users)
	if !ok {
		return a, false, nil
	}
	if err := apiCrossOrigin.Check(r); err != nil {
		return qantar.Actor{}, false, qantar.Errorf(qantar.EFORBIDDEN, "cross-origin request refused")
	}
	return a, true, nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// startSession stores a new session and sets its cookie: HttpOnly, Secure
// when the reader's connection is HTTPS (secureRequest), SameSite=Lax; the
// answer that carries it is not stored by any cache.
func (p *site) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *qantar.User) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	now := p.srv.cfg.Now().UTC()
	if err := p.users.CreateSession(ctx, qantar.Session{Hash: hashSecret(secret), UserID: u.ID, CreatedAt: now,
		ExpiresAt: now.Add(SessionTTL), Addr: clientAddr(r)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, Secure: p.srv.secureRequest(r), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	return nil
}

// clientAddr is the address a request came from, for throttling and the
// audit log. Behind a reverse proxy it is the proxy's; Qantar does not
// trust X-Forwarded-For, which any client can set.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// audit appends to the audit log; a failure is logged, not shown, because
// the reader's action already happened.
func (p *site) audit(r *http.Request, action string, kind qantar.Kind, id int64, detail string) {
	p.srv.audit(r, action, kind, id, detail)
}

func (s *Server) audit(r *http.Request, action string, kind qantar.Kind, id int64, detail string) {
	if s.users == nil {
		return
	}
	a := actorOf(r)
	e := qantar.AuditEntry{At: s.cfg.Now().UTC(), Actor: a.ID, Action: action, Kind: kind, RecordID: id, Addr: clientAddr(r), Detail: detail}
	if err := s.users.AppendAudit(r.Context(), e); err != nil {
		s.logger.Error("audit", "action", action, "err", err)
	}
}

// auditView records that a signed-in reader was shown a protected record.
func (p *site) auditView(r *http.Request, rec qantar.Record) { p.srv.auditShown(r, rec) }

// auditShown records each restricted or confidential record that a reader
// was shown in full (a page, an API answer, a list), not as a placeholder:
// who saw a protected witness is what the audit log is for.
func (s *Server) auditShown(r *http.Request, recs ...qantar.Record) {
	for _, rec := range recs {
		if qantar.Protection(rec) != qantar.Public && !qantar.IsPlaceholder(rec) {
			s.audit(r, qantar.AuditView, rec.Kind(), rec.GetMeta().ID, qantar.Protection(rec))
		}
	}
}
