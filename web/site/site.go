// Package site is Qantar's public site and the editors' workspace: HTML
// pages rendered on the server from templates/ with assets from static/, in
// kk, ru and en through package locale, no script needed. Errors are pages
// through the one table from error code to status (httpx); who the reader is
// comes from package auth; figures from package figures.
package site

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/chart"
	"github.com/qantar-project/qantar/evidence"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/auth"
	"github.com/qantar-project/qantar/web/figures"
	"github.com/qantar-project/qantar/web/httpx"
)

//go:embed templates/*.html static/*
var siteFS embed.FS

// Config is what the pages need, filled by the root package web.
type Config struct {
	Store  qantar.Store
	Log    figures.Checkpointer
	Search qantar.Searcher // optional
	Rules  *law.Registry
	Logger *slog.Logger
	// Now is the clock.
	Now       func() time.Time
	Figures   *figures.Figures
	Auth      *auth.Service
	Transport httpx.Transport
	// Files keeps evidence files (nil: the server keeps none).
	Files *evidence.Files
	// Map is the outline of the jurisdiction's regions that /map draws
	// (none: the page lists what it would draw).
	Map chart.Outline
}

// Site is the public site and the editors' workspace: templates parsed once,
// assets, the translators, the session store and the caches. Routes
// registers its pages.
type Site struct {
	store       qantar.Store
	log         figures.Checkpointer
	searchIndex qantar.Searcher // nil: no search (the root gives the store's)
	logger      *slog.Logger
	now         func() time.Time
	figures     *figures.Figures
	auth        *auth.Service
	transport   httpx.Transport
	files       *evidence.Files
	outline     chart.Outline

	users qantar.UserService // nil: no accounts (sign-in answers 404)
	tmpl  map[string]*template.Template
	// rendered records which templates have been rendered, so that a test
	// can check that every template is used.
	rendered sync.Map
	assets   *assets
	tr       map[string]tr
	cop      *http.CrossOriginProtection
	home     *homeCache
	records  recordCache
	rules    *law.Registry
	// feeds keeps the Atom feeds of cases and persons until the log grows.
	feeds feedCache
	// command answers who was in command from the records around each
	// question (command.Near; it caches only the units placed by
	// coordinates, per write and reader class: command_near.go).
	command commandCache
	// kinds are the kinds that have pages: all of them.
	kinds []qantar.Kind
}

// New parses the templates and indexes the assets.
func New(cfg Config) *Site {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rules == nil {
		cfg.Rules = law.DefaultRegistry()
	}
	if cfg.Auth == nil {
		cfg.Auth = auth.New(nil, cfg.Now, cfg.Logger, cfg.Transport)
	}
	if cfg.Figures == nil {
		cfg.Figures = figures.New(cfg.Store, cfg.Log, cfg.Rules, cfg.Now, cfg.Auth)
	}
	p := &Site{store: cfg.Store, log: cfg.Log, searchIndex: cfg.Search, logger: cfg.Logger, now: cfg.Now, figures: cfg.Figures,
		auth: cfg.Auth, transport: cfg.Transport, users: cfg.Auth.Users(), files: cfg.Files, outline: cfg.Map,
		tr: newTranslators(newCatalog()), cop: http.NewCrossOriginProtection(),
		home: &homeCache{}, rules: cfg.Rules, kinds: qantar.Kinds}
	var err error
	if p.assets, err = loadAssets(siteFS); err != nil {
		panic(err) // embedded at build time: a broken asset is a bug
	}
	if p.tmpl, err = parseTemplates(siteFS, p.funcs()); err != nil {
		panic(err)
	}
	return p
}

// funcs are the template functions; translation is a method of .T instead,
// because it depends on the request.
func (p *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": p.assets.path,
		"href":  recordHref,
		"add":   func(a, b int) int { return a + b },
	}
}

// parseTemplates parses every page template with the layout and partials
// (files starting with "_"). A page is a file; its name is its key.
func parseTemplates(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var shared []string
	var pages []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			shared = append(shared, n)
		} else {
			pages = append(pages, n)
		}
	}
	out := map[string]*template.Template{}
	if len(pages) != len(pageNames) {
		return nil, fmt.Errorf("templates: %d page files for %d pages (pageNames)", len(pages), len(pageNames))
	}
	for _, pg := range pages {
		name := strings.TrimSuffix(path.Base(pg), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(append([]string{}, shared...), pg)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		if t.Lookup("content") == nil || t.Lookup("layout") == nil {
			return nil, fmt.Errorf("template %s: defines no \"content\" or the layout is missing", name)
		}
		if !containsStr(pageNames, name) {
			return nil, fmt.Errorf("template %s is no page: every template file must be rendered (add it to pageNames or remove it)", name)
		}
		out[name] = t
	}
	return out, nil
}

// pageNames are the page templates the handlers render; parseTemplates
// refuses a file that is not one of them, and TestTemplatesUsed checks that
// each is rendered by a handler.
var pageNames = []string{"audit", "command", "death", "edit", "error", "history", "home", "import", "linkage", "list", "lists", "login", "map", "record", "search", "stats", "users", "victims", "workspace"}

// base is what every page carries: the translator, the reader, the path (for
// the language switch) and the title.
type base struct {
	T       tr
	Actor   qantar.Actor
	Title   string
	Path    string
	Langs   []langLink
	Notice  string
	NoIndex bool
}

type langLink struct {
	Code, Name string
	Current    bool
}

// SignedIn reports whether the reader has an account session or a token.
func (b base) SignedIn() bool { return b.Actor.ID != "" }

// CanWrite reports whether the reader may edit.
func (b base) CanWrite() bool { return b.Actor.CanWrite() }

// IsAdmin reports whether the reader manages accounts.
func (b base) IsAdmin() bool { return b.Actor.Role == qantar.RoleAdmin }

// newBase fills the common part of a page.
func (p *Site) newBase(r *http.Request, title string) base {
	lang := httpx.PickLang(r)
	b := base{T: p.tr[lang], Actor: httpx.ActorOf(r), Title: title, Path: r.URL.RequestURI()}
	for _, l := range qantar.UILangs {
		b.Langs = append(b.Langs, langLink{Code: l, Name: langName[l], Current: l == lang})
	}
	return b
}

// render executes a page template into a buffer first, so that a failing
// template yields an error page rather than half a page.
func (p *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := p.tmpl[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	p.rendered.Store(name, true)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if httpx.ActorOf(r).ID != "" {
		// Pages for a signed-in reader may hold protected data: never cache.
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Language", httpx.PickLang(r))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// errorView is the page of any error.
type errorView struct {
	base
	Status  int
	Code    string
	Message string
}

// page adapts a page handler: it signs in the session's reader, refuses
// cross-origin state-changing requests, and renders errors as a page through
// the same error-code→status table as the API.
func (p *Site) page(h httpx.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = p.auth.WithSession(r)
		if err := p.cop.Check(r); err != nil {
			p.renderError(w, r, qantar.Errorf(qantar.EFORBIDDEN, "cross-origin request refused"))
			return
		}
		if err := h(w, r); err != nil {
			p.renderError(w, r, err)
		}
	})
}

func (p *Site) renderError(w http.ResponseWriter, r *http.Request, err error) {
	err = httpx.BodyError(err)
	code := qantar.ErrorCode(err)
	if code == qantar.EINTERNAL {
		p.logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status := httpx.Status(code)
	pg := errorView{base: p.newBase(r, "")}
	pg.Status, pg.Code, pg.Message = status, code, pg.T.Err(err)
	pg.Title = pg.T.S(http.StatusText(status))
	httpx.StorageError(w, r, p.logger, err, code) // Retry-After, and the log
	if code == qantar.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if rerr := p.render(w, r, status, "error", pg); rerr != nil {
		p.logger.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// recordHref is the page of a record.
func recordHref(kind qantar.Kind, id int64) string {
	return "/" + string(kind) + "/" + strconv.FormatInt(id, 10)
}

// get returns a record as the reader may see it.
func (p *Site) get(ctx context.Context, reader qantar.Actor, kind qantar.Kind, id int64) (qantar.Record, error) {
	rec, err := p.getCached(ctx, reader, kind, id)
	if err != nil {
		return nil, err
	}
	return p.visible(ctx, reader, rec), nil
}

// visible is qantar.VisibleWith over the cached records: for a person the
// reader may not see, neither their name nor what sources say of them.
func (p *Site) visible(ctx context.Context, reader qantar.Actor, rec qantar.Record) qantar.Record {
	return qantar.VisibleWith(reader, rec, func(k qantar.Kind, id int64) (qantar.Record, error) {
		return p.getCached(ctx, reader, k, id)
	})
}

// visibleAll passes a page of records through visible.
// It returns a new slice: recs may be shared by the cache.
func (p *Site) visibleAll(ctx context.Context, reader qantar.Actor, recs []qantar.Record) []qantar.Record {
	out := make([]qantar.Record, len(recs))
	for i, rec := range recs {
		out[i] = p.visible(ctx, reader, rec)
	}
	return out
}

// setLang remembers the reader's language and goes back where they were.
func (p *Site) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if !httpx.IsUILang(lang) {
		return qantar.FieldErrorf("lang", "%q is not one of kk, ru, en", lang)
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: p.transport.Secure(r), SameSite: http.SameSiteLaxMode})
	next := httpx.LocalPath(r.PostFormValue("next"))
	// A ?lang= left in the address would override the new choice.
	if u, err := url.Parse(next); err == nil {
		q := u.Query()
		q.Del("lang")
		u.RawQuery = q.Encode()
		next = u.RequestURI()
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
