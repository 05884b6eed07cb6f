package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storetest"
)

// A list filtered on a field (?sex=female, ?type=torture) reads the ids
// from record_fields' key and the page's records by primary key, in the
// order of ids: no record of the kind is read whole to be matched, and
// its count reads record_fields alone (storekit.Lists.List writes these
// statements; the reader's classes are the literals after the value).
func TestFieldFilterPlan(t *testing.T) {
	p := engine.New(t)
	db, err := engine.Open(context.Background(), p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []qantar.Record
	for i := range 200 {
		recs = append(recs, &qantar.Person{Names: []qantar.Name{{Value: fmt.Sprintf("Synthetic Person %d", i)}},
			Sex: []string{"male", "female"}[i%2], Protection: qantar.Public})
	}
	if _, err := qantar.CreateAll(context.Background(), db, editor, recs); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var parts []string
	for _, seen := range []string{"1", "3", "5", "7"} {
		parts = append(parts, `SELECT id FROM record_fields WHERE kind = 'persons' AND field = 'sex' AND value = '''female' AND seen = `+seen)
	}
	ids := strings.Join(parts, " UNION ALL ")
	for _, q := range []string{
		`SELECT coalesce(pub_data, data) FROM records WHERE kind = 'persons' AND deleted_at IS NULL AND id IN (` + ids + `) ORDER BY id ASC LIMIT 50 OFFSET 50`,
		`SELECT coalesce(pub_data, data) FROM records WHERE kind = 'persons' AND deleted_at IS NULL AND id IN (` + ids + `) ORDER BY id DESC LIMIT 50 OFFSET 50`,
	} {
		plan := queryPlan(t, p, q)
		t.Logf("page: %s", plan)
		if !strings.Contains(plan, "SEARCH records USING PRIMARY KEY (kind=? AND id=?)") || !strings.Contains(plan, "record_fields USING PRIMARY KEY") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s:\n%s", q, plan)
		}
	}
	plan := queryPlan(t, p, `SELECT count(*) FROM (`+ids+`) AS t`)
	t.Logf("count: %s", plan)
	if !strings.Contains(plan, "record_fields USING COVERING INDEX") && !strings.Contains(plan, "record_fields USING PRIMARY KEY") || strings.Contains(plan, "records ") {
		t.Errorf("count: %s", plan)
	}
}

// A person's acts (?victim_id=, a record page's list) are read from
// record_fields' key, as any field filter is: no index over the JSON of
// records is left to serve them (migration 014 dropped them, so that an
// INSERT into records computes no json_extract).
func TestKeptFieldFilterPlan(t *testing.T) {
	p := engine.New(t)
	db, err := engine.Open(context.Background(), p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	q := `SELECT id FROM record_fields WHERE kind = 'acts' AND field = 'victim_id' AND value = '#7' AND seen = 7`
	plan := queryPlan(t, p, `SELECT coalesce(pub_data, data) FROM records WHERE kind = 'acts' AND deleted_at IS NULL AND id IN (`+q+`) ORDER BY id ASC LIMIT 50`)
	if !strings.Contains(plan, "record_fields USING PRIMARY KEY") || !strings.Contains(plan, "SEARCH records USING PRIMARY KEY (kind=? AND id=?)") {
		t.Errorf("acts by victim_id: %s", plan)
	}
	raw, err := sql.Open("sqlite", "file:"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%json_extract%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("indexes over json_extract: %d (%v)", n, err)
	}
}
