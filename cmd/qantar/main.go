// Command qantar is the one binary of Qantar: the server, and the tools to
// import, export, verify, link and estimate. Each subcommand lives in its own
// file and registers itself in commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/qantar-project/qantar"
)

// Exit codes, as DESIGN.md's contracts say.
const (
	exitOK      = 0
	exitProblem = 1 // the operation found a problem: invalid input, failed verification
	exitUsage   = 2
)

// Main holds what a subcommand may touch of the outside world, so that an
// end-to-end test runs the whole program in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	lang string // the language of printed lines (say.go), set by parseFlags
}

// command is one subcommand. Its summary is a catalogue key, said in the
// reader's language by the list of commands and by its --help.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is filled by each subcommand's file (register in init).
var commands = map[string]command{}

// subcommands are the summaries (catalogue keys) of the subcommands that
// parse flags of their own ("file add"), for their --help; filled in init
// by the file of their command, listed nowhere else.
var subcommands = map[string]string{}

// summary is the summary of a command or subcommand, said in the reader's
// language.
func (m *Main) summary(name string) string {
	if s, ok := subcommands[name]; ok {
		return m.say(s)
	}
	return m.say(commands[name].summary)
}

func register(c command) { commands[c.name] = c }

// usageError is a mistake in how the command was called: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Run runs one subcommand and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(m.Stderr, "qantar: unknown command %q\n\n", args[0])
		m.usage(m.Stderr)
		return exitUsage
	}
	err := c.run(ctx, m, args[1:])
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "qantar %s: %s\n", c.name, ue.msg)
		return exitUsage
	case qantar.ErrorCode(err) == qantar.EINTERNAL:
		fmt.Fprintf(m.Stderr, "qantar %s: %v\n", c.name, err)
		return exitProblem
	default:
		fmt.Fprintf(m.Stderr, "qantar %s: %s\n", c.name, m.sayErr(err))
		return exitProblem
	}
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "Qantar documents state violence and tracks the investigations that follow it.")
	fmt.Fprintln(w, "\nUsage: qantar COMMAND [flags]    (qantar COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, m.summary(n))
	}
}

// newFlags returns a FlagSet that reports its errors as usage errors and
// prints its help on the command's standard output.
func (m *Main) newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("qantar "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: qantar %s %s\n\n%s\n\nFlags:\n", name, synopsis, m.summary(name))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors and --help
// into a clean exit with the help on standard output, in the language of a
// --lang given before it.
func (m *Main) parseFlags(fs *flag.FlagSet, args []string) error {
	m.addLangFlag(fs)
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(io.Discard)
			fs.Parse(args) // the flags before --help, for its --lang
			if m.setLang(fs) != nil {
				m.lang = ""
			}
			fs.SetOutput(m.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	return m.setLang(fs)
}

// dbFlag adds the --db flag every subcommand that opens a store takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (f *multiFlag) String() string     { return strings.Join(*f, ",") }
func (f *multiFlag) Set(v string) error { *f = append(*f, v); return nil }

// logConfig is how a command that logs writes its log: one slog handler on
// standard error, configured once here from --log-level and --log-format
// and passed down (web.Config.Logger, storeConfig.Logger, the HTTP
// server's error log). The zero value is info, text.
type logConfig struct {
	Level  slog.Level
	Format string // "text" or "json"; "" is text
}

// logFlags adds --log-level and --log-format to a command that logs.
func logFlags(fs *flag.FlagSet, lc *logConfig) {
	fs.Func("log-level", "least severe log lines written: debug, info, warn or error (default info)", func(v string) error {
		l, ok := logLevels[strings.ToLower(v)]
		if !ok {
			return fmt.Errorf("%q: want debug, info, warn or error", v)
		}
		lc.Level = l
		return nil
	})
	fs.Func("log-format", "log lines as text (key=value) or json (one object a line) (default text)", func(v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("%q: want text or json", v)
		}
		lc.Format = v
		return nil
	})
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// logger is the one logger of a command, on its standard error.
func (m *Main) logger(lc logConfig) *slog.Logger {
	opts := &slog.HandlerOptions{Level: lc.Level}
	if lc.Format == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}
