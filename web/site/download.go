package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/csvio"
	"github.com/qantar-project/qantar/web/httpx"
)

// download answers a list as a CSV or JSON file: the same records, filters
// and page as the list, each record as the reader may see it (a protected
// person is the placeholder, with no identifying field).
func (p *Site) download(w http.ResponseWriter, r *http.Request, kind qantar.Kind, f qantar.Filter, format string) error {
	if r.URL.Query().Get("limit") == "" {
		f.Limit = qantar.MaxLimit
	}
	recs, total, err := p.store.List(r.Context(), kind, f)
	if err != nil {
		return err
	}
	recs = p.visibleAll(r.Context(), f.Reader, recs)
	if httpx.ActorOf(r).ID != "" {
		// Exports by accounts are audited; anonymous downloads hold public
		// data only, and their readers' addresses are not kept.
		p.auth.Audit(r, qantar.AuditExport, kind, 0, fmt.Sprintf("%s %s", format, r.URL.RawQuery))
	}
	name := fmt.Sprintf("qantar-%s-%d.%s", kind, f.Offset, format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	if format == "json" {
		if recs == nil {
			recs = []qantar.Record{}
		}
		n, more := httpx.TotalShown(total, f)
		httpx.WriteJSON(w, http.StatusOK, struct {
			Items        []qantar.Record `json:"items"`
			Total        int             `json:"total"`
			TotalAtLeast bool            `json:"total_at_least,omitempty"`
			Limit        int             `json:"limit"`
			Offset       int             `json:"offset"`
		}{recs, n, more, f.Limit, f.Offset})
		return nil
	}
	b, err := recordsCSV(recs)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	_, err = w.Write(b)
	return err
}

// recordsCSV writes records as CSV: one column per top-level JSON field in
// the order first seen, nested values as JSON, each cell made by csvio.Cell
// as in `qantar export` (nothing a spreadsheet would run as a formula).
func recordsCSV(recs []qantar.Record) ([]byte, error) {
	var cols []string
	seen := map[string]bool{}
	rows := make([]map[string]json.RawMessage, len(recs))
	for i, rec := range recs {
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		rows[i] = map[string]json.RawMessage{}
		for dec.More() {
			tok, _ := dec.Token()
			name, _ := tok.(string)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			rows[i][name] = raw
			if !seen[name] {
				seen[name] = true
				cols = append(cols, name)
			}
		}
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(cols); err != nil {
		return nil, err
	}
	for _, rw := range rows {
		out := make([]string, len(cols))
		for j, c := range cols {
			if raw, ok := rw[c]; ok {
				out[j] = csvio.Cell(raw)
			}
		}
		if err := cw.Write(out); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
