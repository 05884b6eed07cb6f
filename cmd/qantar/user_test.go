package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "users.db")
	run := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
		code := m.Run(context.Background(), append([]string{"user"}, args...))
		return code, out.String(), errb.String()
	}
	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"AddEditorPrintsTOTP", "a long password here\n", []string{"add", "--role", "editor", "--db", db, "aigerim"}, 0, "otpauth://totp/Qantar:aigerim", ""},
		{"FlagsAfterName", "a long password here\n", []string{"add", "--db", db, "viewer1", "--role", "viewer"}, 0, "", "created with role viewer"},
		{"ErrTaken", "a long password here\n", []string{"add", "--role", "viewer", "--db", db, "aigerim"}, 1, "", "already exists"},
		{"ErrShortPassword", "short\n", []string{"add", "--role", "viewer", "--db", db, "b"}, 1, "", "at least 12"},
		{"ErrNoPassword", "", []string{"add", "--role", "viewer", "--db", db, "c"}, 1, "", "password"},
		{"ErrBadRole", "a long password here\n", []string{"add", "--role", "root", "--db", db, "d"}, 1, "", "role"},
		{"ErrNoRole", "", []string{"add", "--db", db, "e"}, 2, "", "--role"},
		{"ErrUnknownSub", "", []string{"remove", "--db", db}, 2, "", "unknown subcommand"},
		{"List", "", []string{"list", "--db", db}, 0, "aigerim\teditor\ttotp", ""},
		{"Disable", "", []string{"disable", "--db", db, "viewer1"}, 0, "", ""},
		{"ListDisabled", "", []string{"list", "--db", db}, 0, "viewer\tno-totp", ""},
		{"Help", "", []string{"--help"}, 0, "qantar user add", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout %q lacks %q", out, tc.wantOut)
			}
			if !strings.Contains(errs, tc.wantErr) {
				t.Errorf("stderr %q lacks %q", errs, tc.wantErr)
			}
		})
	}
	if _, out, _ := run("", "list", "--db", db); !strings.Contains(out, "disabled") {
		t.Errorf("viewer1 is not disabled: %s", out)
	}
}
