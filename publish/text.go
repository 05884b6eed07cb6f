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
	w.kazakh()
	w.russian()
	w.english()
	return w.b.String()
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

func (w *verifyWriter) kazakh() {
	w.line("%s", w.sep)
	w.line("ҚАЗАҚША")
	w.line("%s", w.sep)
	w.line("Бұл — Qantar ашық сайтының тек оқуға арналған көшірмесі (айнасы).")
	w.line("")
	w.line("Ішінде:")
	w.line("- %s (қазақша), %s (орысша), %s (ағылшынша): сайт беттері, анонимді оқырман", w.dir("kk"), w.dir("ru"), w.dir("en"))
	w.line("  көретіндей. Қорғалған адамдар тек «Қорғалған адам» деп көрсетіледі.")
	w.line("- data/: жазбалардың әр түрі CSV және JSON пішімінде (сайттағы ашық экспорт).")
	w.line("- data/versions.json: әр ашық жазбаның барлық нұсқасы, әрқайсысы өз «тұзымен»")
	w.line("  (salt): онсыз журналдағы жазбаны ешкім тексере алмайды, онымен кез келген адам тексереді.")
	w.line("- log/: қолдан өзгертуден қорғалған журналдың қол қойылған бақылау нүктесі")
	w.line("  (log/checkpoint), ашық кілті (log/key) және сол нүктедегі барлық тайлдары.")
	w.line("- SHA256SUMS: әр файлдың SHA-256 хеші.")
	w.line("")
	w.line("Қалай тексеру керек:")
	w.line("1. Журналдың ашық кілтін осы айнадан емес, сенімді басқа көзден алыңыз (Qantar")
	w.line("   сайты, оны жариялаушылар, өзіңіз сенетін адам) және жоғарыдағы кілтпен")
	w.line("   салыстырыңыз. Айна кілтті де, журналды да ауыстыра алады: журналдың Qantar")
	w.line("   журналы екенін тек басқа жерден алынған кілт дәлелдейді.")
	w.line("2. Төмендегі пәрмендерде KEY орнына сол кілтті қойыңыз. Бірінші пәрмен айна")
	w.line("   қойылған мекенжайдағы журналды тексереді: әр жазбаны және түбір хешін қайта")
	w.line("   есептейді, қолды тексереді және data/ ішіндегі әр жазбаны журналмен салыстырады.")
	w.line("   checkpoint.txt файлын сақтаңыз: келесі жолы --checkpoint")
	w.line("   checkpoint.txt қоссаңыз, журнал тек толықтырылғаны, қайта жазылмағаны")
	w.line("   тексеріледі. Екінші пәрмен (DIR — айна бумасы, мысалы флешкада; желісіз")
	w.line("   жұмыс істейді) журналды, SHA256SUMS бойынша әр файлды және data/ ішіндегі")
	w.line("   әр ашық жазбаны журналдағы жазбасымен салыстырып тексереді. Үшінші пәрмен")
	w.line("   qantar бағдарламасынсыз файлдардың жолда бүлінбегенін ғана тексереді.")
	w.commands()
	w.line("Не тексерілмейді: HTML беттері мен SHA256SUMS файлына қол қойылмаған, олар")
	w.line("айнаны сізге берген адамның сенімділігіндей ғана сенімді. data/ ішіндегі")
	w.line("жазбалар қол қойылған журналмен тексеріледі; қорғалған адамдар туралы")
	w.line("жазбалар анықтайтын мәліметсіз көрсетіледі, оларды жеке-жеке тексеру мүмкін емес.")
	w.line("")
}

func (w *verifyWriter) russian() {
	w.line("%s", w.sep)
	w.line("РУССКИЙ")
	w.line("%s", w.sep)
	w.line("Это копия (зеркало) публичного сайта Qantar только для чтения.")
	w.line("")
	w.line("Что в нём:")
	w.line("- %s (по-казахски), %s (по-русски), %s (по-английски): страницы сайта в том", w.dir("kk"), w.dir("ru"), w.dir("en"))
	w.line("  виде, в каком их видит анонимный читатель. Защищённые лица показаны только")
	w.line("  как «Защищённое лицо».")
	w.line("- data/: все виды записей в CSV и JSON (та же открытая выгрузка, что на сайте).")
	w.line("- data/versions.json: все версии каждой открытой записи, каждая со своей «солью»")
	w.line("  (salt): без неё запись журнала не проверить никому, с ней — любому.")
	w.line("- log/: подписанная контрольная точка защищённого от подделки журнала")
	w.line("  (log/checkpoint), его открытый ключ (log/key) и все тайлы журнала на ней.")
	w.line("- SHA256SUMS: SHA-256 каждого файла.")
	w.line("")
	w.line("Как проверить:")
	w.line("1. Получите открытый ключ журнала не из этого зеркала, а из другого источника,")
	w.line("   которому вы доверяете (сайт Qantar, его издатели, знакомый вам человек), и")
	w.line("   сравните с ключом выше. Зеркало может подменить и ключ, и журнал: только")
	w.line("   ключ, полученный в другом месте, доказывает, что это журнал Qantar.")
	w.line("2. В командах ниже замените KEY этим ключом. Первая команда проверяет журнал")
	w.line("   по адресу, где размещено зеркало: пересчитывает каждую запись и корневой")
	w.line("   хеш, проверяет подпись и сверяет с журналом каждую запись из data/.")
	w.line("   Сохраните checkpoint.txt: в следующий раз добавьте")
	w.line("   --checkpoint checkpoint.txt, чтобы проверить, что журнал только дополнялся,")
	w.line("   а не переписывался. Вторая команда (DIR — папка зеркала, например на")
	w.line("   флешке; работает без сети) проверяет журнал, каждый файл по SHA256SUMS и")
	w.line("   каждую открытую запись из data/ по её записи в журнале. Третья команда без")
	w.line("   программы qantar проверяет лишь, что файлы не повреждены при передаче.")
	w.commands()
	w.line("Что проверить нельзя: HTML-страницы и SHA256SUMS не подписаны; они заслуживают")
	w.line("ровно того доверия, что и тот, кто передал вам зеркало. Записи из data/")
	w.line("проверяются по подписанному журналу; записи о защищённых лицах показаны без")
	w.line("идентифицирующих сведений и по одной проверены быть не могут.")
	w.line("")
}

func (w *verifyWriter) english() {
	w.line("%s", w.sep)
	w.line("ENGLISH")
	w.line("%s", w.sep)
	w.line("This is a read-only copy (a mirror) of the public Qantar site.")
	w.line("")
	w.line("What it holds:")
	w.line("- %s (Kazakh), %s (Russian), %s (English): the site's pages as an anonymous", w.dir("kk"), w.dir("ru"), w.dir("en"))
	w.line("  reader sees them. Protected persons appear only as \"Protected person\".")
	w.line("- data/: every kind of record as CSV and JSON (the site's public export).")
	w.line("- data/versions.json: every version of each public record with its salt: without")
	w.line("  it nobody can test a guess against the log's entry, with it anyone can check it.")
	w.line("- log/: the signed checkpoint of the tamper-evident log (log/checkpoint), its")
	w.line("  public key (log/key) and every tile and entry bundle of the log at it.")
	w.line("- SHA256SUMS: the SHA-256 of every file.")
	w.line("")
	w.line("How to check it:")
	w.line("1. Get the log's public key from a source you trust other than this mirror")
	w.line("   (the Qantar site, its publishers, a person you know) and compare it with the")
	w.line("   key above. A mirror can replace both its key and its log: only a key you")
	w.line("   got elsewhere proves that the log is Qantar's.")
	w.line("2. In the commands below, put that key for KEY. The first checks the log where")
	w.line("   the mirror is served: it recomputes every entry and the root hash and checks")
	w.line("   the signature, and compares every record in data/ with its entry in the log.")
	w.line("   Keep checkpoint.txt: next time, add --checkpoint checkpoint.txt to check that")
	w.line("   the log was only extended, never rewritten. The second (DIR is the mirror's")
	w.line("   folder, say on a USB stick; it works offline) checks the log, every file")
	w.line("   against SHA256SUMS, and every public record in data/ against its entry in")
	w.line("   the log. The third, without the qantar program, only checks that no file was")
	w.line("   damaged in transit.")
	w.commands()
	w.line("What cannot be checked: the HTML pages and SHA256SUMS are not signed; they are")
	w.line("only as trustworthy as whoever handed you this mirror. The records in data/ are")
	w.line("checked against the signed log; records about protected persons are shown")
	w.line("without identifying details and cannot be checked one by one.")
}
