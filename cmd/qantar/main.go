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
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is filled by each subcommand's file (register in init).
var commands = map[string]command{}

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
		fmt.Fprintf(m.Stderr, "qantar %s: %s\n", c.name, err)
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
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// newFlags returns a FlagSet that reports its errors as usage errors and
// prints its help on the command's standard output.
func (m *Main) newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("qantar "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: qantar %s %s\n\n%s\n\nFlags:\n", name, synopsis, commands[name].summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors and --help
// into a clean exit with the help on standard output.
func (m *Main) parseFlags(fs *flag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(m.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// dbFlag adds the --db flag every subcommand that opens a store takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (f *multiFlag) String() string     { return strings.Join(*f, ",") }
func (f *multiFlag) Set(v string) error { *f = append(*f, v); return nil }
