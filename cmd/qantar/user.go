package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/web"
)

func init() {
	register(command{name: "user", summary: "manage web accounts: user add --role R NAME (password from the terminal or stdin), user list, user disable NAME", run: runUser})
}

const userUsage = `Usage: qantar user add --role viewer|editor|admin [--db D] NAME
       qantar user list [--db D]
       qantar user disable [--db D] NAME

add reads the password from the terminal (twice, not shown) or, when standard
input is not a terminal, from its first line. For an editor or an admin it
prints the TOTP secret and the otpauth:// URL to enrol an authenticator app:
two-factor sign-in is required for them. They are shown only this once.`

func runUser(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(m.Stdout, userUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required: add, list or disable")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := m.newFlags("user", sub+" [flags] [NAME]")
	db := dbFlag(fs)
	role := fs.String("role", "", "role: viewer, editor or admin (add)")
	// Flags may come after the name too: parse, take the positionals,
	// parse the rest.
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	var names []string
	for fs.NArg() > 0 {
		names = append(names, fs.Arg(0))
		if err := m.parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db})
	if err != nil {
		return err
	}
	defer s.Close()
	users, ok := any(s).(qantar.UserService)
	if !ok {
		return qantar.Errorf(qantar.EINVALID, "the store %s keeps no accounts", *db)
	}
	switch sub {
	case "add":
		if len(names) != 1 || *role == "" {
			return usagef("user add needs --role and one NAME")
		}
		password, err := m.readPassword()
		if err != nil {
			return err
		}
		u, url, err := web.NewAccount(ctx, users, names[0], *role, password)
		if err != nil {
			return err
		}
		m.sayln(m.Stderr, "user %s created with role %s", u.Name, u.Role)
		if url != "" {
			fmt.Fprintf(m.Stdout, "TOTP secret: %s\notpauth URL: %s\n", u.TOTPSecret, url)
			m.sayln(m.Stderr, "add the secret to an authenticator app now: it is shown only this once")
		}
	case "list":
		if len(names) > 0 {
			return usagef("user list takes no NAME")
		}
		list, err := users.ListUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range list {
			state := "active"
			if u.DisabledAt != nil {
				state = "disabled " + u.DisabledAt.Format("2006-01-02")
			}
			totp := "no-totp"
			if u.TOTPSecret != "" {
				totp = "totp"
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, totp, u.CreatedAt.Format("2006-01-02"), state)
		}
	case "disable":
		if len(names) != 1 {
			return usagef("user disable needs one NAME")
		}
		u, err := users.UserByName(ctx, names[0])
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		u.DisabledAt = &now
		if err := users.UpdateUser(ctx, u); err != nil {
			return err
		}
		return users.DeleteUserSessions(ctx, u.ID)
	default:
		return usagef("unknown subcommand %q (add, list, disable)", sub)
	}
	return nil
}

// readPassword reads a password: from the terminal twice without echo, or
// the first line of a pipe.
func (m *Main) readPassword() (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(m.Stderr, m.say("password: "))
		p1, err := readNoEcho(f)
		fmt.Fprint(m.Stderr, "\n"+m.say("again: "))
		if err != nil {
			return "", err
		}
		p2, err := readNoEcho(f)
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", err
		}
		if p1 != p2 {
			return "", qantar.FieldErrorf("password", "the two passwords differ")
		}
		return p1, nil
	}
	if m.Stdin == nil {
		return "", qantar.FieldErrorf("password", "is required on standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(m.Stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", qantar.FieldErrorf("password", "is required: give it on the first line of standard input")
	}
	return line, nil
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// readNoEcho reads a line from a terminal with echo off, restoring it after
// (golang.org/x/term: termios on Unix, the console mode on Windows).
func readNoEcho(f *os.File) (string, error) {
	b, err := term.ReadPassword(int(f.Fd()))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
