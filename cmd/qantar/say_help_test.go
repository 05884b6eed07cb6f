package main

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/qantar-project/qantar/locale"
)

// helpArgs is how each command's --help is asked for: a command that
// dispatches to subcommands shows its flags under each of them.
var helpArgs = map[string][][]string{
	"file":    {{"file", "add"}, {"file", "stamp"}},
	"witness": {{"witness", "serve"}, {"witness", "key"}},
	"token":   {{"token", "create"}},
	"user":    {{"user", "add"}},
}

// TestHelpSummaries: the --help of every command and subcommand, with
// --lang en, ru or kk before it (and QANTAR_LANG for the commands whose
// --lang is a document's), says the command's summary as the
// catalogue gives it in that language (in kk and ru not the English), on
// a line of its own; `qantar --help` lists every command with its summary
// in the language of QANTAR_LANG.
func TestHelpSummaries(t *testing.T) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, lang := range []string{"en", "ru", "kk"} {
		for _, name := range names {
			calls := helpArgs[name]
			if calls == nil {
				calls = [][]string{{name}}
			}
			for _, call := range calls {
				key := commands[name].summary
				if s, ok := subcommands[strings.Join(call, " ")]; ok {
					key = s
				}
				var out, errb bytes.Buffer
				// A document's --lang (draft, dossier, export, publish) is not
				// that of its lines: QANTAR_LANG says theirs.
				m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return map[string]string{"QANTAR_LANG": lang}[k] }}
				code := m.Run(context.Background(), append(append([]string{}, call...), "--lang", lang, "--help"))
				if code != exitOK {
					t.Errorf("%s --help: exit %d: %s", strings.Join(call, " "), code, errb.String())
				}
				checkSaid(t, strings.Join(call, " ")+" --lang "+lang+" --help", out.String(), lang, key)
			}
		}
		var out bytes.Buffer
		(&Main{Stdout: &out, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			return map[string]string{"QANTAR_LANG": lang}[k]
		}}).Run(context.Background(), []string{"--help"})
		for _, name := range names {
			checkSaid(t, "qantar --help ("+lang+") on "+name, out.String(), lang, commands[name].summary)
		}
	}
}

// checkSaid: the output has the summary key said in lang, non-empty and,
// in kk or ru, not the English key.
func checkSaid(t *testing.T, what, out, lang, key string) {
	t.Helper()
	want := key
	if lang != "en" {
		e, ok := locale.Default().Entry(lang, key)
		if !ok || e.Text == "" || e.Text == key {
			t.Errorf("%s: the catalogue has no %s for the summary %q", what, lang, key)
			return
		}
		want = e.Text
	}
	if strings.TrimSpace(want) == "" {
		t.Errorf("%s: a blank summary", what)
		return
	}
	for line := range strings.Lines(out) {
		if strings.HasSuffix(strings.TrimRight(line, "\n"), want) {
			return
		}
	}
	t.Errorf("%s: no line says the summary %q:\n%s", what, want, out)
}
