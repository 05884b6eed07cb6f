package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/witness"
)

func init() {
	register(command{name: "witness", summary: "run a witness that cosigns other organisations' logs (C2SP tlog-witness): `witness serve`, or print its key with `witness key`", run: runWitness})
}

func runWitness(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: serve or key")
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprintf(m.Stdout, "Usage: qantar witness serve --key FILE [--name NAME] --db FILE --addr :PORT --log VKEY [--log VKEY …] [--logs FILE]\n"+
			"       qantar witness key --key FILE [--name NAME]\n\n%s\n(qantar witness serve --help for its flags; docs/WITNESS.md)\n", commands["witness"].summary)
		return flag.ErrHelp
	case "serve":
		return runWitnessServe(ctx, m, args[1:])
	case "key":
		return runWitnessKey(m, args[1:])
	}
	return usagef("unknown subcommand %q: want serve or key", args[0])
}

// witnessConfig is what `qantar witness serve` runs.
type witnessConfig struct {
	Key, Name, DB, Addr string
	Logs                []string // log verifier keys
	Logger              *slog.Logger
	ready               func(addr, vkey string) // tests: the listening address and the witness's key
}

func runWitnessServe(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlags("witness", "serve --key FILE [--name NAME] --db FILE --addr :PORT --log VKEY [--log VKEY …] [--logs FILE]")
	var cfg witnessConfig
	var logs multiFlag
	var lc logConfig
	fs.StringVar(&cfg.Key, "key", "witness.key", "the witness's key file, created (mode 0600) at first start")
	fs.StringVar(&cfg.Name, "name", "", "the witness's name for a new key, such as witness.example.org (it appears in its cosignatures)")
	fs.StringVar(&cfg.DB, "db", "witness.db", "the witness's SQLite database: the latest checkpoint of each log, and evidence")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:7380", "address to listen on")
	fs.Var(&logs, "log", "the verifier key (`VKEY`, as qantar version --log prints it) of a log this witness accepts; repeat for several")
	logsFile := fs.String("logs", "", "a `FILE` of the logs accepted: one verifier key a line, or a policy file (its log lines), # comments")
	logFlags(fs, &lc)
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	cfg.Logs = logs
	if *logsFile != "" {
		keys, err := readLogKeys(*logsFile)
		if err != nil {
			return err
		}
		cfg.Logs = append(cfg.Logs, keys...)
	}
	if len(cfg.Logs) == 0 {
		return usagef("name the logs this witness accepts: --log VKEY or --logs FILE")
	}
	cfg.Logger = m.logger(lc)
	return serveWitness(ctx, cfg)
}

// readLogKeys reads a --logs file.
func readLogKeys(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "log" {
			fields = fields[1:]
		}
		switch {
		case len(fields) == 0 || fields[0] == "witness" || fields[0] == "group" || fields[0] == "quorum":
			continue // a policy's other lines: a witness takes its logs from it
		case strings.Count(fields[0], "+") < 2:
			return nil, qantar.Errorf(qantar.EINVALID, "%s line %d: want a log's verifier key (name+keyid+key)", path, n)
		}
		keys = append(keys, fields[0])
	}
	return keys, sc.Err()
}

// serveWitness opens the key and database and serves add-checkpoint until
// ctx ends.
func serveWitness(ctx context.Context, cfg witnessConfig) error {
	signer, err := witness.LoadOrCreateKey(cfg.Key, cfg.Name)
	if err != nil {
		return err
	}
	db, err := witness.OpenDB(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := witness.NewServer(signer, db, cfg.Logs, cfg.Logger)
	if err != nil {
		return qantar.Errorf(qantar.EINVALID, "%v", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}
	cfg.Logger.Info("witness serving", "addr", "http://"+ln.Addr().String(), "vkey", signer.VerifierKey(), "logs", len(cfg.Logs), "db", cfg.DB)
	if cfg.ready != nil {
		cfg.ready(ln.Addr().String(), signer.VerifierKey())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func runWitnessKey(m *Main, args []string) error {
	fs := m.newFlags("witness", "key --key FILE [--name NAME]")
	key := fs.String("key", "witness.key", "the witness's key file (created, mode 0600, when --name is given and it does not exist)")
	name := fs.String("name", "", "the witness's name, to create a new key")
	if err := m.parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	s, err := witness.LoadOrCreateKey(*key, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, s.VerifierKey())
	return nil
}
