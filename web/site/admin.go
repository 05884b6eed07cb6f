package site

import (
	"net/http"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/httpx"
)

// usersView is the admins' page of accounts.
type usersView struct {
	base
	Users   []*qantar.User
	Roles   []option
	Name    string
	Problem string
	// Enrolment of a new account, shown once.
	Created *qantar.User
	TOTPURL string
	Secret  string
}

// requireAdmin refuses anyone but an admin.
func (p *Site) requireAdmin(r *http.Request) (qantar.Actor, error) {
	a := httpx.ActorOf(r)
	if a.ID == "" {
		return a, qantar.Errorf(qantar.EUNAUTHORIZED, "sign in as an admin")
	}
	if a.Role != qantar.RoleAdmin {
		return a, qantar.Errorf(qantar.EFORBIDDEN, "only an admin manages accounts")
	}
	if p.users == nil {
		return a, qantar.Errorf(qantar.ENOTFOUND, "this server has no accounts")
	}
	return a, nil
}

func (p *Site) usersPage(r *http.Request) (usersView, error) {
	pg := usersView{base: p.newBase(r, "")}
	pg.Title, pg.NoIndex = pg.T.S("Accounts"), true
	users, err := p.users.ListUsers(r.Context())
	pg.Users = users
	for _, role := range qantar.Roles {
		pg.Roles = append(pg.Roles, option{Value: role, Label: pg.T.S(role)})
	}
	return pg, err
}

func (p *Site) adminUsers(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.requireAdmin(r); err != nil {
		return err
	}
	pg, err := p.usersPage(r)
	if err != nil {
		return err
	}
	return p.render(w, r, http.StatusOK, "users", pg)
}

// adminAddUser creates an account and shows its TOTP enrolment once.
func (p *Site) adminAddUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.requireAdmin(r); err != nil {
		return err
	}
	name, role := r.PostFormValue("name"), r.PostFormValue("role")
	u, url, err := auth.NewAccount(r.Context(), p.users, name, role, r.PostFormValue("password"))
	status := http.StatusOK
	var pg usersView
	if err != nil {
		if c := qantar.ErrorCode(err); c != qantar.EINVALID && c != qantar.ECONFLICT {
			return err
		}
		status = httpx.Status(qantar.ErrorCode(err))
		pg, _ = p.usersPage(r)
		pg.Name, pg.Problem = name, pg.T.FieldErr(err)
	} else {
		p.auth.Audit(r, qantar.AuditUser, "", 0, "created "+u.Name+" as "+u.Role)
		pg, _ = p.usersPage(r)
		pg.Created, pg.TOTPURL, pg.Secret = u, url, u.TOTPSecret
	}
	w.Header().Set("Cache-Control", "no-store")
	return p.render(w, r, status, "users", pg)
}

// adminUpdateUser disables or enables an account, or changes its role.
// Disabling signs the user out everywhere.
func (p *Site) adminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	admin, err := p.requireAdmin(r)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r)
	if err != nil {
		return err
	}
	u, err := p.users.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	if admin.ID == u.Actor().ID {
		return qantar.Errorf(qantar.ECONFLICT, "an admin cannot change their own account here")
	}
	switch action := r.PostFormValue("action"); action {
	case "disable":
		now := p.now().UTC()
		u.DisabledAt = &now
	case "enable":
		u.DisabledAt = nil
	case "role":
		u.Role = r.PostFormValue("role")
		if u.NeedsTOTP() && u.TOTPSecret == "" {
			return qantar.FieldErrorf("role", "%s needs two-factor sign-in: create a new account for this person", u.Role)
		}
	default:
		return qantar.FieldErrorf("action", "%q is not disable, enable or role", action)
	}
	if err := p.users.UpdateUser(r.Context(), u); err != nil {
		return err
	}
	if err := p.users.DeleteUserSessions(r.Context(), u.ID); err != nil {
		return err
	}
	p.auth.Audit(r, qantar.AuditUser, "", 0, r.PostFormValue("action")+" "+u.Name+" ("+u.Role+")")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// auditView is the audit log, newest first.
type auditView struct {
	base
	Entries []qantar.AuditEntry
	Total   int
	Prev    string
	Next    string
}

func (p *Site) adminAudit(w http.ResponseWriter, r *http.Request) error {
	if _, err := p.requireAdmin(r); err != nil {
		return err
	}
	const limit = 100
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	entries, total, err := p.users.ListAudit(r.Context(), limit, offset)
	if err != nil {
		return err
	}
	pg := auditView{base: p.newBase(r, ""), Entries: entries, Total: total}
	pg.Title, pg.NoIndex = pg.T.S("Audit log"), true
	if offset > 0 {
		pg.Prev = "/admin/audit?offset=" + strconv.Itoa(max(0, offset-limit))
	}
	if offset+len(entries) < total {
		pg.Next = "/admin/audit?offset=" + strconv.Itoa(offset+limit)
	}
	return p.render(w, r, http.StatusOK, "audit", pg)
}
