package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/sqlite"
	"github.com/qantar-project/qantar/web"
)

// A full database (SQLite's max_page_count, the same error as a full disk)
// answers 503 storage_full with Retry-After and a message a person
// understands, in the reader's language on pages, keeping what was typed;
// /readyz says so while /healthz stays alive; when room comes back, the
// same server writes again by itself.
func TestStorageFullAnswers503AndRecovers(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "full.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, secret, err := db.CreateToken(ctx, "full", qantar.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Config{Store: db, Tokens: db, Log: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	do := func(method, path, body string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	long := strings.Repeat("Synthetic testimony about the events. ", 200)
	person := func(i int) string {
		b, _ := json.Marshal(map[string]any{"names": []map[string]string{{"value": "Synthetic Person " + strings.Repeat("I", i%40+1)}},
			"description": map[string]string{"en": long}})
		return string(b)
	}
	if resp, body := do("POST", "/api/v1/persons", person(0)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if resp, body := do("GET", "/readyz", ""); resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("readyz: %d %s", resp.StatusCode, body)
	}

	// Fill it: the quota is the pages in use.
	pages, err := db.PageCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetMaxPages(ctx, pages); err != nil {
		t.Fatal(err)
	}
	var resp *http.Response
	var body string
	for i := 1; i < 50; i++ {
		if resp, body = do("POST", "/api/v1/persons", person(i)); resp.StatusCode != http.StatusCreated {
			break
		}
	}
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"storage_full"`) || !strings.Contains(body, "storage is full") {
		t.Fatalf("write to a full database: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	resp, body = do("GET", "/readyz", "")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"storage_full"`) || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz on a full database: %d %s", resp.StatusCode, body)
	}
	if resp, body = do("GET", "/healthz", ""); resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("healthz: %d %s", resp.StatusCode, body)
	}
	// Reads still work.
	if resp, body = do("GET", "/api/v1/persons", ""); resp.StatusCode != 200 {
		t.Fatalf("read from a full database: %d %s", resp.StatusCode, body)
	}
	// A page, in Russian: the form again, with what was typed.
	form := url.Values{"names[0].value": {"Synthetic Page Person"}, "description.en": {long}}
	resp, body = do("POST", "/edit/persons/new", form.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "ru")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Хранилище сервера заполнено") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("page write to a full database: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "Synthetic testimony") {
		t.Error("the page lost what was typed")
	}

	// Room again: the same server, no restart.
	if _, err := db.SetMaxPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	if resp, body = do("GET", "/readyz", ""); resp.StatusCode != 200 {
		t.Fatalf("readyz after recovery: %d %s", resp.StatusCode, body)
	}
	if resp, body = do("POST", "/api/v1/persons", person(7)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("write after recovery: %d %s", resp.StatusCode, body)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify after a full disk: %v %v", err, rep.Problems)
	}
}
