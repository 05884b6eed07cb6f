// Package filing turns records into the documents lawyers file: a draft
// complaint or appeal from a case and the jurisdiction's rules (Draft), and
// a dossier on one person for an individual communication to a UN treaty
// body (Dossier). Both are first a Document, a plain list of blocks, then
// written as DOCX (WriteDOCX: OOXML written here with archive/zip and
// encoding/xml) or PDF (WritePDF: fpdf with the embedded DejaVu fonts).
//
// Every word of a draft comes from a template that is data
// (law/rules/JURISDICTION/templates/LANG.json, see docs/FILINGS.md); every
// word of a dossier from the catalogue (package locale). The records come
// in as the reader may see them (qantar.Project): what a reader may not see
// is not in their document, and the document says which parts are withheld.
package filing

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/qantar-project/qantar"
)

// Styles of a block.
const (
	StyleTitle   = "title"   // the document's title, centred, bold
	StyleHeading = "heading" // a section heading, bold
	StylePara    = "para"    // a paragraph
	StyleItem    = "item"    // an item of a list
	StyleRight   = "right"   // a line aligned right (addressee, filer)
	StyleNote    = "note"    // a smaller remark (unverified limits, withheld parts)
)

var styles = map[string]bool{StyleTitle: true, StyleHeading: true, StylePara: true, StyleItem: true, StyleRight: true, StyleNote: true}

// Block is one paragraph of a document.
type Block struct {
	Style string
	Text  string
}

// Document is what Draft and Dossier make and the writers write.
type Document struct {
	Lang   string // kk, ru or en: the document's language
	Title  string
	Blocks []Block
}

func (d *Document) add(style, format string, args ...any) {
	text := format
	if len(args) > 0 {
		text = fmt.Sprintf(format, args...)
	}
	d.Blocks = append(d.Blocks, Block{Style: style, Text: text})
}

// Text returns the document as plain text, a block a line: what a test
// compares a PDF's or a DOCX's text with.
func (d *Document) Text() string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		b.WriteString(bl.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// Formats of an output file.
const (
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
)

// FormatOf returns the format a file name asks for by its extension.
func FormatOf(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".docx":
		return FormatDOCX, nil
	case ".pdf":
		return FormatPDF, nil
	}
	return "", qantar.FieldErrorf("out", "%q: the file must end in .docx or .pdf", name)
}

// Write writes the document in a format.
func (d *Document) Write(w io.Writer, format string) error {
	switch format {
	case FormatDOCX:
		return WriteDOCX(w, d)
	case FormatPDF:
		return WritePDF(w, d)
	}
	return qantar.FieldErrorf("format", "%q is not docx or pdf", format)
}
