package publish

import (
	"fmt"
	"strings"

	"github.com/qantar-project/qantar/locale"
)

// msg returns a string of the mirror's own (that this copy is read-only,
// how to check it) in lang, formatted with args: like the site's, it is in
// the catalogue of package locale, the English text the key.
func msg(lang, key string, args ...any) string { return locale.For(lang).S(key, args...) }

// verifyInfo is what VERIFY.txt states about the mirror.
type verifyInfo struct {
	Published  string // UTC time
	Origin     string // the mirror's address, if given
	Log        string // the log's origin line
	Size       uint64
	Root       string // base64
	Key        string // note verifier key
	DefaultDir string // where each language's pages are: "kk/", "ru/", "" for the default
	Langs      []string
	Witnessed  bool // log/checkpoint carries witnesses' cosignatures
}

// verifyText writes VERIFY.txt: plain text in Kazakh, Russian and English
// (in that order, as the site lists them), saying what the mirror holds,
// what can be checked and how, and what cannot.
func verifyText(v verifyInfo) string {
	w := &verifyWriter{v: v, sep: strings.Repeat("=", 72), url: v.Origin}
	if w.url == "" {
		w.url = "MIRROR-URL"
	}
	w.header()
	for _, l := range []string{"kk", "ru", "en"} {
		w.section(l)
	}
	return strings.TrimSuffix(w.b.String(), "\n")
}

// verifyWriter writes VERIFY.txt, one section a method.
type verifyWriter struct {
	v        verifyInfo
	b        strings.Builder
	sep, url string
}

func (w *verifyWriter) line(format string, args ...any) { fmt.Fprintf(&w.b, format+"\n", args...) }

// dir is where a language's pages are, as the text names it.
func (w *verifyWriter) dir(l string) string {
	if l == w.v.DefaultDir {
		return "./"
	}
	return l + "/"
}

// header says what the mirror is at: each label in Kazakh, Russian and
// English, the order of the sections.
func (w *verifyWriter) header() {
	v := w.v
	w.line("Qantar — %s", strings.Join([]string{"айна", "зеркало", "mirror"}, " / "))
	w.line("%s", w.sep)
	w.line("жарияланды / опубликовано / published:        %s", v.Published)
	if v.Origin != "" {
		w.line("мекенжай / адрес / address:                   %s", v.Origin)
	}
	w.line("журнал / журнал / log:                        %s", v.Log)
	w.line("жазбалар / записей / entries:                 %d", v.Size)
	w.line("түбір хеші / корневой хеш / root hash:        %s", v.Root)
	w.line("ашық кілт / открытый ключ / public key:       %s", v.Key)
	if v.Witnessed {
		w.line("куәгерлер / свидетели / witnesses:            log/checkpoint")
		w.line("    qantar verify --url %s --policy witnesses.txt", w.url)
		w.line("    (куәгерлер саясаты / политика свидетелей / the witness policy: docs/WITNESS.md)")
	}
	w.line("")
}

// commands are the three ways to check the mirror, the same in every
// language.
func (w *verifyWriter) commands() {
	w.line("")
	w.line("    qantar verify --url %s --key 'KEY' --save checkpoint.txt", w.url)
	w.line("")
	w.line("    qantar publish --check DIR --key 'KEY'")
	w.line("")
	w.line("    sha256sum -c SHA256SUMS")
	w.line("")
}

// section writes one language's part: its words are the catalogue's (keyed
// by the English), so a translator edits them with the site's.
func (w *verifyWriter) section(lang string) {
	w.line("%s", w.sep)
	w.line("%s", msg(lang, "ENGLISH"))
	w.line("%s", w.sep)
	w.line("%s", msg(lang, "This is a read-only copy (a mirror) of the public Qantar site."))
	w.line("")
	w.line("%s", msg(lang, holdsText, w.dir("kk"), w.dir("ru"), w.dir("en")))
	w.line("")
	w.line("%s", msg(lang, howText))
	w.commands()
	w.line("%s", msg(lang, cannotText))
	w.line("")
}

// The longer paragraphs of VERIFY.txt, as the catalogue keys them.
const (
	holdsText = "What it holds:\n" +
		"- %s (Kazakh), %s (Russian), %s (English): the site's pages as an anonymous\n" +
		"  reader sees them. Protected persons appear only as \"Protected person\".\n" +
		"- data/: every kind of record as CSV and JSON (the site's public export).\n" +
		"- data/versions.json: every version of each public record with its salt: without\n" +
		"  it nobody can test a guess against the log's entry, with it anyone can check it.\n" +
		"- log/: the signed checkpoint of the tamper-evident log (log/checkpoint), its\n" +
		"  public key (log/key) and every tile and entry bundle of the log at it.\n" +
		"- SHA256SUMS: the SHA-256 of every file."
	howText = "How to check it:\n" +
		"1. Get the log's public key from a source you trust other than this mirror\n" +
		"   (the Qantar site, its publishers, a person you know) and compare it with the\n" +
		"   key above. A mirror can replace both its key and its log: only a key you\n" +
		"   got elsewhere proves that the log is Qantar's.\n" +
		"2. In the commands below, put that key for KEY. The first checks the log where\n" +
		"   the mirror is served: it recomputes every entry and the root hash and checks\n" +
		"   the signature, and compares every record in data/ with its entry in the log.\n" +
		"   Keep checkpoint.txt: next time, add --checkpoint checkpoint.txt to check that\n" +
		"   the log was only extended, never rewritten. The second (DIR is the mirror's\n" +
		"   folder, say on a USB stick; it works offline) checks the log, every file\n" +
		"   against SHA256SUMS, and every public record in data/ against its entry in\n" +
		"   the log. The third, without the qantar program, only checks that no file was\n" +
		"   damaged in transit."
	cannotText = "What cannot be checked: the HTML pages and SHA256SUMS are not signed; they are\n" +
		"only as trustworthy as whoever handed you this mirror. The records in data/ are\n" +
		"checked against the signed log; records about protected persons are shown\n" +
		"without identifying details and cannot be checked one by one."
)
