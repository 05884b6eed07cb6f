// Package auth is who a reader is: accounts and their argon2id passwords
// (with a cap on hashes at once), TOTP steps taken by compare-and-set,
// sessions, sign-in attempts reserved per account and address before any
// hash (throttle), and the audit log of who saw and changed what. Service
// holds what it needs; nothing is shared through package variables.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/httpx"
)

const (
	// SessionCookie is the name of the session cookie.
	SessionCookie = "qantar_session"
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

// Service signs readers in and out and keeps the audit log. Its zero Users
// means the server keeps no accounts.
type Service struct {
	users     qantar.UserService
	now       func() time.Time
	logger    *slog.Logger
	transport httpx.Transport
	throttle  *throttle
	hashes    *hashGate
	// apiCOP guards the API's state-changing requests made with a session
	// cookie (a token cannot be sent by another site's page).
	apiCOP *http.CrossOriginProtection
}

// New returns the accounts' service over users (nil: no accounts).
func New(users qantar.UserService, now func() time.Time, logger *slog.Logger, transport httpx.Transport) *Service {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{users: users, now: now, logger: logger, transport: transport, throttle: newThrottle(now),
		hashes: newHashGate(), apiCOP: http.NewCrossOriginProtection()}
}

// Users is the accounts' store; nil when the server keeps none.
func (s *Service) Users() qantar.UserService { return s.users }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// WithSession puts the signed-in user's actor in the request's context when
// the request carries no token: the same key the API's authenticate uses, so
// every handler sees one actor whichever way the reader signed in.
func (s *Service) WithSession(r *http.Request) *http.Request {
	if httpx.ActorOf(r).ID != "" {
		return r // a token takes precedence
	}
	a, ok := s.sessionUser(r, s.users)
	if !ok {
		return r
	}
	return r.WithContext(httpx.WithActor(r.Context(), a))
}

// sessionUser returns the actor of a live session cookie.
func (s *Service) sessionUser(r *http.Request, users qantar.UserService) (qantar.Actor, bool) {
	if users == nil {
		return qantar.Actor{}, false
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return qantar.Actor{}, false
	}
	_, u, err := users.SessionByHash(r.Context(), hashSecret(c.Value), s.now())
	if err != nil || u.DisabledAt != nil {
		return qantar.Actor{}, false
	}
	return u.Actor(), true
}

// APISession returns the actor of a signed-in session for the JSON API
// (users: the token service's accounts), or an error for a cross-origin
// state-changing request carrying the session. The root's authenticate
// calls it when no Bearer token was sent.
func (s *Service) APISession(r *http.Request, users qantar.UserService) (qantar.Actor, bool, error) {
	a, ok := s.sessionUser(r, users)
	if !ok {
		return a, false, nil
	}
	if err := s.apiCOP.Check(r); err != nil {
		return qantar.Actor{}, false, qantar.Errorf(qantar.EFORBIDDEN, "cross-origin request refused")
	}
	return a, true, nil
}

// HasSessionCookie reports whether the request carries a session cookie
// (live or not): its answer may hold what only that reader may see.
func HasSessionCookie(r *http.Request) bool {
	c, err := r.Cookie(SessionCookie)
	return err == nil && c.Value != ""
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// StartSession stores a new session and sets its cookie: HttpOnly, Secure
// when the reader's connection is HTTPS (httpx.Transport), SameSite=Lax; the
// answer that carries it is not stored by any cache.
func (s *Service) StartSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *qantar.User) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	now := s.now().UTC()
	if err := s.users.CreateSession(ctx, qantar.Session{Hash: hashSecret(secret), UserID: u.ID, CreatedAt: now,
		ExpiresAt: now.Add(SessionTTL), Addr: httpx.ClientAddr(r)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(SessionTTL / time.Second),
		HttpOnly: true, Secure: s.transport.Secure(r), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	return nil
}

// EndSession signs the reader out: the session is audited and deleted, and
// its cookie cleared.
func (s *Service) EndSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && s.users != nil {
		s.Audit(r, qantar.AuditSignOut, "", 0, "")
		if err := s.users.DeleteSession(r.Context(), hashSecret(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.transport.Secure(r), SameSite: http.SameSiteLaxMode})
	return nil
}

// Audit appends to the audit log; a failure is logged, not shown, because
// the reader's action already happened.
func (s *Service) Audit(r *http.Request, action string, kind qantar.Kind, id int64, detail string) {
	if s.users == nil {
		return
	}
	a := httpx.ActorOf(r)
	e := qantar.AuditEntry{At: s.now().UTC(), Actor: a.ID, Action: action, Kind: kind, RecordID: id, Addr: httpx.ClientAddr(r), Detail: detail}
	if err := s.users.AppendAudit(r.Context(), e); err != nil {
		s.logger.Error("audit", "action", action, "err", err)
	}
}

// AuditShown records each restricted or confidential record that a reader
// was shown in full (a page, an API answer, a list), not as a placeholder:
// who saw a protected witness is what the audit log is for.
func (s *Service) AuditShown(r *http.Request, recs ...qantar.Record) {
	for _, rec := range recs {
		if qantar.Protection(rec) != qantar.Public && !qantar.IsPlaceholder(rec) {
			s.Audit(r, qantar.AuditView, rec.Kind(), rec.GetMeta().ID, qantar.Protection(rec))
		}
	}
}
