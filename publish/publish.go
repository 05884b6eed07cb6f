// Package publish writes a static mirror of the public site: the pages an
// anonymous reader sees, in every language, rendered by the site's own
// handler; the open data; and the tamper-evident log (checkpoint, key,
// tiles and entry bundles at the paths the site serves them), with a
// VERIFY.txt that says how to check it and a SHA256SUMS of every file. The
// mirror is plain files with relative links: any static host, a USB stick
// or file:// serves it, and `qantar verify --url` checks its log.
package publish

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/tlog"
	"github.com/qantar-project/qantar/web"
)

// Options says what to publish and how.
type Options struct {
	// Site is the site's configuration, as the server's (web.New): Store
	// and Log are required. Pages are rendered by its handler, in process,
	// as an anonymous reader.
	Site web.Config
	// Origin is the address the mirror will be served at (optional); it is
	// written into VERIFY.txt so that its commands can be copied as they are.
	Origin string
	// Lang is the language of the pages at the mirror's root: en (the
	// site's default, when empty), ru or kk. The other two are under their
	// code (kk/, ru/, en/).
	Lang string
	// Force replaces a previous mirror in the output directory. A directory
	// that is not a mirror (no SHA256SUMS and log/checkpoint) is never
	// replaced.
	Force bool
	// Parallel is how many pages are rendered at once; GOMAXPROCS if 0.
	Parallel int
	// Cosign, when set, has the checkpoint cosigned by witnesses (a
	// witness.Cosigner's Cosign): the mirror's log/checkpoint then carries
	// their cosignatures, and VERIFY.txt says how to check them.
	Cosign func(ctx context.Context, signed []byte) ([]byte, error)
}

// Report says what was published.
type Report struct {
	Dir        string
	Langs      []string // every language, the root's first
	Checkpoint []byte   // the signed checkpoint the mirror is at
	Size       uint64   // its tree size
	Pages      int      // distinct pages, each written in every language
	Files      int      // every file, SHA256SUMS included
	Bytes      int64
	Tiles      int // hash tiles
	Bundles    int // entry bundles
	Records    map[qantar.Kind]int
	Check      *CheckReport // the mirror checked before it was put in place
	Elapsed    time.Duration
}

// mirrorCSS is the mirror's small addition to the site's style sheet: the
// language links (the site's switch is a form of buttons).
const mirrorCSS = "static/mirror.css"

const mirrorStyle = `/* Qantar mirror: the language switch is links here, not buttons. */
.langs a { border: 1px solid var(--line, #ccc); padding: .1rem .4rem; text-decoration: none; }
.langs a.current { border-color: var(--accent, #a00); font-weight: 700; }
footer .mirror { margin: .3rem 0 0; }
`

// VerifyFile is the plain-text guide to checking a mirror.
const VerifyFile = "VERIFY.txt"

// mirror is one publication in progress.
type mirror struct {
	h         http.Handler
	langs     []string // the root's language first
	def       string
	published string
	size      uint64
	w         *files
	links     sync.Map // a link from the site's root → its target
	witnessed bool     // the log's checkpoint carries witnesses' cosignatures
}

// prefix is the directory of a language's pages: "" for the root's.
func (m *mirror) prefix(lang string) string {
	if lang == m.def {
		return ""
	}
	return lang + "/"
}

// Publish writes a mirror of the site into out. It writes into a
// temporary directory beside out and renames it into place only when the
// mirror is complete and has checked out (its log recomputed, its open
// data matched against the log), so that a failure or a crash never leaves
// half a mirror at out: out is then as it was. The database must not
// change while publishing (the checkpoint is read before and after); if it
// does, publish again.
func Publish(ctx context.Context, out string, o Options) (*Report, error) {
	start := time.Now()
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := checkOut(out, o.Force); err != nil { // as given, and cleaned below
		return nil, err
	}
	out = filepath.Clean(out)
	tmp, err := tempBeside(out, o.Force)
	if err != nil {
		return nil, err
	}
	placed := false
	defer func() {
		if !placed {
			os.RemoveAll(tmp)
		}
	}()
	lg := o.Site.Log
	signed, err := lg.Checkpoint(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: checkpoint: %w", err)
	}
	key := lg.LogKey()
	cp, err := tlog.OpenCheckpoint(signed, key)
	if err != nil {
		return nil, fmt.Errorf("publish: the database's own checkpoint does not verify with its key: %w", err)
	}
	m := newMirror(o, tmp, cp.Size)
	rep := &Report{Dir: out, Langs: m.langs, Checkpoint: signed, Size: cp.Size}
	if o.Cosign != nil {
		if rep.Checkpoint, err = o.Cosign(ctx, signed); err != nil {
			return nil, fmt.Errorf("publish: the witnesses did not cosign the checkpoint: %w", err)
		}
		m.witnessed = true
	}
	if err := m.writeLog(ctx, lg, rep.Checkpoint, key, rep); err != nil {
		return nil, err
	}
	if err := m.writeOpenData(ctx, o.Site.Store, tmp, signed, rep); err != nil {
		return nil, err
	}
	if err := m.writeEvidence(ctx, o.Site); err != nil {
		return nil, err
	}
	if err := m.writePages(ctx, o, rep, key, cp); err != nil {
		return nil, err
	}
	if err := m.seal(ctx, lg, signed, rep); err != nil {
		return nil, err
	}
	// Check the mirror as a reader would, before it replaces anything.
	rep.Check, err = check(ctx, tmp, CheckOptions{VerifierKey: key}, false)
	if err != nil {
		return nil, fmt.Errorf("publish: the mirror does not check out: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	if err := place(tmp, out, o.Force); err != nil {
		return nil, err
	}
	placed = true
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// check refuses options that cannot publish, and fills in the defaults.
func (o *Options) check() error {
	if o.Site.Store == nil || o.Site.Log == nil {
		return errors.New("publish: Options.Site needs a Store and a Log")
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	if !contains(qantar.UILangs, o.Lang) {
		return qantar.FieldErrorf("lang", "%q is not one of %s", o.Lang, strings.Join(qantar.UILangs, ", "))
	}
	if o.Origin != "" {
		if err := CheckOrigin(o.Origin); err != nil {
			return err
		}
	}
	if o.Parallel <= 0 {
		o.Parallel = max(2, runtime.GOMAXPROCS(0))
	}
	return nil
}

// tempBeside makes the temporary directory a mirror of out is written in,
// beside out, after checking that out may be replaced.
func tempBeside(out string, force bool) (string, error) {
	if err := checkOut(out, force); err != nil {
		return "", err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".publishing-")
	if err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	return tmp, nil
}

// newMirror is a publication into tmp of the site at a log size.
func newMirror(o Options, tmp string, size uint64) *mirror {
	now := time.Now
	if o.Site.Now != nil {
		now = o.Site.Now
	}
	m := &mirror{h: web.New(o.Site).Handler(), def: o.Lang, size: size, w: newFiles(tmp),
		published: now().UTC().Format("2006-01-02 15:04 UTC")}
	m.langs = append(m.langs, o.Lang)
	for _, l := range qantar.UILangs {
		if l != o.Lang {
			m.langs = append(m.langs, l)
		}
	}
	return m
}

// writeLog writes the log at the checkpoint just read: the checkpoint, the
// key, and every hash tile and entry bundle of its tree.
func (m *mirror) writeLog(ctx context.Context, lg web.Log, signed []byte, key string, rep *Report) error {
	if err := m.w.write(strings.TrimPrefix(tlog.PathCheckpoint, "/"), signed); err != nil {
		return err
	}
	if err := m.w.write(strings.TrimPrefix(tlog.PathKey, "/"), []byte(key+"\n")); err != nil {
		return err
	}
	for _, t := range tlog.TilesForSize(m.size) {
		ids := []tlog.TileID{t}
		if t.Level == 0 {
			e := t
			e.Entries = true
			ids = append(ids, e)
		}
		for _, id := range ids {
			b, err := lg.Tile(ctx, id)
			if err != nil {
				return fmt.Errorf("publish: log %s: %w", id.Path(), err)
			}
			if err := m.w.write(strings.TrimPrefix(tlog.PathTilePrefix, "/")+id.Path(), b); err != nil {
				return err
			}
			if id.Entries {
				rep.Bundles++
			} else {
				rep.Tiles++
			}
		}
	}
	return nil
}

// writeOpenData writes the site's public export of every kind, at the
// checkpoint signed, and the versions of each record.
func (m *mirror) writeOpenData(ctx context.Context, st qantar.Store, tmp string, signed []byte, rep *Report) error {
	rep.Records = map[qantar.Kind]int{}
	dataDir := filepath.Join(tmp, "data")
	for _, format := range []string{"csv", "json"} {
		x, err := csvio.Export(ctx, st, dataDir, csvio.ExportOptions{Format: format, Public: true})
		if err != nil {
			return fmt.Errorf("publish: open data: %w", err)
		}
		rep.Records = x.Counts
	}
	if b, err := os.ReadFile(filepath.Join(dataDir, csvio.CheckpointFile)); err == nil && !bytes.Equal(b, signed) {
		return changed()
	}
	if err := m.w.adopt("data"); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return m.writeVersions(ctx, st)
}

// writePages writes the pages: the fixed ones, every record's page and
// history, and then whatever they link to; the mirror's own page, style
// and VERIFY.txt.
func (m *mirror) writePages(ctx context.Context, o Options, rep *Report, key string, cp tlog.Checkpoint) error {
	records := 0
	for _, n := range rep.Records {
		records += n
	}
	c := newCrawler(m, 3*(records+int(cp.Size))+1000)
	for _, p := range []string{"/", "/stats", "/victims"} {
		c.add(mapURL(nil, p))
	}
	for _, k := range qantar.Kinds {
		c.add(mapURL(nil, "/"+string(k)))
		err := eachID(ctx, o.Site.Store, k, func(id int64) {
			c.add(mapURL(nil, fmt.Sprintf("/%s/%d", k, id)))
			c.add(mapURL(nil, fmt.Sprintf("/%s/%d/history", k, id)))
		})
		if err != nil {
			return fmt.Errorf("publish: list %s: %w", k, err)
		}
	}
	if err := c.run(ctx, o.Parallel); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := m.writeAbout(ctx, c, rep, key, cp); err != nil {
		return err
	}
	if err := c.run(ctx, o.Parallel); err != nil { // anything only the mirror's page links to
		return fmt.Errorf("publish: %w", err)
	}
	rep.Pages = c.pages
	if err := m.w.write(mirrorCSS, []byte(mirrorStyle)); err != nil {
		return err
	}
	verify := verifyText(verifyInfo{Published: m.published, Origin: o.Origin, Log: cp.Origin, Size: cp.Size,
		Root: base64.StdEncoding.EncodeToString(cp.Hash), Key: key, DefaultDir: o.Lang, Langs: m.langs, Witnessed: m.witnessed})
	return m.w.write(VerifyFile, []byte(verify))
}

// seal checks that everything written is of the one state the checkpoint
// names, and writes the manifest.
func (m *mirror) seal(ctx context.Context, lg web.Log, signed []byte, rep *Report) error {
	after, err := lg.Checkpoint(ctx)
	if err != nil {
		return fmt.Errorf("publish: checkpoint: %w", err)
	}
	if !bytes.Equal(after, signed) {
		return changed()
	}
	if err := m.w.writeManifest(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	rep.Files, rep.Bytes = len(m.w.sums), m.w.bytes
	return nil
}

func changed() error {
	return qantar.Errorf(qantar.ECONFLICT, "the database changed while the mirror was being written; publish again (or publish from a copy)")
}

// eachID calls fn with the id of every record of kind k that an anonymous
// reader's list shows (protected persons among them, as placeholders).
func eachID(ctx context.Context, st qantar.Store, k qantar.Kind, fn func(int64)) error {
	recs, err := qantar.ListAll(ctx, st, k, qantar.Filter{Reader: qantar.Anonymous})
	if err != nil {
		return err
	}
	for _, r := range recs {
		fn(r.GetMeta().ID)
	}
	return nil
}

// CheckOrigin accepts the address a mirror will be served at: an absolute
// http or https URL.
func CheckOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return qantar.FieldErrorf("origin", "%q is not the http(s) address of the mirror, such as https://mirror.example.org/qantar", origin)
	}
	return nil
}

// checkOut refuses an output that publishing must not replace: a file, a
// directory with something in it (unless force, and then only a mirror).
func checkOut(out string, force bool) error {
	switch filepath.Base(out) {
	case ".", "..", string(filepath.Separator):
		return qantar.FieldErrorf("out", "%q must name the mirror's own directory", out)
	}
	fi, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return qantar.FieldErrorf("out", "%v", err)
	}
	if !fi.IsDir() {
		return qantar.FieldErrorf("out", "%s exists and is not a directory", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return qantar.FieldErrorf("out", "%v", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if !force {
		return qantar.FieldErrorf("out", "%s is not empty; pass --force to replace the mirror in it", out)
	}
	if !isMirror(out) {
		return qantar.FieldErrorf("out", "%s is not empty and holds no mirror (no %s and log/checkpoint): it is not replaced, even with --force", out, Manifest)
	}
	return nil
}

func isMirror(dir string) bool {
	for _, f := range []string{Manifest, filepath.Join("log", "checkpoint")} {
		if fi, err := os.Lstat(filepath.Join(dir, f)); err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// place renames the finished mirror tmp to out. A previous mirror (or an
// empty directory) at out is first renamed aside, and put back if the
// rename fails, then removed.
func place(tmp, out string, force bool) error {
	if err := checkOut(out, force); err != nil { // again: it may have changed meanwhile
		return err
	}
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		return fmt.Errorf("publish: move the previous mirror aside: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		if rerr := os.Rename(old, out); rerr != nil {
			return fmt.Errorf("publish: %w (and the previous mirror is left at %s: %v)", err, old, rerr)
		}
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("publish: the mirror is in place, but the previous one is left at %s: %w", old, err)
	}
	return nil
}

// aboutPage is the mirror's own page, in each language: read-only, what
// data it has, the log, how to check it. It is built in the site's layout
// (taken from the home page) so that it looks and navigates like the rest.
var aboutPage = template.Must(template.New("about").Parse(`<h1>{{.Title}}</h1>
<p class="notice">{{.ReadOnly}}</p>
<p class="muted">{{.Published}}</p>
<section><h2>{{.DataTitle}}</h2>
<p>{{.DataIntro}}</p>
<table class="list"><tbody>{{range .Data}}
<tr><th scope="row">{{.Label}}</th><td>{{.Count}}</td><td><a href="{{.CSV}}" download>CSV</a></td><td><a href="{{.JSON}}" download>JSON</a></td></tr>{{end}}
</tbody></table></section>
<section><h2>{{.LogTitle}}</h2>
<dl class="fields">{{range .Log}}<dt>{{.Label}}</dt><dd>{{if .Href}}<a href="{{.Href}}">{{.Value}}</a>{{else}}<code>{{.Value}}</code>{{end}}</dd>
{{end}}</dl></section>
<section><h2>{{.HowTitle}}</h2>
<p>{{.HowIntro}} <a href="{{.Verify}}">{{.VerifyName}}</a></p>
<p>{{.Sums}} <a href="{{.Manifest}}">{{.ManifestName}}</a></p></section>
`))

type aboutView struct {
	Title, ReadOnly, Published, DataTitle, DataIntro, LogTitle, HowTitle, HowIntro, Sums string
	Verify, VerifyName, Manifest, ManifestName                                           string
	Data                                                                                 []aboutData
	Log                                                                                  []aboutField
}

type aboutData struct{ Label, Count, CSV, JSON string }

type aboutField struct{ Label, Value, Href string }

// writeAbout writes the mirror's page in every language.
func (m *mirror) writeAbout(ctx context.Context, c *crawler, rep *Report, key string, cp tlog.Checkpoint) error {
	for _, lang := range m.langs {
		res := m.get(ctx, "/", lang)
		if res.Code != http.StatusOK {
			return fmt.Errorf("publish: GET / (%s): status %d", lang, res.Code)
		}
		self := m.path(lang, MirrorPage)
		v := aboutView{
			Title:     msg(lang, "About this mirror"),
			ReadOnly:  msg(lang, "This is a read-only copy of the public Qantar site, as an anonymous reader sees it. Search, sign-in, filters, sorting and editing work only on the live site."),
			Published: msg(lang, "Published: %s.", m.published),
			DataTitle: msg(lang, "Open data"),
			DataIntro: msg(lang, "Every kind of record, as the public site shows it: protected persons are placeholders with no identifying detail."),
			LogTitle:  msg(lang, "The tamper-evident log"),
			HowTitle:  msg(lang, "How to check this mirror"), HowIntro: msg(lang, "Step-by-step instructions in three languages:"),
			Sums:   msg(lang, "The SHA-256 of every file:"),
			Verify: relPath(self, VerifyFile), VerifyName: VerifyFile, Manifest: relPath(self, Manifest), ManifestName: Manifest}
		for _, k := range qantar.Kinds {
			label := c.titles[lang+"|/"+string(k)]
			if label == "" {
				label = string(k)
			}
			v.Data = append(v.Data, aboutData{Label: label, Count: msg(lang, "%d records", rep.Records[k]),
				CSV: relPath(self, "data/"+string(k)+".csv"), JSON: relPath(self, "data/"+string(k)+".json")})
		}
		v.Log = []aboutField{
			{Label: msg(lang, "Log"), Value: cp.Origin},
			{Label: msg(lang, "Entries"), Value: fmt.Sprint(cp.Size)},
			{Label: msg(lang, "Root hash"), Value: base64.StdEncoding.EncodeToString(cp.Hash)},
			{Label: msg(lang, "Public key"), Value: key, Href: relPath(self, "log/key")},
			{Label: msg(lang, "Signed checkpoint"), Value: "log/checkpoint", Href: relPath(self, "log/checkpoint")},
		}
		var b bytes.Buffer
		if err := aboutPage.Execute(&b, v); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		// The home page's layout, with this in its <main>.
		body, err := m.rewrite(res.Body.Bytes(), page{lang: lang, file: MirrorPage, base: &url.URL{Path: "/"}}, c.add,
			rewriteOpts{main: b.Bytes(), title: msg(lang, "About this mirror") + " — Qantar"})
		if err != nil {
			return fmt.Errorf("publish: GET / (%s): %w", lang, err)
		}
		if err := m.w.write(self, body); err != nil {
			return err
		}
	}
	return nil
}
