package site_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qantar-project/qantar"
)

// An editor imports a list in Russian whose columns the page does not know,
// chooses their meaning on the page, checks again and imports: persons,
// death acts and citations of the new list, once.
func TestImportListPage(t *testing.T) {
	fx := newFixture(t)
	secret := fx.account(t, "lister", qantar.RoleEditor)
	ed := client()
	fx.signIn(t, ed, "lister", secret, time.Now())
	before := fx.countPersons(t)
	file := []byte("№;Погибший;Дата гибели\n1;Синтетический Первый;06.01.2022\n2;Синтетический Второй;07.01.2022\n")
	fields := map[string]string{"kind": "list", "dry_run": "1", "list_name": "Синтетический список"}
	status, body := fx.postFile(t, ed, "/import?lang=ru", fields, "list.csv", file)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `name="col.1"`) {
		t.Fatalf("unknown column: status %d, want 422 and a choice of its meaning\n%s", status, body)
	}
	if !strings.Contains(body, `<option value="death_date" selected>Дата гибели</option>`) {
		t.Errorf("the known column's meaning is not chosen in Russian")
	}
	if !strings.Contains(body, "столбец &#34;Погибший&#34; не относится к столбцам списка") {
		t.Errorf("the problem is not said in Russian")
	}
	// The editor says that "Погибший" is the full name.
	fields = map[string]string{"kind": "list", "dry_run": "1", "list_name": "Синтетический список", "filename": "list.csv",
		"data": hiddenValue(body, "data"), "head.0": "№", "col.0": "number", "head.1": "Погибший", "col.1": "name", "head.2": "Дата гибели", "col.2": "death_date"}
	status, body = fx.postFile(t, ed, "/import?lang=ru", fields, "", nil)
	if status != http.StatusOK || !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("check with the chosen meanings: status %d\n%s", status, body)
	}
	if n := fx.countPersons(t); n != before {
		t.Fatalf("the check wrote %d persons", n-before)
	}
	fields["confirm"] = "1"
	if status, body = fx.postFile(t, ed, "/import?lang=ru", fields, "", nil); status != http.StatusOK {
		t.Fatalf("import: status %d\n%s", status, body)
	}
	if n := fx.countPersons(t); n != before+2 {
		t.Fatalf("%d persons imported, want 2", n-before)
	}
	src, err := fx.db.GetByExternalKey(context.Background(), qantar.KindSource, "list:синтетический список")
	if err != nil || src.(*qantar.Source).SourceKind != "list" {
		t.Fatalf("the list's source: %v %v", src, err)
	}
	// The same list again, chosen among the lists: nothing changes.
	delete(fields, "list_name")
	fields["list_key"] = src.GetMeta().ExternalKey
	if status, body = fx.postFile(t, ed, "/import?lang=ru", fields, "", nil); status != http.StatusOK {
		t.Fatalf("again: status %d\n%s", status, body)
	}
	if n := fx.countPersons(t); n != before+2 {
		t.Fatalf("the same list again made %d more persons", n-before-2)
	}
}
