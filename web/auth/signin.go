package auth

import (
	"context"
	"time"

	"github.com/qantar-project/qantar"
)

// Reserve counts a sign-in attempt against the account and the address
// before any password is hashed; nil and how long to wait when one of them
// has used up its attempts.
func (s *Service) Reserve(account, addr string) (*Attempt, time.Duration) {
	return s.throttle.Reserve(account, addr)
}

// CheckSignIn returns the account whose name, password and TOTP code these
// are; nil when any is wrong or the account is disabled. An unknown name
// costs the same hash as a wrong password. ErrBusy: no turn to hash.
func (s *Service) CheckSignIn(ctx context.Context, name, password, code string) (*qantar.User, error) {
	u, err := s.users.UserByName(ctx, name)
	if err != nil && qantar.ErrorCode(err) != qantar.ENOTFOUND {
		return nil, err
	}
	phc := dummyHash
	if u != nil {
		phc = u.PasswordHash
	}
	if ok, err := s.hashes.check(ctx, phc, password); err != nil || !ok || u == nil || u.DisabledAt != nil {
		return nil, err
	}
	if u.TOTPSecret == "" {
		if u.NeedsTOTP() {
			return nil, nil
		}
		return u, nil
	}
	step := checkTOTP(u.TOTPSecret, code, s.now(), u.TOTPLastStep)
	if step == 0 {
		return nil, nil
	}
	// The step is taken in one compare-and-set: of concurrent sign-ins
	// with one code, one wins.
	if used, err := s.users.UseTOTPStep(ctx, u.ID, step); err != nil || !used {
		return nil, err
	}
	return u, nil
}
