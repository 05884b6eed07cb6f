package filing

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/filing/fonts"
)

// pdfStyle is each style's font (bold or not, size in points), line height
// in millimetres, alignment and left indent.
var pdfStyle = map[string]struct {
	bold         bool
	size, line   float64
	align        string
	indent, skip float64
}{
	StyleTitle:   {true, 14, 7, "C", 0, 4},
	StyleHeading: {true, 12, 6, "L", 0, 3},
	StylePara:    {false, 11, 5.5, "J", 0, 1.5},
	StyleItem:    {false, 11, 5.5, "L", 6, 1},
	StyleRight:   {false, 11, 5.5, "R", 0, 0},
	StyleNote:    {false, 9, 4.5, "L", 0, 1},
}

// WritePDF writes the document as an A4 PDF with DejaVu Sans embedded. Text
// the embedded fonts cannot draw is refused, naming the characters, rather
// than printed as empty boxes: the DOCX has no such limit.
func WritePDF(w io.Writer, d *Document) error {
	if err := checkGlyphs(d); err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(25, 20, 15)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AddUTF8FontFromBytes("DejaVu", "", fonts.Regular)
	pdf.AddUTF8FontFromBytes("DejaVu", "B", fonts.Bold)
	// Fixed dates: the same document gives the same bytes.
	fixed := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(fixed)
	pdf.SetModificationDate(fixed)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(d.Title, true)
	pdf.SetLang(d.Lang)
	pdf.SetProducer("Qantar", false)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("DejaVu", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprint(pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	left, _, _, _ := pdf.GetMargins()
	for _, b := range d.Blocks {
		st, ok := pdfStyle[b.Style]
		if !ok {
			st = pdfStyle[StylePara]
		}
		style := ""
		if st.bold {
			style = "B"
		}
		pdf.SetFont("DejaVu", style, st.size)
		text := b.Text
		if b.Style == StyleItem {
			text = "– " + text
		}
		pdf.SetX(left + st.indent)
		pdf.MultiCell(0, st.line, text, "", st.align, false)
		pdf.Ln(st.skip)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return pdf.Output(w)
}

// checkGlyphs refuses text that the embedded fonts cannot draw.
func checkGlyphs(d *Document) error {
	reg, err := fonts.RegularCmap()
	if err != nil {
		return err
	}
	bold, err := fonts.BoldCmap()
	if err != nil {
		return err
	}
	missing := map[rune]bool{}
	for _, b := range d.Blocks {
		c := reg
		if st, ok := pdfStyle[b.Style]; ok && st.bold {
			c = bold
		}
		for _, r := range b.Text {
			if r != '\n' && r != '\t' && !c.Covers(r) {
				missing[r] = true
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var rs []string
	for r := range missing {
		rs = append(rs, fmt.Sprintf("%q (U+%04X)", r, r))
	}
	sort.Strings(rs)
	return qantar.Errorf(qantar.EINVALID, "%s", msg(d.Lang, "The PDF font cannot draw %s; write a DOCX instead", strings.Join(rs, ", ")))
}
