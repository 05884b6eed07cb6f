package qantar

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// User is an account that signs in to the web application. Its password and
// TOTP secret are set by package web, which hashes the password with
// argon2id; a store keeps them as it is given them and never shows them.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	// PasswordHash is a PHC string ("$argon2id$v=19$m=…,t=…,p=…$salt$hash").
	PasswordHash string `json:"-"`
	// TOTPSecret is the base32 secret of the account's authenticator app;
	// empty when two-factor sign-in is not set up (allowed for viewers only).
	TOTPSecret string `json:"-"`
	// TOTPLastStep is the last 30-second step whose code was accepted, so
	// that a code seen over a shoulder cannot be used a second time.
	TOTPLastStep int64      `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
}

// Actor returns the actor a signed-in user writes and reads as.
func (u *User) Actor() Actor {
	return Actor{ID: "user:" + strconv.FormatInt(u.ID, 10), Name: u.Name, Role: u.Role}
}

// NeedsTOTP reports whether the user's role requires two-factor sign-in:
// anyone who can write or manage accounts.
func (u *User) NeedsTOTP() bool { return u.Role == RoleEditor || u.Role == RoleAdmin }

// Validate checks a user's name and role.
func (u *User) Validate() error {
	name := strings.TrimSpace(u.Name)
	if name == "" {
		return FieldErrorf("name", "is required")
	}
	if name != u.Name || utf8.RuneCountInString(name) > 100 {
		return FieldErrorf("name", "must be at most 100 characters with no space at either end")
	}
	if err := checkString("name", name, 100); err != nil {
		return err
	}
	if !contains(Roles, u.Role) {
		return FieldErrorf("role", "%q is not a role (viewer, editor, admin)", u.Role)
	}
	if u.PasswordHash == "" {
		return FieldErrorf("password", "is required")
	}
	if u.NeedsTOTP() && u.TOTPSecret == "" {
		return FieldErrorf("totp", "role %s requires two-factor sign-in", u.Role)
	}
	return nil
}

// Session is a signed-in browser. Only the SHA-256 of the cookie's secret is
// stored, as for API tokens, so a copy of the database signs no one in.
type Session struct {
	Hash      []byte    `json:"-"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Addr      string    `json:"addr,omitempty"`
}

// Audit actions.
const (
	AuditSignIn       = "sign_in"
	AuditSignInFailed = "sign_in_failed"
	AuditSignOut      = "sign_out"
	AuditExport       = "export"
	AuditView         = "view_protected"    // a restricted or confidential record was shown
	AuditUser         = "user"              // an account was created or changed
	AuditRepair       = "repair_checkpoint" // the log's checkpoint was re-signed (qantar repair)
)

// AuditEntry is one line of the audit log that admins read: who did what,
// when, from which address, to which record.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"` // "user:3", or the name tried for a failed sign-in
	Action   string    `json:"action"`
	Kind     Kind      `json:"kind,omitempty"`
	RecordID int64     `json:"record_id,omitempty"`
	Addr     string    `json:"addr,omitempty"`
	Detail   string    `json:"detail,omitempty"`
}

// UserService keeps accounts, sessions and the audit log.
type UserService interface {
	// CreateUser stores a new user and sets its ID and CreatedAt; a taken
	// name is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser stores a user's role, password hash, TOTP secret and step,
	// and disabled time. The step is never lowered: a copy of the user read
	// before a sign-in cannot make that sign-in's code good again.
	UpdateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByName returns the user of that name; ENOTFOUND if none.
	UserByName(ctx context.Context, name string) (*User, error)
	ListUsers(ctx context.Context) ([]*User, error)
	// UseTOTPStep records that the TOTP code of step signed the user in, in
	// one compare-and-set: it reports true only if no step as late or later
	// was used before, so that one code signs in once however many requests
	// bring it at the same moment. An unknown user is false.
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)

	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns the session with that hash and its user;
	// ENOTFOUND when none, EUNAUTHORIZED when it expired (at now).
	SessionByHash(ctx context.Context, hash []byte, now time.Time) (Session, *User, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteUserSessions signs a user out everywhere (on disabling, on a
	// new password).
	DeleteUserSessions(ctx context.Context, userID int64) error

	AppendAudit(ctx context.Context, e AuditEntry) error
	// ListAudit returns entries newest first, and how many there are.
	ListAudit(ctx context.Context, limit, offset int) ([]AuditEntry, int, error)
}

// CheckRepairReason refuses a repair of the log that does not say why: the
// reason is recorded in the audit log.
func CheckRepairReason(why string) error {
	if strings.TrimSpace(why) == "" {
		return Errorf(EINVALID, "say why the checkpoint is re-signed")
	}
	return nil
}
