package auth

import (
	"context"
	"strings"

	"github.com/qantar-project/qantar"
)

// NewAccount creates a user with an argon2id password hash and, for the
// roles that require it (editor, admin), a TOTP secret. It returns the
// otpauth:// URL to enrol an authenticator app ("" for a viewer); the URL is
// shown once and not kept anywhere else. The CLI and the admin page share it.
func NewAccount(ctx context.Context, users qantar.UserService, name, role, password string) (*qantar.User, string, error) {
	name = strings.TrimSpace(name)
	hash, err := HashPassword(password)
	if err != nil {
		return nil, "", qantar.FieldErrorf("password", "%v", err)
	}
	u := &qantar.User{Name: name, Role: role, PasswordHash: hash}
	var url string
	if u.NeedsTOTP() {
		if u.TOTPSecret, url, err = NewTOTPKey(name); err != nil {
			return nil, "", err
		}
	}
	if err := users.CreateUser(ctx, u); err != nil {
		return nil, "", err
	}
	return u, url, nil
}
