package csvio

import (
	"fmt"
	"strings"

	"github.com/qantar-project/qantar"
)

// colType says how a cell becomes JSON and back.
type colType int

const (
	typeString      colType = iota // a JSON string, as is
	typeVocab                      // a code of a controlled vocabulary; labels in kk/ru/en accepted
	typeInt                        // a whole number
	typeRef                        // a record id (victim_id)
	typeKey                        // a record by its external key (victim_key); import only
	typeDate                       // qantar.Date; DD.MM.YYYY and Excel serials accepted
	typeBool                       // true/false, yes/no, да/нет, иә/жоқ, 1/0
	typeFloat                      // a number; a decimal comma is accepted
	typeText                       // one language of a qantar.Text
	typeList                       // a JSON array in one cell
	typeName                       // a person's name in a convenience column
	typeID                         // the row's id in the exporting database
	typeExternalKey                // Meta.ExternalKey
	typeReadOnly                   // version, created_at, updated_at: exported, ignored on import
)

// Column is one column of a kind's table. Name is its English header, which
// for plain fields is the JSON field name; the Russian and Kazakh headers of
// Qantar's own export, and the names people commonly give a column, are
// recognised on import too.
type Column struct {
	Name  string
	Field string // the JSON field it fills
	Lang  string // typeText: the language; typeName: the name's language
	Type  colType
	Vocab string      // typeVocab
	Ref   qantar.Kind // typeRef, typeKey: the kind referred to ("" for a citation's record_id)
	RU    string
	KK    string
	// Export is false for import-only columns (keys, name conveniences).
	Export bool
}

// Header returns the column's header in lang (en, ru or kk).
func (c Column) Header(lang string) string {
	switch lang {
	case "ru":
		return c.RU
	case "kk":
		return c.KK
	}
	return c.Name
}

// label is a field's header in Russian and Kazakh.
type label struct{ ru, kk string }

var labels = map[string]label{
	"id":              {"ID", "ID"},
	"external_key":    {"Внешний ключ", "Сыртқы кілт"},
	"version":         {"Версия", "Нұсқа"},
	"created_at":      {"Создано", "Құрылған"},
	"updated_at":      {"Изменено", "Өзгертілген"},
	"title":           {"Название", "Атауы"},
	"name":            {"Название", "Атауы"},
	"description":     {"Описание", "Сипаттамасы"},
	"notes":           {"Примечания", "Ескертпелер"},
	"note":            {"Примечание", "Ескертпе"},
	"kind":            {"Вид", "Түрі"},
	"publisher":       {"Издатель", "Баспагер"},
	"author":          {"Автор", "Авторы"},
	"date":            {"Дата", "Күні"},
	"url":             {"Ссылка", "Сілтеме"},
	"archive_url":     {"Архивная ссылка", "Мұрағат сілтемесі"},
	"language":        {"Язык", "Тілі"},
	"sha256":          {"SHA-256", "SHA-256"},
	"reliability":     {"Надёжность", "Сенімділігі"},
	"region_then_id":  {"Регион на момент событий", "Оқиға кезіндегі өңір"},
	"region_now_id":   {"Регион сейчас", "Қазіргі өңір"},
	"lat":             {"Широта", "Ендік"},
	"lon":             {"Долгота", "Бойлық"},
	"coord_precision": {"Точность координат", "Координат дәлдігі"},
	"start":           {"Начало", "Басталуы"},
	"end":             {"Конец", "Аяқталуы"},
	"place_id":        {"Место", "Орны"},
	"parent_id":       {"Входит в", "Құрамында"},
	"names":           {"Имена", "Есімдері"},
	"sex":             {"Пол", "Жынысы"},
	"birth_date":      {"Дата рождения", "Туған күні"},
	"birth_place_id":  {"Место рождения", "Туған жері"},
	"protection":      {"Защита", "Қорғау"},
	"consent":         {"Согласие", "Келісім"},
	"aliases":         {"Другие названия", "Басқа атаулары"},
	"parents":         {"Вышестоящие", "Жоғары тұрғандар"},
	"positions":       {"Расположение", "Орналасуы"},
	"equipment":       {"Техника и вооружение", "Техника мен қару-жарақ"},
	"person_id":       {"Лицо", "Тұлға"},
	"unit_id":         {"Подразделение", "Бөлімше"},
	"role":            {"Роль", "Рөлі"},
	"rank":            {"Звание", "Атағы"},
	"first_cited":     {"Первое упоминание", "Алғаш аталуы"},
	"last_cited":      {"Последнее упоминание", "Соңғы аталуы"},
	"confidence":      {"Уверенность", "Сенім деңгейі"},
	"status":          {"Статус утверждения", "Тұжырым мәртебесі"},
	"victim_id":       {"Потерпевший", "Жәбірленуші"},
	"event_id":        {"Событие", "Оқиға"},
	"type":            {"Тип", "Түрі"},
	"method":          {"Способ", "Тәсілі"},
	"victim_status":   {"Состояние потерпевшего", "Жәбірленушінің жағдайы"},
	"act_id":          {"Деяние", "Әрекет"},
	"degree":          {"Степень участия", "Қатысу дәрежесі"},
	"number":          {"Номер", "Нөмірі"},
	"jurisdiction":    {"Юрисдикция", "Юрисдикция"},
	"authority_id":    {"Орган", "Орган"},
	"articles":        {"Статьи", "Баптар"},
	"opened_on":       {"Дата возбуждения", "Қозғалған күні"},
	"act_ids":         {"Деяния", "Әрекеттер"},
	"participants":    {"Участники", "Қатысушылар"},
	"steps":           {"Ход дела", "Іс барысы"},
	"summary":         {"Краткое содержание", "Қысқаша мазмұны"},
	"filed_on":        {"Дата подачи", "Берілген күні"},
	"filer_id":        {"Заявитель", "Өтініш беруші"},
	"filer_role":      {"Роль заявителя", "Өтініш берушінің рөлі"},
	"addressee_id":    {"Адресат", "Адресат"},
	"case_id":         {"Дело", "Іс"},
	"escalates_id":    {"Обжалуемая жалоба", "Шағымданатын шағым"},
	"subject":         {"Предмет", "Мәні"},
	"responses":       {"Ответы", "Жауаптар"},
	"record_kind":     {"Вид записи", "Жазба түрі"},
	"record_id":       {"Запись", "Жазба"},
	"field":           {"Поле", "Өріс"},
	"source_id":       {"Источник", "Дереккөз"},
	"page":            {"Страница", "Беті"},
	"time_code":       {"Тайм-код", "Уақыт белгісі"},
	"quote":           {"Цитата", "Дәйексөз"},
	"minnesota":       {"Миннесотский протокол", "Миннесота хаттамасы"},
	"istanbul":        {"Стамбульский протокол", "Ыстамбұл хаттамасы"},
	"same_as_id":      {"То же лицо, что", "Сол адам"},
	"measure":         {"Показатель", "Көрсеткіш"},
	"value":           {"Значение", "Мәні"},
	"qualifier":       {"Уточнение", "Нақтылау"},
	"claimed_by":      {"Кем заявлено", "Кім мәлімдеді"},
	"claimant_id":     {"Заявивший орган", "Мәлімдеген орган"},
	"official":        {"Официально", "Ресми"},
	"as_of":           {"По состоянию на", "Жағдай бойынша"},
	// Files (qantar.File).
	"size":               {"Размер (байт)", "Көлемі (байт)"},
	"media_type":         {"Тип содержимого", "Мазмұн түрі"},
	"declared_type":      {"Заявленный тип", "Мәлімделген түрі"},
	"encrypted":          {"Зашифрован", "Шифрланған"},
	"derived_from":       {"Получен из (SHA-256)", "Алынған файл (SHA-256)"},
	"derivation":         {"Способ получения", "Алыну тәсілі"},
	"captured_at":        {"Время съёмки", "Түсірілген уақыты"},
	"metadata":           {"Метаданные", "Метадеректер"},
	"origin":             {"Происхождение файла", "Файлдың шығу тегі"},
	"timestamps":         {"Метки времени", "Уақыт белгілері"},
	"deletion_requested": {"Запрос на удаление", "Жоюға сұрау"},
}

// spec is a compact description of one field of a kind; expand turns it
// into columns.
type spec struct {
	field string
	typ   colType
	vocab string
	ref   qantar.Kind
}

func str(f string) spec                  { return spec{field: f, typ: typeString} }
func voc(f, vocab string) spec           { return spec{field: f, typ: typeVocab, vocab: vocab} }
func date(f string) spec                 { return spec{field: f, typ: typeDate} }
func text(f string) spec                 { return spec{field: f, typ: typeText} }
func list(f string) spec                 { return spec{field: f, typ: typeList} }
func refTo(f string, k qantar.Kind) spec { return spec{field: f, typ: typeRef, ref: k} }

// kindSpecs lists each kind's fields in the order of its columns. The order
// and names are a published format: add columns at the end, never rename.
var kindSpecs = map[qantar.Kind][]spec{
	qantar.KindSource: {voc("kind", "source_kind"), text("title"), str("publisher"), str("author"), date("date"),
		str("url"), str("archive_url"), str("language"), str("sha256"), voc("reliability", "reliability"), text("notes")},
	qantar.KindPlace: {text("name"), voc("kind", "place_kind"), refTo("region_then_id", qantar.KindPlace),
		refTo("region_now_id", qantar.KindPlace), {field: "lat", typ: typeFloat}, {field: "lon", typ: typeFloat},
		voc("coord_precision", "coord_precision"), text("notes"), list("names")},
	qantar.KindEvent: {text("title"), text("description"), date("start"), date("end"),
		refTo("place_id", qantar.KindPlace), refTo("parent_id", qantar.KindEvent)},
	qantar.KindPerson: {list("names"), voc("sex", "sex"), date("birth_date"), refTo("birth_place_id", qantar.KindPlace),
		text("description"), voc("protection", "protection"), voc("consent", "consent"), refTo("same_as_id", qantar.KindPerson)},
	qantar.KindUnit: {text("name"), voc("kind", "unit_kind"), list("aliases"), list("parents"), text("notes"),
		list("positions"), list("equipment")},
	qantar.KindPost: {refTo("person_id", qantar.KindPerson), refTo("unit_id", qantar.KindUnit), voc("role", "post_role"),
		text("title"), str("rank"), date("first_cited"), date("last_cited"), voc("confidence", "confidence"), text("description"),
		voc("status", "claim_status")},
	qantar.KindAct: {refTo("victim_id", qantar.KindPerson), refTo("event_id", qantar.KindEvent), voc("type", "act_type"),
		str("method"), date("date"), refTo("place_id", qantar.KindPlace), voc("victim_status", "victim_status"), text("description"), list("minnesota"), list("istanbul")},
	qantar.KindInvolvement: {refTo("act_id", qantar.KindAct), refTo("person_id", qantar.KindPerson), refTo("unit_id", qantar.KindUnit),
		voc("degree", "degree"), voc("confidence", "confidence"), text("notes")},
	qantar.KindCase: {str("number"), str("jurisdiction"), refTo("authority_id", qantar.KindUnit), list("articles"),
		date("opened_on"), list("act_ids"), list("participants"), list("steps"), text("summary")},
	qantar.KindComplaint: {str("kind"), str("jurisdiction"), date("filed_on"), refTo("filer_id", qantar.KindPerson),
		voc("filer_role", "filer_role"), refTo("addressee_id", qantar.KindUnit), refTo("case_id", qantar.KindCase),
		refTo("escalates_id", qantar.KindComplaint), text("subject"), list("responses")},
	qantar.KindCitation: {str("record_kind"), refTo("record_id", ""), str("field"), refTo("source_id", qantar.KindSource),
		str("page"), str("time_code"), str("archive_url"), voc("confidence", "confidence"), str("quote"), text("note")},
	qantar.KindFigure: {voc("measure", "figure_measure"), {field: "value", typ: typeInt}, voc("qualifier", "qualifier"),
		text("claimed_by"), refTo("claimant_id", qantar.KindUnit), {field: "official", typ: typeBool}, date("as_of"),
		refTo("place_id", qantar.KindPlace), refTo("event_id", qantar.KindEvent), refTo("source_id", qantar.KindSource), text("note")},
	qantar.KindFile: {refTo("source_id", qantar.KindSource), str("sha256"), {field: "size", typ: typeInt}, str("media_type"),
		str("declared_type"), str("name"), voc("protection", "protection"), {field: "encrypted", typ: typeBool},
		str("derived_from"), str("derivation"), date("captured_at"), text("note"), list("metadata"), list("origin"), list("timestamps"),
		list("deletion_requested")},
}

// textLangs are the languages of a Text field's columns: "title" holds the
// text whose language nobody recorded ("und"), "title_ru" the Russian one.
var textLangs = []string{"kk", "ru", "en", "kk-Latn"}

// Columns returns the columns of kind k: id and external_key first, then the
// kind's fields, then the read-only version and times.
func Columns(k qantar.Kind) []Column {
	specs, ok := kindSpecs[k]
	if !ok {
		return nil
	}
	cols := []Column{
		metaCol("id", typeID, true),
		metaCol("external_key", typeExternalKey, true),
	}
	for _, s := range specs {
		l := labels[s.field]
		switch s.typ {
		case typeText:
			cols = append(cols, Column{Name: s.field, Field: s.field, Lang: "und", Type: typeText, RU: l.ru, KK: l.kk, Export: true})
			for _, lang := range textLangs {
				cols = append(cols, Column{Name: s.field + "_" + lang, Field: s.field, Lang: lang, Type: typeText,
					RU: l.ru + " (" + lang + ")", KK: l.kk + " (" + lang + ")", Export: true})
			}
		case typeRef:
			base := strings.TrimSuffix(s.field, "_id")
			cols = append(cols, Column{Name: s.field, Field: s.field, Type: typeRef, Ref: s.ref, RU: l.ru + " (ID)", KK: l.kk + " (ID)", Export: true})
			cols = append(cols, Column{Name: base + "_key", Field: s.field, Type: typeKey, Ref: s.ref, RU: l.ru + " (ключ)", KK: l.kk + " (кілт)"})
		default:
			cols = append(cols, Column{Name: s.field, Field: s.field, Type: s.typ, Vocab: s.vocab, RU: l.ru, KK: l.kk, Export: true})
		}
		if k == qantar.KindPerson && s.field == "names" {
			cols = append(cols,
				Column{Name: "name", Field: "names", Type: typeName, RU: "ФИО", KK: "Аты-жөні"},
				Column{Name: "name_kk", Field: "names", Lang: "kk", Type: typeName, RU: "ФИО (kk)", KK: "Аты-жөні (kk)"},
				Column{Name: "name_ru", Field: "names", Lang: "ru", Type: typeName, RU: "ФИО (ru)", KK: "Аты-жөні (ru)"},
				Column{Name: "name_en", Field: "names", Lang: "en", Type: typeName, RU: "ФИО (en)", KK: "Аты-жөні (en)"},
				Column{Name: "name_latn", Field: "names", Lang: "Latn", Type: typeName, RU: "ФИО (латиницей)", KK: "Аты-жөні (латынша)"},
			)
		}
	}
	cols = append(cols, metaCol("version", typeReadOnly, true), metaCol("created_at", typeReadOnly, true), metaCol("updated_at", typeReadOnly, true))
	return cols
}

func metaCol(name string, t colType, export bool) Column {
	l := labels[name]
	return Column{Name: name, Field: name, Type: t, RU: l.ru, KK: l.kk, Export: export}
}

// ExportColumns returns the columns an export writes for kind k.
func ExportColumns(k qantar.Kind) []Column {
	var out []Column
	for _, c := range Columns(k) {
		if c.Export {
			out = append(out, c)
		}
	}
	return out
}

// aliases are column names people give their own lists, mapped to the
// column they mean (per kind; "" applies to every kind).
var aliases = map[qantar.Kind]map[string]string{
	qantar.KindPerson: {
		"фио": "name", "ф.и.о": "name", "ф и о": "name", "фамилия имя отчество": "name", "фамилия, имя, отчество": "name",
		"имя": "name", "полное имя": "name", "аты-жөні": "name", "аты жөні": "name", "т.а.ә": "name", "толық аты": "name",
		"full name": "name", "name (ru)": "name_ru", "name (kk)": "name_kk", "name (en)": "name_en",
		"год рождения": "birth_date", "туған жылы": "birth_date", "дата рожд": "birth_date", "д.р": "birth_date",
		"date of birth": "birth_date", "dob": "birth_date", "gender": "sex", "пол (м/ж)": "sex",
		"примечание": "description", "ескертпе": "description", "место рождения": "birth_place_id",
	},
	"": {
		"key": "external_key", "ключ": "external_key", "кілт": "external_key",
	},
}

// rowNumber reports whether a header names the rows' numbers (№, № п/п):
// a number is a key within one list only, so a plain import does not take
// it for an external key, which would make another list's row 5 update
// this one's.
func rowNumber(h string) bool {
	return listHeaderIndex[normHeader(h)] == roleNumber
}

// normHeader makes headers comparable: case, spaces, ё, underscores and a
// trailing * or : do not matter.
func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "ё", "е")
	s = strings.ReplaceAll(s, "_", " ")
	s = strings.TrimRight(s, "*:. ")
	return strings.Join(strings.Fields(s), " ")
}

// headerIndex maps every recognised header of kind k to its column.
func headerIndex(k qantar.Kind) map[string]Column {
	idx := map[string]Column{}
	cols := Columns(k)
	byName := map[string]Column{}
	for _, c := range cols {
		byName[c.Name] = c
	}
	for _, c := range cols {
		for _, h := range []string{c.RU, c.KK} {
			if h != "" {
				idx[normHeader(h)] = c
			}
		}
	}
	for _, kk := range []qantar.Kind{"", k} {
		for a, name := range aliases[kk] {
			if c, ok := byName[name]; ok {
				idx[normHeader(a)] = c
			}
		}
	}
	// English names win over any alias that happens to look the same.
	for _, c := range cols {
		idx[normHeader(c.Name)] = c
	}
	return idx
}

// ColumnDoc describes kind k's columns as a Markdown table, for the
// documentation and `qantar export --columns`.
func ColumnDoc(k qantar.Kind) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s.csv\n\n| column | ru | kk | holds |\n|---|---|---|---|\n", k)
	for _, c := range Columns(k) {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, c.RU, c.KK, c.describe())
	}
	return b.String()
}

func (c Column) describe() string {
	switch c.Type {
	case typeID:
		return "id in the exporting database; on import, names the row for references from this import"
	case typeExternalKey:
		return "the list's own stable row id: importing again updates the same record"
	case typeReadOnly:
		return "written on export, ignored on import"
	case typeVocab:
		return "one of " + strings.Join(qantar.VocabCodes(c.Vocab), ", ") + " (labels in kk/ru/en accepted)"
	case typeRef:
		if c.Ref == "" {
			return "id of the record named by record_kind"
		}
		return "id of a record of " + string(c.Ref)
	case typeKey:
		return "import only: external key of the record that " + c.Field + " names"
	case typeDate:
		return "date: YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY, MM.YYYY; ~ before marks an estimate"
	case typeBool:
		return "true or false"
	case typeFloat:
		return "number"
	case typeInt:
		return "whole number"
	case typeText:
		if c.Lang == "und" {
			return "text whose language is not recorded"
		}
		return "text in " + c.Lang
	case typeList:
		return "JSON array, as in the API"
	case typeName:
		return "import only: adds a name to names"
	}
	return "text"
}
