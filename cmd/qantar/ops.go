package main

import (
	"net/url"
	"os"
	"strings"

	"github.com/qantar-project/qantar"
)

// checkExists refuses a SQLite path where there is no database, so that a
// command meant for an existing one does not create an empty one.
func (m *Main) checkExists(dsn string) error {
	if strings.Contains(dsn, "://") {
		return nil
	}
	if _, err := os.Stat(dsn); err != nil {
		return qantar.Errorf(qantar.EINVALID, "no database at %s", dsn)
	}
	return nil
}

// redactDSN hides the password of a database URL shown in a log line.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
