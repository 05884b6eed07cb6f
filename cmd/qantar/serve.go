package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/postgres"
	"github.com/qantar-project/qantar/seed"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web"
	"github.com/qantar-project/qantar/witness"
)

func init() {
	register(command{name: "serve", summary: "run the web server (loads the bundled Qantar 2022 data into a new database)", run: runServe})
}

// serveConfig is the server's configuration, filled from flags.
type serveConfig struct {
	DB          string
	Addr        string
	Empty       bool
	Synchronous string
	Rules       string         // a rules file replacing the embedded ones
	Origin      string         // the site's address as readers reach it (web.Config.Origin)
	LogOrigin   string         // the log's name, if given; else a new log is named after Origin
	TrustProxy  bool           // honour the reverse proxy's X-Forwarded-Proto
	MetricsFrom []netip.Prefix // who may read /metrics without a token (web.Config.MetricsFrom)
	Log         logConfig      // --log-level, --log-format
	// WitnessPolicy names the witnesses that cosign the log's checkpoints
	// (docs/WITNESS.md); WitnessState keeps the newest witnessed one.
	WitnessPolicy, WitnessState string
	Files                       fileConfig // --files, --file-recipients, --file-identity, --max-file-size (file.go)
	// TSA stamps each new file in the background, and every TSARetry the
	// files still lacking a token (--tsa, --tsa-roots, --tsa-retry; stamp.go).
	TSA      tsaConfig
	TSARetry time.Duration
	// ready, when set, receives the listening address (tests use port 0).
	ready func(addr string)
	// stamped, when set, sees each timestamp result (tests).
	stamped func(evidence.StampResult)
}

func runServe(ctx context.Context, m *Main, args []string) error {
	cfg, err := m.serveFlags(args)
	if err != nil {
		return err
	}
	return m.serve(ctx, cfg)
}

// serveFlags reads serve's flags into its configuration.
func (m *Main) serveFlags(args []string) (serveConfig, error) {
	fs := m.newFlags("serve", "[--db qantar.db] [--addr 127.0.0.1:8080] [--empty] [--origin https://host] [--log-origin host/log] [--trust-proxy] [--metrics-from CIDR,...] [--log-level info] [--log-format text|json]")
	cfg := serveConfig{}
	var err error
	fs.StringVar(&cfg.DB, "db", "qantar.db", "database: a SQLite file path, or a postgres:// URL")
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.BoolVar(&cfg.Empty, "empty", false, "do not load the bundled Qantar 2022 dataset into a new database")
	fs.StringVar(&cfg.Synchronous, "synchronous", "FULL", "SQLite durability: FULL (survives power loss) or NORMAL (survives crashes)")
	fs.StringVar(&cfg.Rules, "rules", "", "jurisdiction rules file (JSON, see law/rules/README.md) instead of the embedded Kazakh rules")
	fs.StringVar(&cfg.Origin, "origin", "", "the site's address as readers reach it, e.g. https://qantar.example.org (https makes cookies Secure)")
	fs.StringVar(&cfg.LogOrigin, "log-origin", "", "the log's name, e.g. qantar.example.org/log (default: the host of --origin and /log for a new database; a log keeps its first name for life, and another is refused)")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", false, "honour X-Forwarded-Proto from the reverse proxy in front (only if every request comes through it)")
	metricsFrom := fs.String("metrics-from", "127.0.0.0/8,::1/128", "addresses or CIDR prefixes, comma-separated, that may read /metrics and /debug/pprof/ without an admin token (\"none\": only with one); a request through a proxy (X-Forwarded-For) never counts as from an address")
	fs.StringVar(&cfg.WitnessPolicy, "witness-policy", "", "a witness policy file (docs/WITNESS.md): /log/checkpoint then serves the newest checkpoint its quorum cosigned")
	fs.StringVar(&cfg.WitnessState, "witness-state", "", "where to keep the newest witnessed checkpoint across restarts (default: the SQLite database path + .witnessed)")
	logFlags(fs, &cfg.Log)
	fileFlags(fs, &cfg.Files)
	tsaFlags(fs, &cfg.TSA)
	fs.DurationVar(&cfg.TSARetry, "tsa-retry", 10*time.Minute, "how often the files still lacking a timestamp token are stamped again (--tsa)")
	if err := m.parseFlags(fs, args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, usagef("unexpected argument %q", fs.Arg(0))
	}
	if cfg.MetricsFrom, err = web.ParseMetricsFrom(*metricsFrom); err != nil {
		return cfg, usagef("--metrics-from: %v", err)
	}
	if cfg.Origin != "" {
		if err := web.CheckOrigin(cfg.Origin); err != nil {
			return cfg, usagef("--origin: %v", err)
		}
	}
	return cfg, nil
}

func (m *Main) serve(ctx context.Context, cfg serveConfig) error {
	log := m.logger(cfg.Log)
	rules, err := rulesRegistry(cfg.Rules)
	if err != nil {
		return err
	}
	store, err := openAppStore(ctx, storeConfig{DSN: cfg.DB, Synchronous: cfg.Synchronous, Checker: law.Checker{Rules: rules}, Logger: log,
		LogOrigin: cfg.LogOrigin, NewLogOrigin: tlog.OriginOfSite(cfg.Origin)})
	if err != nil {
		return err
	}
	defer store.Close()

	if !cfg.Empty {
		counts, err := store.Count(ctx)
		if err != nil {
			return err
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		if total == 0 {
			f, err := seed.Bundled()
			if err != nil {
				return err
			}
			n, err := seed.Load(ctx, store, f)
			if qantar.ErrorCode(err) == qantar.ECONFLICT {
				// Another server on the same database loaded it at the
				// same moment; loading again finds it all there.
				n, err = seed.Load(ctx, store, f)
			}
			if err != nil {
				return fmt.Errorf("load bundled data: %w", err)
			}
			log.Info("loaded the bundled Qantar 2022 dataset", "records", n)
		}
	}

	cos, err := newCosigner(cfg, store, log)
	if err != nil {
		return err
	}
	if cos != nil { // in the background: writes never wait for witnesses
		go cos.Run(ctx, store.Checkpoint)
		log.Info("witnessing the log", "policy", cfg.WitnessPolicy)
	}
	files, err := cfg.Files.open(cfg.DB, m.Getenv)
	if err != nil {
		return err
	}
	stamping, err := startStamper(ctx, cfg, store, files, log)
	if err != nil {
		return err
	}
	defer stamping.Wait() // before the store closes
	outline, err := seed.Regions()
	if err != nil {
		return err
	}
	srv := web.New(web.Config{Store: store, Tokens: store, Log: store, Search: store, Rules: rules, Logger: log,
		Origin: cfg.Origin, TrustProxy: cfg.TrustProxy, MetricsFrom: cfg.MetricsFrom, Witness: cos, Files: files, Map: outline})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if err := srv.WarmFigures(ctx); err != nil {
		log.Warn("figures not computed ahead", "err", err)
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "db", cfg.DB)
	if cfg.ready != nil {
		cfg.ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests (and their writes) finish.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// startStamper stamps, when cfg names authorities, each file soon after
// it is stored and every --tsa-retry those still lacking a token, in the
// background: an upload never waits for an authority. The WaitGroup is
// done once it has stopped with ctx.
func startStamper(ctx context.Context, cfg serveConfig, store qantar.Store, files *evidence.Files, log *slog.Logger) (*sync.WaitGroup, error) {
	var wg sync.WaitGroup
	s, err := cfg.TSA.stamping(qantar.System)
	if err != nil || s == nil {
		return &wg, err
	}
	if cfg.TSARetry <= 0 {
		return &wg, usagef("--tsa-retry must be positive")
	}
	sp := evidence.NewStamper(*s, store, cfg.TSARetry, log)
	sp.OnResult = cfg.stamped
	if files != nil {
		files.Blobs = sp.Watch(files.Blobs)
	}
	wg.Go(func() { sp.Run(ctx) })
	log.Info("stamping files", "authorities", cfg.TSA.Authorities.String(), "retry", cfg.TSARetry)
	return &wg, nil
}

// newCosigner makes, when cfg names a witness policy, the cosigner that
// sends the log's checkpoints to its witnesses (nil without a policy).
func newCosigner(cfg serveConfig, log web.Log, logger *slog.Logger) (*witness.Cosigner, error) {
	if cfg.WitnessPolicy == "" {
		return nil, nil
	}
	p, err := witness.ReadPolicy(cfg.WitnessPolicy)
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "--witness-policy: %v", err)
	}
	state := cfg.WitnessState
	if state == "" && !postgres.IsURL(cfg.DB) {
		state = cfg.DB + ".witnessed"
	} else if state == "-" { // publish: cosigns once, keeps nothing
		state = ""
	}
	cos, err := witness.NewCosigner(witness.CosignerConfig{Policy: p, LogKey: log.LogKey(),
		Proof: witness.TileProofs(log.Tile), StateFile: state, Logger: logger})
	if err != nil {
		return nil, qantar.Errorf(qantar.EINVALID, "--witness-policy: %v", err)
	}
	return cos, nil
}
