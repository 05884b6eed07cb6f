package csvio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/names"
)

// List says that a file is a list kept by one source (a victims' list of an
// organisation, an official list): each row names a person on it. A row
// becomes a person (protected until an editor decides otherwise), a death act
// when the row has a date, place or circumstances of death, and one citation
// tying it to the list's Source with the row's number and the row's own words:
// of the act when there is one (the act is about the person), else of the
// person. The row number is a key within its list only: importing the same
// list again changes nothing, an edited row becomes a new version of its
// records, and another list's row 5 is another person.
type List struct {
	// Name is the list's title: its Source (of kind list) is created on the
	// first import and found again by Key after.
	Name string
	// Key is the external key of the list's Source; ListKey(Name) when
	// empty. A key that names no source needs a Name to create it.
	Key string
	// ActType is the type of the death act of a row with death columns;
	// "killing" (other or unclear) when empty.
	ActType string
}

// ListKey is the external key of the Source of a list called name.
func ListKey(name string) string {
	return "list:" + strings.Join(strings.Fields(strings.ToLower(name)), " ")
}

// The columns a list may have. A list's header is matched against these
// names (in kk, ru and en, as lists are really kept) or through a mapping
// whose columns name these roles.
const (
	roleNumber        = "number"
	roleName          = "name"
	roleSurname       = "surname"
	roleGiven         = "given_name"
	rolePatronymic    = "patronymic"
	roleBirthDate     = "birth_date"
	roleAge           = "age"
	roleSex           = "sex"
	roleDeathDate     = "death_date"
	roleDeathPlace    = "death_place"
	roleCircumstances = "circumstances"
	roleNote          = "note"
)

var listRoles = map[string][]string{
	roleNumber:        {"№", "n", "no", "nr", "#", "№ п/п", "номер", "number", "row", "р/с", "р/н", "реттік нөмір", "реті"},
	roleName:          {"фио", "ф.и.о", "ф и о", "фамилия имя отчество", "фамилия, имя, отчество", "полное имя", "имя погибшего", "фио погибшего", "аты-жөні", "аты жөні", "т.а.ә", "толық аты", "name", "full name"},
	roleSurname:       {"фамилия", "тегі", "surname", "family name", "last name"},
	roleGiven:         {"имя", "аты", "given name", "first name"},
	rolePatronymic:    {"отчество", "әкесінің аты", "patronymic"},
	roleBirthDate:     {"дата рождения", "год рождения", "д.р", "туған күні", "туған жылы", "date of birth", "year of birth", "born", "dob"},
	roleAge:           {"возраст", "полных лет", "жасы", "жас", "age"},
	roleSex:           {"пол", "жынысы", "sex", "gender"},
	roleDeathDate:     {"дата гибели", "дата смерти", "дата", "қаза болған күні", "қайтыс болған күні", "қаза тапқан күні", "date of death", "died", "date"},
	roleDeathPlace:    {"место гибели", "место смерти", "место", "город", "населенный пункт", "қаза болған жері", "қаза тапқан жері", "қайтыс болған жері", "жері", "қала", "place of death", "place", "city"},
	roleCircumstances: {"обстоятельства", "обстоятельства гибели", "причина смерти", "мән-жайы", "қаза болу мән-жайы", "circumstances", "cause of death"},
	roleNote:          {"примечание", "комментарий", "ескертпе", "note", "notes", "comment"},
}

var listHeaderIndex = func() map[string]string {
	idx := map[string]string{}
	for role, hs := range listRoles {
		idx[normHeader(role)] = role
		for _, h := range hs {
			idx[normHeader(h)] = role
		}
	}
	return idx
}()

// ListRoles names the columns a list may have, for usage text and the
// import page.
func ListRoles() []string {
	return []string{roleNumber, roleName, roleSurname, roleGiven, rolePatronymic, roleBirthDate, roleAge, roleSex,
		roleDeathDate, roleDeathPlace, roleCircumstances, roleNote}
}

// ListRole is the column of a list a header names by itself, or "".
func ListRole(header string) string {
	return listHeaderIndex[normHeader(header)]
}

// ImportList imports a file that is a list (see List). It is streamed
// (stream.go) as a table of persons is: each row's person, death act and
// citation are decoded on every core and written in chunks while the file
// is read, in the one transaction.
func ImportList(ctx context.Context, st qantar.Store, in Input, l List, o Options) (*Report, error) {
	return importList(ctx, st, in, l, o, true)
}

// importList imports a list, streamed or (for the tests that hold the two
// courses to the same records) every row read before any is written.
func importList(ctx context.Context, st qantar.Store, in Input, l List, o Options, stream bool) (*Report, error) {
	if o.SkipInvalid {
		return nil, qantar.Errorf(qantar.EINVALID, "a list is imported whole or not at all: correct the rows named in the report instead of skipping them")
	}
	return runImport(ctx, st, o, stream, func(ctx context.Context, im *importer) error { return im.readList(ctx, in, l) })
}

// listImport is a list on its way in: which of the file's columns mean
// what, and the tables its rows become.
type listImport struct {
	im                            *importer
	l                             List
	name                          string // the file
	key                           string // the list Source's external key
	srcID                         int64  // the list Source, when it exists
	col                           map[string]int
	header                        map[string]string
	order                         []string // the roles bound, in the file's order of columns
	width                         int
	numbers                       map[string]int // row number → line
	places                        map[string][]int64
	created                       map[string]bool // new places, by key
	src, place, person, act, cite *table
	srcRow                        bool // the new Source's row is converted
}

func (im *importer) readList(ctx context.Context, in Input, l List) error {
	li := &listImport{im: im, l: l, name: in.Name, numbers: map[string]int{}, created: map[string]bool{}}
	if li.l.ActType == "" {
		li.l.ActType = "killing"
	}
	fileT := li.newTable(qantar.KindPerson) // problems with the file as a whole
	im.tables, im.rep.Tables = []*table{fileT}, []*TableReport{fileT.rep}
	ro, ok := im.readOptions(fileT)
	if !ok {
		return nil
	}
	tab, err := OpenTable(in.R, in.Name, ro)
	if err != nil {
		return im.readError(fileT, err)
	}
	defer tab.Close()
	head, err := tab.Next()
	if errors.Is(err, io.EOF) {
		im.fileProblemf(fileT, 0, "the file is empty: the first line must name the columns")
		return nil
	} else if err != nil {
		return im.readError(fileT, err)
	}
	fileT.rep.Header = head.Cells
	if !li.bindList(fileT, head) {
		return nil
	}
	if err := li.findSource(ctx, fileT, head.Line); err != nil || im.fileProblems > 0 {
		return err
	}
	if _, ok := li.col[roleDeathPlace]; ok {
		if err := li.loadPlaces(ctx); err != nil {
			return err
		}
	}
	li.makeTables(fileT, tab, head)
	return readRows(ctx, im, li.person, in, tab.Next, tab.BytesRead, li.convertRow)
}

// newTable makes a table of the import that its rows fill.
func (li *listImport) newTable(k qantar.Kind) *table {
	t := &table{kind: k, rep: &TableReport{Name: li.name, Kind: k}, protection: li.im.o.Protection}
	if s := li.im.stream; s != nil {
		t.wasEmpty = s.counts[k] == 0
	}
	return t
}

// bindList matches the header to the roles, through the mapping first.
func (li *listImport) bindList(t *table, head Row) bool {
	im := li.im
	li.col, li.header, li.width = map[string]int{}, map[string]string{}, len(head.Cells)
	mapping := map[string]string{}
	if m := im.o.Mapping; m != nil {
		for h, to := range m.Columns {
			mapping[normHeader(h)] = to
		}
	}
	for i, h := range head.Cells {
		h = strings.TrimSpace(h)
		role, ok := mapping[normHeader(h)]
		if ok && (role == "-" || role == "") {
			continue
		}
		if ok {
			if role, ok = listHeaderIndex[normHeader(role)]; !ok {
				im.fileProblemf(t, head.Line, "the mapping maps column %q to %q, which is not a column of a list (%s)", h, mapping[normHeader(h)], strings.Join(ListRoles(), ", "))
				continue
			}
		} else if role, ok = listHeaderIndex[normHeader(h)]; !ok {
			if h == "" {
				continue
			}
			im.fileProblemf(t, head.Line, "column %q is not a column of a list (%s); choose what it means, or leave it out", h, strings.Join(ListRoles(), ", "))
			continue
		}
		if prev, dup := li.header[role]; dup {
			im.fileProblemf(t, head.Line, "columns %q and %q both mean %s", prev, h, role)
			continue
		}
		li.col[role], li.header[role] = i, h
	}
	for r := range li.col {
		li.order = append(li.order, r)
	}
	sort.Slice(li.order, func(i, j int) bool { return li.col[li.order[i]] < li.col[li.order[j]] })
	_, name := li.col[roleName]
	_, surname := li.col[roleSurname]
	if !name && !surname {
		im.fileProblemf(t, head.Line, "a list needs a column of names (ФИО, Аты-жөні, Name) or of surnames (Фамилия, Тегі, Surname)")
	}
	return im.fileProblems == 0
}

// findSource finds the list's Source by its key, or plans to create it.
func (li *listImport) findSource(ctx context.Context, t *table, line int) error {
	li.key = li.l.Key
	if li.key == "" {
		if strings.TrimSpace(li.l.Name) == "" {
			li.im.fileProblemf(t, line, "name the list (its title), or give the external key of its source")
			return nil
		}
		li.key = ListKey(li.l.Name)
	}
	if err := qantar.CheckExternalKey(li.key); err != nil {
		li.im.fileProblem(t, line, "the list's key "+qantar.ErrorMessage(err))
		return nil
	}
	rec, err := li.im.st.GetByExternalKey(ctx, qantar.KindSource, li.key)
	switch {
	case err == nil:
		src := rec.(*qantar.Source)
		if src.SourceKind != "list" {
			li.im.fileProblemf(t, line, "sources/%d (key %q) is a source of kind %s, not a list", src.ID, li.key, src.SourceKind)
		}
		li.srcID = src.ID
	case qantar.ErrorCode(err) != qantar.ENOTFOUND:
		return err
	case strings.TrimSpace(li.l.Name) == "":
		li.im.fileProblemf(t, line, "no source has the key %q; give the list's name to create it", li.key)
	}
	return nil
}

// loadPlaces reads the names of every place the importer may see, by their
// script-independent key, so that a place written in any script is found.
func (li *listImport) loadPlaces(ctx context.Context) error {
	li.places = map[string][]int64{}
	recs, err := qantar.ListAll(ctx, li.im.st, qantar.KindPlace, qantar.Filter{Reader: li.im.o.Actor})
	if err != nil {
		return err
	}
	for _, rec := range recs {
		p := rec.(*qantar.Place)
		seen := map[string]bool{}
		add := func(s string) {
			if k := names.Key(s); k != "" && !seen[k] {
				seen[k] = true
				li.places[k] = append(li.places[k], p.ID)
			}
		}
		for _, v := range p.Name {
			add(v)
		}
		for _, n := range p.Names {
			for _, v := range n.Name {
				add(v)
			}
		}
	}
	return nil
}

// Cells a list row gains beyond the file's own, for the columns of the
// records it becomes.
const (
	xPersonKey = iota
	xActKey
	xCiteKey
	xRecKind
	xRecKey
	xListKey
	xSourceKind
	xTitle
	xActType
	xDead
	xPlaceID
	xPlaceKey
	xPlaceKK
	xPlaceRU
	xPlaceEN
	xName
	xPage
	xQuote
	xCount
)

// makeTables makes the tables a list's rows become, each column bound to
// the cell that fills it and named, in problems, by the file's own header.
func (li *listImport) makeTables(fileT *table, tab *Table, head Row) {
	im := li.im
	numHeader := li.headerOr(roleNumber, "№")
	placeHeader := li.headerOr(roleDeathPlace, "")
	x := func(i int) int { return li.width + i }
	bind := func(t *table, specs ...boundCol) {
		byName := map[string]Column{}
		for _, c := range Columns(t.kind) {
			byName[c.Name] = c
		}
		for _, s := range specs {
			if s.idx < 0 {
				continue
			}
			s.col = byName[s.col.Name]
			t.cols = append(t.cols, s)
		}
		t.rep.Format, t.rep.Encoding, t.rep.Delimiter = tab.Format, tab.Encoding, tab.Delimiter
		t.rep.Header = head.Cells
		t.xlsx = tab.Format == FormatXLSX
		im.tables = append(im.tables, t)
		im.rep.Tables = append(im.rep.Tables, t.rep)
	}
	c := func(name string, idx int, header string) boundCol {
		return boundCol{idx: idx, header: header, col: Column{Name: name}}
	}
	if li.srcID == 0 {
		li.src = li.newTable(qantar.KindSource)
		bind(li.src, c("external_key", x(xListKey), ""), c("kind", x(xSourceKind), ""), c("title", x(xTitle), ""))
	}
	if li.places != nil {
		li.place = li.newTable(qantar.KindPlace)
		bind(li.place, c("external_key", x(xPlaceKey), placeHeader), c("name_kk", x(xPlaceKK), placeHeader),
			c("name_ru", x(xPlaceRU), placeHeader), c("name_en", x(xPlaceEN), placeHeader))
	}
	li.person = fileT
	sex := c("sex", li.idx(roleSex), li.header[roleSex])
	sex.values = sexValues(im.o.Mapping)
	bind(li.person, c("external_key", x(xPersonKey), numHeader), c("name", x(xName), li.nameHeader()),
		c("birth_date", li.idx(roleBirthDate), li.header[roleBirthDate]), sex)
	li.act = li.newTable(qantar.KindAct)
	bind(li.act, c("external_key", x(xActKey), numHeader), c("victim_key", x(xPersonKey), numHeader),
		c("type", x(xActType), ""), c("victim_status", x(xDead), ""),
		c("date", li.idx(roleDeathDate), li.header[roleDeathDate]),
		c("place_id", x(xPlaceID), placeHeader), c("place_key", x(xPlaceKey), placeHeader),
		c("description", li.idx(roleCircumstances), li.header[roleCircumstances]))
	li.cite = li.newTable(qantar.KindCitation)
	source := c("source_key", x(xListKey), "")
	if li.srcID != 0 {
		source = c("source_id", x(xListKey), "")
	}
	bind(li.cite, c("external_key", x(xCiteKey), numHeader), c("record_kind", x(xRecKind), ""),
		c("record_key", x(xRecKey), numHeader), source, c("page", x(xPage), numHeader), c("quote", x(xQuote), ""))
	// Rows are written table by table in this order; the file's own table
	// (persons) was made first to hold problems with the whole file.
	order := []*table{li.src, li.place, li.person, li.act, li.cite}
	im.tables, im.rep.Tables = im.tables[:0], im.rep.Tables[:0]
	for _, t := range order {
		if t != nil {
			t.order = len(im.tables)
			im.tables = append(im.tables, t)
			im.rep.Tables = append(im.rep.Tables, t.rep)
		}
	}
}

func (li *listImport) idx(role string) int {
	if i, ok := li.col[role]; ok {
		return i
	}
	return -1
}

func (li *listImport) headerOr(role, def string) string {
	if h, ok := li.header[role]; ok {
		return h
	}
	return def
}

// nameHeader names the column(s) a person's name comes from.
func (li *listImport) nameHeader() string {
	if h, ok := li.header[roleName]; ok {
		return h
	}
	var hs []string
	for _, r := range []string{roleSurname, roleGiven, rolePatronymic} {
		if h, ok := li.header[r]; ok {
			hs = append(hs, h)
		}
	}
	return strings.Join(hs, " + ")
}

// sexValues reads the ways lists write sex, under the mapping's own.
func sexValues(m *Mapping) map[string]string {
	v := map[string]string{"м": "male", "муж": "male", "мужской": "male", "ж": "female", "жен": "female", "женский": "female",
		"е": "male", "ер": "male", "ә": "female", "әйел": "female", "m": "male", "f": "female"}
	if m != nil {
		for from, to := range m.Values[roleSex] {
			v[normValue(from)] = to
		}
	}
	return v
}

// cell is the trimmed value of a role's column in a row.
func (li *listImport) cell(in Row, role string) string {
	i, ok := li.col[role]
	if !ok || i >= len(in.Cells) {
		return ""
	}
	return strings.TrimSpace(Unneutralize(in.Cells[i]))
}

// convertRow turns one row of the list into its person, act, place and
// citations.
func (li *listImport) convertRow(in Row) {
	im := li.im
	cells := make([]string, li.width+xCount)
	copy(cells, in.Cells)
	x := cells[li.width:]
	number := li.cell(in, roleNumber)
	if _, ok := li.col[roleNumber]; ok && number == "" {
		li.badLine(in, li.header[roleNumber], "", "the row has no number; every row of a list with a number column needs one")
		return
	}
	key := li.rowKey(in, number)
	if key == "" {
		return
	}
	if prev, dup := li.numbers[key]; dup {
		li.badLine(in, li.headerOr(roleNumber, ""), number, "row %s is already on line %d", number, prev)
		return
	}
	li.numbers[key] = in.Line
	x[xPersonKey] = li.key + "#" + key
	x[xListKey] = li.key
	if li.srcID != 0 {
		x[xListKey] = fmt.Sprint(li.srcID)
	}
	x[xName] = li.fullName(in)
	if li.src != nil && !li.srcRow {
		li.srcRow = true
		li.sourceRow(in, cells)
	}
	im.convert(li.person, Row{Line: in.Line, Cells: cells})
	li.cite.rep.Rows++
	if li.cell(in, roleDeathDate)+li.cell(in, roleDeathPlace)+li.cell(in, roleCircumstances) == "" {
		li.citeRow(in, cells, "persons", x[xPersonKey], x[xPersonKey]+"/cite")
		return
	}
	x[xActKey], x[xActType], x[xDead] = x[xPersonKey]+"/death", li.l.ActType, "dead"
	var check func(*row)
	if !li.placeCells(in, cells) {
		check = func(r *row) {
			v := li.cell(in, roleDeathPlace)
			im.rowProblemf(r, li.header[roleDeathPlace], v, "%q names several places (%s); write the place's name so that it names one", v, li.ambiguous(v))
		}
	}
	li.act.rep.Rows++
	im.convertChecked(li.act, Row{Line: in.Line, Cells: cells}, check)
	// One citation a row: of the death act when there is one (the act is
	// about the person, so it ties both to the list), else of the person.
	li.citeRow(in, cells, "acts", x[xActKey], x[xActKey]+"/cite")
}

// rowKey is the row's key within its list: its number, or, for a list
// without numbers, a digest of what the row says (so the same row imported
// again is found again).
func (li *listImport) rowKey(in Row, number string) string {
	if number != "" {
		return number
	}
	h := sha256.New()
	for _, c := range in.Cells {
		h.Write([]byte(strings.TrimSpace(c)))
		h.Write([]byte{0})
	}
	return "h" + hex.EncodeToString(h.Sum(nil)[:8])
}

// badLine reports a problem of a row that becomes no record.
func (li *listImport) badLine(in Row, column, value, format string, args ...any) {
	r := &row{t: li.person, line: in.Line}
	li.person.rows = append(li.person.rows, r)
	li.im.rowProblemf(r, column, value, format, args...)
}

// fullName is the row's name, or its surname, given name and patronymic
// joined in that order.
func (li *listImport) fullName(in Row) string {
	if _, ok := li.col[roleName]; ok {
		return li.cell(in, roleName)
	}
	var parts []string
	for _, r := range []string{roleSurname, roleGiven, rolePatronymic} {
		if v := li.cell(in, r); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

func (li *listImport) sourceRow(in Row, cells []string) {
	x := cells[li.width:]
	x[xSourceKind], x[xTitle] = "list", li.l.Name
	li.src.rep.Rows++
	li.im.convert(li.src, Row{Line: in.Line, Cells: cells})
}

// citeRow converts the citation of a record by the list: the row's number
// as where it stands in the list, the row's own words as the quote.
func (li *listImport) citeRow(in Row, cells []string, kind, recKey, citeKey string) {
	c := make([]string, len(cells))
	copy(c, cells)
	x := c[li.width:]
	x[xRecKind], x[xRecKey], x[xCiteKey] = kind, recKey, citeKey
	if n := li.cell(in, roleNumber); n != "" {
		x[xPage] = "№ " + n
	}
	x[xQuote] = li.quote(in)
	li.im.convert(li.cite, Row{Line: in.Line, Cells: c})
}

// quote is the row as the list wrote it: each non-empty cell after its
// column's name.
func (li *listImport) quote(in Row) string {
	var parts []string
	for _, r := range li.order {
		if v := li.cell(in, r); v != "" {
			parts = append(parts, li.header[r]+": "+v)
		}
	}
	return strings.Join(parts, "; ")
}

// placeCells resolves the place of death by name in any script: one place
// found is referred to by id; none is created (once per import); several
// are a problem (false).
func (li *listImport) placeCells(in Row, cells []string) bool {
	v := li.cell(in, roleDeathPlace)
	if v == "" {
		return true
	}
	x := cells[li.width:]
	k := names.Key(v)
	switch ids := li.places[k]; {
	case len(ids) == 1:
		x[xPlaceID] = fmt.Sprint(ids[0])
		return true
	case len(ids) > 1:
		return false
	case k == "":
		return true // no letters or digits ("—", "?"): the place is not known
	}
	x[xPlaceKey] = "place:" + k
	if !li.created[k] {
		li.created[k] = true
		c := make([]string, len(cells))
		copy(c, cells)
		switch px := c[li.width:]; langOf(v) {
		case "kk":
			px[xPlaceKK] = v
		case "ru":
			px[xPlaceRU] = v
		default:
			px[xPlaceEN] = v
		}
		li.place.rep.Rows++
		li.im.convert(li.place, Row{Line: in.Line, Cells: c})
	}
	return true
}

// ambiguous lists the places a name could mean.
func (li *listImport) ambiguous(v string) string {
	var ids []string
	for _, id := range li.places[names.Key(v)] {
		ids = append(ids, fmt.Sprintf("places/%d", id))
	}
	return strings.Join(ids, ", ")
}

// langOf guesses the language of a name from its letters: Kazakh letters
// say kk, other Cyrillic ru, anything else en.
func langOf(s string) string {
	lang := "en"
	for _, r := range s {
		if strings.ContainsRune("әғқңөұүһіӘҒҚҢӨҰҮҺІ", r) {
			return "kk"
		}
		if unicode.Is(unicode.Cyrillic, r) {
			lang = "ru"
		}
	}
	return lang
}
