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
}

// verifyText writes VERIFY.txt: plain text in Kazakh, Russian and English
// (in that order, as the site lists them), saying what the mirror holds,
// what can be checked and how, and what cannot.
func verifyText(v verifyInfo) string {
	url := v.Origin
	if url == "" {
		url = "MIRROR-URL"
	}
	dir := func(l string) string {
		if l == v.DefaultDir {
			return "./"
		}
		return l + "/"
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	sep := strings.Repeat("=", 72)
	line("Qantar — %s", strings.Join([]string{"айна", "зеркало", "mirror"}, " / "))
	line("%s", sep)
	// Each label in Kazakh, Russian and English, the order of the sections.
	line("жарияланды / опубликовано / published:        %s", v.Published)
	if v.Origin != "" {
		line("мекенжай / адрес / address:                   %s", v.Origin)
	}
	line("журнал / журнал / log:                        %s", v.Log)
	line("жазбалар / записей / entries:                 %d", v.Size)
	line("түбір хеші / корневой хеш / root hash:        %s", v.Root)
	line("ашық кілт / открытый ключ / public key:       %s", v.Key)
	line("")
	cmds := func() {
		line("")
		line("    qantar verify --url %s --key 'KEY' --save checkpoint.txt", url)
		line("")
		line("    qantar publish --check DIR --key 'KEY'")
		line("")
		line("    sha256sum -c SHA256SUMS")
		line("")
	}

	line("%s", sep)
	line("ҚАЗАҚША")
	line("%s", sep)
	line("Бұл — Qantar ашық сайтының тек оқуға арналған көшірмесі (айнасы).")
	line("")
	line("Ішінде:")
	line("- %s (қазақша), %s (орысша), %s (ағылшынша): сайт беттері, анонимді оқырман", dir("kk"), dir("ru"), dir("en"))
	line("  көретіндей. Қорғалған адамдар тек «Қорғалған адам» деп көрсетіледі.")
	line("- data/: жазбалардың әр түрі CSV және JSON пішімінде (сайттағы ашық экспорт).")
	line("- data/versions.json: әр ашық жазбаның барлық нұсқасы, әрқайсысы өз «тұзымен»")
	line("  (salt): онсыз журналдағы жазбаны ешкім тексере алмайды, онымен кез келген адам тексереді.")
	line("- log/: қолдан өзгертуден қорғалған журналдың қол қойылған бақылау нүктесі")
	line("  (log/checkpoint), ашық кілті (log/key) және сол нүктедегі барлық тайлдары.")
	line("- SHA256SUMS: әр файлдың SHA-256 хеші.")
	line("")
	line("Қалай тексеру керек:")
	line("1. Журналдың ашық кілтін осы айнадан емес, сенімді басқа көзден алыңыз (Qantar")
	line("   сайты, оны жариялаушылар, өзіңіз сенетін адам) және жоғарыдағы кілтпен")
	line("   салыстырыңыз. Айна кілтті де, журналды да ауыстыра алады: журналдың Qantar")
	line("   журналы екенін тек басқа жерден алынған кілт дәлелдейді.")
	line("2. Төмендегі пәрмендерде KEY орнына сол кілтті қойыңыз. Бірінші пәрмен айна")
	line("   қойылған мекенжайдағы журналды тексереді: әр жазбаны және түбір хешін қайта")
	line("   есептейді, қолды тексереді және data/ ішіндегі әр жазбаны журналмен салыстырады.")
	line("   checkpoint.txt файлын сақтаңыз: келесі жолы --checkpoint")
	line("   checkpoint.txt қоссаңыз, журнал тек толықтырылғаны, қайта жазылмағаны")
	line("   тексеріледі. Екінші пәрмен (DIR — айна бумасы, мысалы флешкада; желісіз")
	line("   жұмыс істейді) журналды, SHA256SUMS бойынша әр файлды және data/ ішіндегі")
	line("   әр ашық жазбаны журналдағы жазбасымен салыстырып тексереді. Үшінші пәрмен")
	line("   qantar бағдарламасынсыз файлдардың жолда бүлінбегенін ғана тексереді.")
	cmds()
	line("Не тексерілмейді: HTML беттері мен SHA256SUMS файлына қол қойылмаған, олар")
	line("айнаны сізге берген адамның сенімділігіндей ғана сенімді. data/ ішіндегі")
	line("жазбалар қол қойылған журналмен тексеріледі; қорғалған адамдар туралы")
	line("жазбалар анықтайтын мәліметсіз көрсетіледі, оларды жеке-жеке тексеру мүмкін емес.")
	line("")

	line("%s", sep)
	line("РУССКИЙ")
	line("%s", sep)
	line("Это копия (зеркало) публичного сайта Qantar только для чтения.")
	line("")
	line("Что в нём:")
	line("- %s (по-казахски), %s (по-русски), %s (по-английски): страницы сайта в том", dir("kk"), dir("ru"), dir("en"))
	line("  виде, в каком их видит анонимный читатель. Защищённые лица показаны только")
	line("  как «Защищённое лицо».")
	line("- data/: все виды записей в CSV и JSON (та же открытая выгрузка, что на сайте).")
	line("- data/versions.json: все версии каждой открытой записи, каждая со своей «солью»")
	line("  (salt): без неё запись журнала не проверить никому, с ней — любому.")
	line("- log/: подписанная контрольная точка защищённого от подделки журнала")
	line("  (log/checkpoint), его открытый ключ (log/key) и все тайлы журнала на ней.")
	line("- SHA256SUMS: SHA-256 каждого файла.")
	line("")
	line("Как проверить:")
	line("1. Получите открытый ключ журнала не из этого зеркала, а из другого источника,")
	line("   которому вы доверяете (сайт Qantar, его издатели, знакомый вам человек), и")
	line("   сравните с ключом выше. Зеркало может подменить и ключ, и журнал: только")
	line("   ключ, полученный в другом месте, доказывает, что это журнал Qantar.")
	line("2. В командах ниже замените KEY этим ключом. Первая команда проверяет журнал")
	line("   по адресу, где размещено зеркало: пересчитывает каждую запись и корневой")
	line("   хеш, проверяет подпись и сверяет с журналом каждую запись из data/.")
	line("   Сохраните checkpoint.txt: в следующий раз добавьте")
	line("   --checkpoint checkpoint.txt, чтобы проверить, что журнал только дополнялся,")
	line("   а не переписывался. Вторая команда (DIR — папка зеркала, например на")
	line("   флешке; работает без сети) проверяет журнал, каждый файл по SHA256SUMS и")
	line("   каждую открытую запись из data/ по её записи в журнале. Третья команда без")
	line("   программы qantar проверяет лишь, что файлы не повреждены при передаче.")
	cmds()
	line("Что проверить нельзя: HTML-страницы и SHA256SUMS не подписаны; они заслуживают")
	line("ровно того доверия, что и тот, кто передал вам зеркало. Записи из data/")
	line("проверяются по подписанному журналу; записи о защищённых лицах показаны без")
	line("идентифицирующих сведений и по одной проверены быть не могут.")
	line("")

	line("%s", sep)
	line("ENGLISH")
	line("%s", sep)
	line("This is a read-only copy (a mirror) of the public Qantar site.")
	line("")
	line("What it holds:")
	line("- %s (Kazakh), %s (Russian), %s (English): the site's pages as an anonymous", dir("kk"), dir("ru"), dir("en"))
	line("  reader sees them. Protected persons appear only as \"Protected person\".")
	line("- data/: every kind of record as CSV and JSON (the site's public export).")
	line("- data/versions.json: every version of each public record with its salt: without")
	line("  it nobody can test a guess against the log's entry, with it anyone can check it.")
	line("- log/: the signed checkpoint of the tamper-evident log (log/checkpoint), its")
	line("  public key (log/key) and every tile and entry bundle of the log at it.")
	line("- SHA256SUMS: the SHA-256 of every file.")
	line("")
	line("How to check it:")
	line("1. Get the log's public key from a source you trust other than this mirror")
	line("   (the Qantar site, its publishers, a person you know) and compare it with the")
	line("   key above. A mirror can replace both its key and its log: only a key you")
	line("   got elsewhere proves that the log is Qantar's.")
	line("2. In the commands below, put that key for KEY. The first checks the log where")
	line("   the mirror is served: it recomputes every entry and the root hash and checks")
	line("   the signature, and compares every record in data/ with its entry in the log.")
	line("   Keep checkpoint.txt: next time, add --checkpoint checkpoint.txt to check that")
	line("   the log was only extended, never rewritten. The second (DIR is the mirror's")
	line("   folder, say on a USB stick; it works offline) checks the log, every file")
	line("   against SHA256SUMS, and every public record in data/ against its entry in")
	line("   the log. The third, without the qantar program, only checks that no file was")
	line("   damaged in transit.")
	cmds()
	line("What cannot be checked: the HTML pages and SHA256SUMS are not signed; they are")
	line("only as trustworthy as whoever handed you this mirror. The records in data/ are")
	line("checked against the signed log; records about protected persons are shown")
	line("without identifying details and cannot be checked one by one.")
	return b.String()
}
