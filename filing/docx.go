package filing

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"time"
)

// The three parts of the smallest valid WordprocessingML package (ECMA-376
// Part 1 and Part 2, Open Packaging Conventions): the content types, the
// package relationship to the main document, and the document.
const (
	docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docxNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
)

// paragraph properties and run properties of each style: sizes in half
// points, indentation in twentieths of a point.
var docxStyle = map[string]struct{ ppr, rpr string }{
	StyleTitle:   {`<w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/>`, `<w:b/><w:sz w:val="28"/>`},
	StyleHeading: {`<w:keepNext/><w:spacing w:before="240" w:after="120"/>`, `<w:b/><w:sz w:val="24"/>`},
	StylePara:    {`<w:jc w:val="both"/><w:spacing w:after="120"/>`, `<w:sz w:val="22"/>`},
	StyleItem:    {`<w:ind w:left="567" w:hanging="283"/><w:spacing w:after="60"/>`, `<w:sz w:val="22"/>`},
	StyleRight:   {`<w:jc w:val="right"/>`, `<w:sz w:val="22"/>`},
	StyleNote:    {`<w:spacing w:after="60"/>`, `<w:i/><w:sz w:val="18"/>`},
}

// WriteDOCX writes the document as a DOCX file: every block a paragraph in
// DejaVu Sans (a word processor without it uses its own font).
func WriteDOCX(w io.Writer, d *Document) error {
	var body bytes.Buffer
	body.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	body.WriteString(`<w:document xmlns:w="` + docxNS + `"><w:body>`)
	for _, b := range d.Blocks {
		st, ok := docxStyle[b.Style]
		if !ok {
			st = docxStyle[StylePara]
		}
		text := b.Text
		if b.Style == StyleItem {
			text = "–\u00a0" + text
		}
		body.WriteString(`<w:p><w:pPr>` + st.ppr + `</w:pPr><w:r><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans"/>` +
			st.rpr + `<w:lang w:val="` + docxLang(d.Lang) + `"/></w:rPr><w:t xml:space="preserve">`)
		if err := xml.EscapeText(&body, []byte(text)); err != nil {
			return err
		}
		body.WriteString(`</w:t></w:r></w:p>`)
	}
	body.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>`)
	body.WriteString(`</w:body></w:document>`)

	z := zip.NewWriter(w)
	for _, part := range []struct {
		name string
		data []byte
	}{{"[Content_Types].xml", []byte(docxContentTypes)}, {"_rels/.rels", []byte(docxRels)}, {"word/document.xml", body.Bytes()}} {
		// A fixed time: the same document gives the same bytes.
		f, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		if _, err := f.Write(part.data); err != nil {
			return err
		}
	}
	return z.Close()
}

func docxLang(lang string) string {
	switch lang {
	case "kk":
		return "kk-KZ"
	case "ru":
		return "ru-RU"
	}
	return "en-GB"
}
