package main

import (
	"strings"
	"testing"
)

// What verify finds edited beside the records (the list filters' index, the
// search index's keys) repair --rebuild makes again from the records: the
// log and the records are untouched, the reason is in the audit log, and
// the database verifies afterwards.
func TestRepairRebuildsWhatVerifyFoundEdited(t *testing.T) {
	path := smallDB(t)
	sqlExec(t, path, `INSERT INTO record_fields (kind, field, value, seen, id) VALUES ('persons', 'sex', 'female', 1, 1)`)
	sqlExec(t, path, `UPDATE search_terms SET records = records + 5`)
	code, out, errOut := runQantar(t, "verify", "--db", path)
	if code != exitProblem || !strings.Contains(out, "record_fields") || !strings.Contains(out, "search_terms") || !strings.Contains(out, "repair --rebuild") {
		t.Fatalf("verify of the edited tables: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut = runQantar(t, "repair", "--rebuild", "--db", path); code != exitUsage || !strings.Contains(errOut, "--why") {
		t.Fatalf("repair --rebuild without --why: exit %d %s", code, errOut)
	}
	code, out, errOut = runQantar(t, "repair", "--rebuild", "--db", path, "--why", "verify found record_fields edited (drill 8)")
	if code != exitOK || !strings.Contains(out, "made again from the records") || !strings.Contains(out, "ok: 2 leaves") {
		t.Fatalf("repair --rebuild: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut = runQantar(t, "verify", "--db", path); code != exitOK {
		t.Fatalf("verify after the rebuild: exit %d\n%s%s", code, out, errOut)
	}
	audit, found := auditOf(t, path), false
	for _, a := range audit {
		found = found || strings.Contains(a.Detail, "rebuild: verify found record_fields edited (drill 8)")
	}
	if !found {
		t.Errorf("the audit log does not say why the rebuild was made: %+v", audit)
	}
}
