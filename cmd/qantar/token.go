package main

import (
	"context"
	"fmt"
)

func init() {
	register(command{name: "token", summary: "create, list or revoke API tokens (token create --role editor --name N)", run: runToken})
}

func runToken(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(m.Stdout, "Usage: qantar token create --role viewer|editor|admin --name NAME [--db D]\n       qantar token list [--db D]\n       qantar token revoke --id N [--db D]")
		if len(args) == 0 {
			return usagef("a subcommand is required: create, list or revoke")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := m.newFlags("token", sub+" [flags]")
	db := dbFlag(fs)
	role := fs.String("role", "", "role: viewer, editor or admin (create)")
	name := fs.String("name", "", "what the token is for, e.g. the person or program holding it (create)")
	id := fs.Int64("id", 0, "token id (revoke)")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	s, err := openAppStore(ctx, storeConfig{DSN: *db})
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "create":
		if *role == "" || *name == "" {
			return usagef("token create needs --role and --name")
		}
		_, secret, err := s.CreateToken(ctx, *name, *role)
		if err != nil {
			return err
		}
		// The secret alone on standard output, so scripts can capture it.
		fmt.Fprintln(m.Stdout, secret)
		m.sayln(m.Stderr, "token created; it is shown only this once")
	case "list":
		toks, err := s.ListTokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range toks {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.Format("2006-01-02")
			}
			fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Name, t.CreatedAt.Format("2006-01-02"), state)
		}
	case "revoke":
		if *id <= 0 {
			return usagef("token revoke needs --id")
		}
		return s.RevokeToken(ctx, *id)
	default:
		return usagef("unknown subcommand %q (create, list, revoke)", sub)
	}
	return nil
}
