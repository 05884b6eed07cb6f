package site

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/qantar-project/qantar"
)

// title is how a record is named on a page, in a link, in a list and in the
// page's <title>, in the reader's language. A person is named only as the
// reader may see them: callers pass records through qantar.Visible first.
func (t tr) title(rec qantar.Record) string {
	if rec == nil {
		return ""
	}
	id := rec.GetMeta().ID
	switch r := rec.(type) {
	case *qantar.Person:
		if qantar.IsPlaceholder(r) {
			return t.S("Protected person")
		}
		return r.NameIn(t.Lang)
	case *qantar.Event:
		return t.Text(r.Title)
	case *qantar.Source:
		return t.Text(r.Title)
	case *qantar.Place:
		return t.Text(r.Name)
	case *qantar.Unit:
		return t.Text(r.Name)
	case *qantar.Case:
		if r.Number != "" {
			return t.S("Case No. %s", r.Number)
		}
		return t.S("Case #%d", id)
	case *qantar.Complaint:
		return t.S("Complaint of %s", r.FiledOn.String())
	case *qantar.Figure:
		return fmt.Sprintf("%s: %s", t.Term("figure_measure", r.Measure), t.Num(int(r.Value)))
	case *qantar.Act:
		return fmt.Sprintf("%s, %s", t.Term("act_type", r.ActType), t.Date(r.Date))
	case *qantar.Post:
		return fmt.Sprintf("%s #%d", t.Term("post_role", r.Role), id)
	}
	return fmt.Sprintf("%s #%s", t.kindLabel(rec.Kind(), 1), strconv.FormatInt(id, 10))
}

// kindLabel names a kind, singular (n == 1) or plural.
func (t tr) kindLabel(k qantar.Kind, n int) string {
	labels := map[qantar.Kind][2]string{
		qantar.KindSource: {"Source", "Sources"}, qantar.KindEvent: {"Event", "Events"},
		qantar.KindPlace: {"Place", "Places"}, qantar.KindPerson: {"Person", "Persons"},
		qantar.KindUnit: {"Unit", "Units"}, qantar.KindPost: {"Post", "Posts"},
		qantar.KindAct: {"Act", "Acts"}, qantar.KindInvolvement: {"Involvement", "Involvements"},
		qantar.KindCase: {"Case", "Cases"}, qantar.KindComplaint: {"Complaint", "Complaints"},
		qantar.KindCitation: {"Citation", "Citations"}, qantar.KindFigure: {"Figure", "Figures"},
		qantar.KindFile: {"File", "Files"},
	}
	l := labels[k]
	if n == 1 {
		return t.S(l[0])
	}
	return t.S(l[1])
}

// KindLabel is kindLabel for templates (plural).
func (t tr) KindLabel(k qantar.Kind) string { return t.kindLabel(k, 2) }

// KindOne is kindLabel for templates (singular).
func (t tr) KindOne(k qantar.Kind) string { return t.kindLabel(k, 1) }

// link is a link to a record, named for the reader.
type link struct {
	Href  string
	Title string
	Lang  string // the language of the title when it is record content
}

// titled says format (a catalogue key with one %s) in the reader's
// language with a record's title in its place, marked with the title's
// language when it is record content in another (a screen reader then
// reads it in that language).
func (t tr) titled(format string, l link) template.HTML {
	const mark = "\x00"
	title := html.EscapeString(l.Title)
	if l.Lang != "" {
		title = `<span lang="` + html.EscapeString(l.Lang) + `">` + title + `</span>`
	}
	return template.HTML(strings.Replace(html.EscapeString(t.S(format, mark)), mark, title, 1)) // #nosec: escaped text and a span of ours
}

// linkTo returns a link to a record the reader may see (placeholder for a
// protected person).
func (t tr) linkTo(rec qantar.Record) link {
	return link{Href: recordHref(rec.Kind(), rec.GetMeta().ID), Title: t.title(rec), Lang: t.titleLang(rec)}
}

// titleLang is the language of a record's title when it is record content
// in another language than the reader's (an English source title on a
// Kazakh page), so that the link can say so; "" otherwise.
func (t tr) titleLang(rec qantar.Record) string {
	var x qantar.Text
	switch r := rec.(type) {
	case *qantar.Event:
		x = r.Title
	case *qantar.Source:
		x = r.Title
	case *qantar.Place:
		x = r.Name
	case *qantar.Unit:
		x = r.Name
	default:
		return ""
	}
	if l := t.TextLang(x); l != t.Lang {
		return l
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
