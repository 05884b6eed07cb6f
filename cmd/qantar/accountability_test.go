package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccountabilityAPI enters acts, a case with steps and complaints through
// the API and checks deadlines, statuses and the stats a person counting by
// hand gets.
func TestAccountabilityAPI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "acc.db")
	base, stop := server(t, db, "--empty")
	defer func() { stop() }()
	_, tok, _ := run("token", "create", "--db", db, "--role", "editor", "--name", "acc")
	c := client{t: t, base: base, token: strings.TrimSpace(tok)}
	mk := func(kind, body string) int {
		t.Helper()
		code, v := c.do("POST", "/api/v1/"+kind, body)
		if code != 201 {
			t.Fatalf("create %s %s: %d %v", kind, body, code, v)
		}
		return int(v["id"].(float64))
	}
	// The lawyer's calculator.
	code, v := c.do("GET", "/api/v1/deadline?rules=kz&kind=appc-76&from=2024-02-01", "")
	if code != 200 || !strings.Contains(fmt.Sprint(v["deadline"]), "2024-02-22") {
		t.Fatalf("deadline: %d %v", code, v)
	}
	if code, v := c.do("GET", "/api/v1/deadline?kind=no-such-kind&from=2024-02-01", ""); code != 400 || field(v) != "kind" {
		t.Fatalf("unknown kind: %d %v", code, v)
	}
	if code, v := c.do("GET", "/api/v1/deadline?kind=appc-76&from=2024-02-31", ""); code != 400 || field(v) != "from" {
		t.Fatalf("impossible date: %d %v", code, v)
	}

	// Complaints: a minimal one is valid; deadline and status as of a day.
	for _, tt := range []struct {
		body, status string
	}{
		{`{"kind":"appc-76","filed_on":"2024-02-01"}`, "overdue"},
		{`{"kind":"appc-76","filed_on":"2024-02-01","responses":[{"received_on":"2024-02-20","outcome":"refused"}]}`, "answered_in_time"},
		{`{"kind":"appc-76","filed_on":"2024-02-01","responses":[{"received_on":"2024-02-26","outcome":"refused"}]}`, "answered_late"},
		{`{"kind":"appc-76","filed_on":"2024-02-01","responses":[{"received_on":"2024-02-10","outcome":"secrecy_of_investigation"}]}`, "overdue"},
	} {
		id := mk("complaints", tt.body)
		_, v := c.do("GET", fmt.Sprintf("/api/v1/complaints/%d?as_of=2024-03-01", id), "")
		if v["deadline"] != "2024-02-22" || v["status"] != tt.status {
			t.Errorf("%s: deadline %v status %v, want 2024-02-22 %s", tt.body, v["deadline"], v["status"], tt.status)
		}
	}
	if code, v := c.do("POST", "/api/v1/complaints", `{"kind":"no-such-kind","filed_on":"2024-02-01"}`); code != 400 || field(v) != "kind" {
		t.Fatalf("unknown complaint kind: %d %v", code, v)
	}

	// Two deaths, one case for the first with a suspect and a conviction.
	city := mk("places", `{"name":{"en":"Synthetic City"},"kind":"city"}`)
	v1 := mk("persons", `{"names":[{"value":"Synthetic Victim One"}]}`)
	v2 := mk("persons", `{"names":[{"value":"Synthetic Victim Two"}],"protection":"confidential"}`)
	sus := mk("persons", `{"names":[{"value":"Synthetic Officer"}]}`)
	a1 := mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"killing_crowd_control","date":"2022-01-05","place_id":%d}`, v1, city))
	mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"death_in_custody","date":"2022-01-07","place_id":%d}`, v2, city))
	mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"torture","date":"2022-01-07","place_id":%d}`, v2, city))
	steps := `[{"step":"registered","date":"2022-01-10"},{"step":"investigating","date":"2022-01-11"},{"step":"sent_to_court","date":"2022-06-01"},{"step":"verdict","date":"2022-11-16","verdict":"convicted","sentence":"6 years"}]`
	mk("cases", fmt.Sprintf(`{"number":"SYN-1","act_ids":[%d],"participants":[{"person_id":%d,"role":"defendant"}],"steps":%s}`, a1, sus, steps))
	// A step the procedure does not allow is refused, naming it.
	if code, v := c.do("POST", "/api/v1/cases", `{"number":"SYN-2","steps":[{"step":"registered","date":"2022-01-10"},{"step":"terminated","date":"2022-02-10","ground":"no-such-ground"}]}`); code != 400 || !strings.HasPrefix(field(v), "steps[1]") {
		t.Fatalf("bad ground: %d %v", code, v)
	}

	_, st := c.do("GET", "/api/v1/stats?as_of=2024-03-01", "")
	funnel, _ := st["funnel"].(map[string]any)
	comp, _ := st["complaints"].(map[string]any)
	if funnel["deaths"] != 2.0 || funnel["with_case"] != 1.0 || funnel["convicted"] != 1.0 {
		t.Errorf("funnel %v", funnel)
	}
	if comp["total"] != 4.0 || comp["overdue"] != 2.0 || comp["answered_in_time"] != 1.0 || comp["answered_late"] != 1.0 {
		t.Errorf("complaints %v", comp)
	}
	// Before the conviction, the funnel says so.
	_, st = c.do("GET", "/api/v1/stats?as_of=2022-07-01", "")
	if f := st["funnel"].(map[string]any); f["convicted"] != 0.0 {
		t.Errorf("funnel before the verdict: %v", f)
	}
	if code, v := c.do("GET", "/api/v1/stats?as_of=yesterday", ""); code != 400 || field(v) != "as_of" {
		t.Errorf("bad as_of: %d %v", code, v)
	}

	// deadlines --overdue lists the two overdue complaints.
	stop()
	_, stop = server(t, db, "--empty")
	code, out, _ := run("deadlines", "--db", db, "--overdue", "--as-of", "2024-03-01")
	if code != 0 || strings.Count(out, "overdue") != 2 {
		t.Fatalf("deadlines --overdue: %d\n%s", code, out)
	}
}

// TestEstimateFromLists links deaths to two list sources and checks the
// estimate against Chapman's closed form, computed by hand.
func TestEstimateFromLists(t *testing.T) {
	db := filepath.Join(t.TempDir(), "est.db")
	base, stop := server(t, db, "--empty")
	defer stop()
	_, tok, _ := run("token", "create", "--db", db, "--role", "editor", "--name", "est")
	c := client{t: t, base: base, token: strings.TrimSpace(tok)}
	mk := func(kind, body string) int {
		t.Helper()
		code, v := c.do("POST", "/api/v1/"+kind, body)
		if code != 201 {
			t.Fatalf("create %s: %d %v", kind, code, v)
		}
		return int(v["id"].(float64))
	}
	_, v := c.do("GET", "/api/v1/estimate", "")
	if v["no_estimate"] == nil || v["estimate"] != nil {
		t.Fatalf("with no lists: %v", v)
	}
	a := mk("sources", `{"kind":"list","title":{"en":"Synthetic list A"}}`)
	b := mk("sources", `{"kind":"list","title":{"en":"Synthetic list B"}}`)
	// 50 deaths: A names 1–30, B names 21–50; 10 on both.
	for i := 1; i <= 50; i++ {
		p := mk("persons", fmt.Sprintf(`{"names":[{"value":"Synthetic Person %d"}]}`, i))
		act := mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"killing"}`, p))
		if i <= 30 {
			mk("citations", fmt.Sprintf(`{"record_kind":"persons","record_id":%d,"source_id":%d}`, p, a))
		}
		if i > 20 {
			mk("citations", fmt.Sprintf(`{"record_kind":"acts","record_id":%d,"source_id":%d}`, act, b))
		}
	}
	_, v = c.do("GET", "/api/v1/estimate", "")
	want := 31.0*31.0/11.0 - 1 // Chapman: (n1+1)(n2+1)/(m+1) − 1
	est, _ := v["estimate"].(float64)
	if v["method"] != "chapman" || v["observed"] != 50.0 || v["documented_deaths"] != 50.0 || est < want-0.01 || est > want+0.01 {
		t.Fatalf("estimate %v, want chapman %.2f over 50 observed", v, want)
	}
	if lo, hi := v["lower"].(float64), v["upper"].(float64); !(lo <= est && est <= hi) {
		t.Fatalf("interval [%v, %v] does not hold %v", lo, hi, est)
	}
	if code, v := c.do("GET", "/api/v1/estimate?method=magic", ""); code != 400 || field(v) != "method" {
		t.Fatalf("bad method: %d %v", code, v)
	}
}

// TestLinkageAndMerge: two lists name the same dead in different scripts;
// linkage proposes the merges, a confirmed merge is an ordinary logged
// update, and the counts then hold each person once.
func TestLinkageAndMerge(t *testing.T) {
	db := filepath.Join(t.TempDir(), "link.db")
	base, stop := server(t, db, "--empty")
	defer stop()
	_, tok, _ := run("token", "create", "--db", db, "--role", "editor", "--name", "link")
	c := client{t: t, base: base, token: strings.TrimSpace(tok)}
	mk := func(kind, body string) int {
		t.Helper()
		code, v := c.do("POST", "/api/v1/"+kind, body)
		if code != 201 {
			t.Fatalf("create %s: %d %v", kind, code, v)
		}
		return int(v["id"].(float64))
	}
	given := []string{"Ерлан", "Айгерім", "Нұрлан", "Дәурен", "Гүлнар", "Бауыржан", "Данияр", "Қайрат", "Марат", "Серік", "Талғат", "Динара"}
	surn := []string{"Ахметов", "Омарова", "Жұмабаев", "Қасымов", "Бекенова", "Смағұлов", "Төлеуов", "Әбілов", "Мұқанов", "Есенов", "Оспанов", "Садықова"}
	la := mk("sources", `{"kind":"list","title":{"en":"Synthetic list A"}}`)
	lb := mk("sources", `{"kind":"list","title":{"en":"Synthetic list B"}}`)
	both := 0
	for i := 0; i < len(given); i++ {
		name := given[i] + " " + surn[i]
		bd := fmt.Sprintf("19%02d-%02d-%02d", 60+i, 1+i%12, 1+i)
		pa := mk("persons", fmt.Sprintf(`{"names":[{"value":%q,"lang":"kk"}],"birth_date":%q}`, name, bd))
		mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"killing"}`, pa))
		mk("citations", fmt.Sprintf(`{"record_kind":"persons","record_id":%d,"source_id":%d}`, pa, la))
		if i%3 != 2 { // two in three are also on list B, written in Latin letters
			both++
			pb := mk("persons", fmt.Sprintf(`{"names":[{"value":%q,"lang":"en"}],"birth_date":%q}`, latin(name), bd))
			mk("acts", fmt.Sprintf(`{"victim_id":%d,"type":"killing"}`, pb))
			mk("citations", fmt.Sprintf(`{"record_kind":"persons","record_id":%d,"source_id":%d}`, pb, lb))
		}
	}
	code, v := c.do("POST", "/api/v1/linkage", fmt.Sprintf(`{"source_ids":[%d,%d]}`, la, lb))
	if code != 200 {
		t.Fatalf("linkage: %d %v", code, v)
	}
	merges, _ := v["merges"].([]any)
	if len(merges) != both {
		t.Fatalf("linkage proposed %d merges, want %d: %v", len(merges), both, v)
	}
	if code, _ := (client{t: t, base: base}).do("POST", "/api/v1/linkage", `{}`); code != 401 {
		t.Fatalf("anonymous linkage: %d", code)
	}
	_, st := c.do("GET", "/api/v1/stats", "")
	if d := st["funnel"].(map[string]any)["deaths"]; d != float64(len(given)+both) {
		t.Fatalf("before merging: %v deaths", d)
	}
	// Confirm every merge: the later record is the same as the earlier one.
	for _, m := range merges {
		es := m.(map[string]any)["entries"].([]any)
		keep := int(es[0].(map[string]any)["person_id"].(float64))
		for _, e := range es[1:] {
			id := int(e.(map[string]any)["person_id"].(float64))
			_, p := c.do("GET", fmt.Sprintf("/api/v1/persons/%d", id), "")
			p["same_as_id"] = keep
			b, _ := json.Marshal(p)
			if code, v := c.do("PUT", fmt.Sprintf("/api/v1/persons/%d", id), string(b)); code != 200 {
				t.Fatalf("merge: %d %v", code, v)
			}
		}
	}
	_, st = c.do("GET", "/api/v1/stats", "")
	if d := st["funnel"].(map[string]any)["deaths"]; d != float64(len(given)) {
		t.Fatalf("after merging: %v deaths, want %d", d, len(given))
	}
	_, est := c.do("GET", "/api/v1/estimate", "")
	if est["observed"] != float64(len(given)) {
		t.Fatalf("estimate observed %v, want %d", est["observed"], len(given))
	}
}

// latin writes a Kazakh name in the informal Latin of news reports.
func latin(s string) string {
	r := strings.NewReplacer("Ерлан", "Yerlan", "Айгерім", "Aigerim", "Нұрлан", "Nurlan", "Дәурен", "Dauren", "Гүлнар", "Gulnar",
		"Бауыржан", "Bauyrzhan", "Данияр", "Daniyar", "Қайрат", "Kairat", "Марат", "Marat", "Серік", "Serik", "Талғат", "Talgat",
		"Динара", "Dinara", "Ахметов", "Akhmetov", "Омарова", "Omarova", "Жұмабаев", "Zhumabayev", "Қасымов", "Kasymov",
		"Бекенова", "Bekenova", "Смағұлов", "Smagulov", "Төлеуов", "Toleuov", "Әбілов", "Abilov", "Мұқанов", "Mukanov",
		"Есенов", "Yessenov", "Оспанов", "Ospanov", "Садықова", "Sadykova")
	return r.Replace(s)
}
