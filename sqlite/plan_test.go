package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/storetest"
)

// A list sorted by updated_at (the home page's latest records of a kind)
// is read in order from records_kind_updated, not sorted whole.
func TestListByUpdatedUsesIndex(t *testing.T) {
	p := engine.New(t)
	db, err := engine.Open(context.Background(), p, storetest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Create(context.Background(), editor, &qantar.Person{Names: []qantar.Name{{Value: "Synthetic Person"}}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, order := range []string{"updated_at DESC, id DESC", "updated_at ASC, id ASC"} {
		plan := queryPlan(t, p, `SELECT coalesce(pub_data, data) FROM records
			WHERE kind = 'persons' AND deleted_at IS NULL ORDER BY `+order+` LIMIT 10`)
		if !strings.Contains(plan, "records_kind_updated") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("ORDER BY %s: %s", order, plan)
		}
	}
}

// queryPlan is the detail of each step of query's plan, on the database at p.
func queryPlan(t *testing.T, p storetest.Place, query string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`EXPLAIN QUERY PLAN ` + query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "; ")
}
