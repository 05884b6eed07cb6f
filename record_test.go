package qantar_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/qantar-project/qantar"
)

func TestDecodeErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name, kind, body, field string
	}{
		{"UnknownField", "persons", `{"names":[{"value":"x"}],"nmae":1}`, "nmae"},
		{"WrongType", "persons", `{"names":"x"}`, "names"},
		{"WrongNestedType", "persons", `{"names":[{"value":5}]}`, "names.value"},
		{"ImpossibleDate", "persons", `{"names":[{"value":"x"}],"birth_date":"1990-02-31"}`, "birth_date"},
		{"ImpossibleNestedDate", "complaints", `{"kind":"appc-76","filed_on":"2024-02-01","responses":[{"received_on":"2024-13-01","outcome":"refused"}]}`, "responses[0].received_on"},
		{"BadText", "events", `{"title":5}`, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qantar.DecodeBytes(qantar.Kind(tt.kind), []byte(tt.body))
			if qantar.ErrorCode(err) != qantar.EINVALID || qantar.ErrorField(err) != tt.field {
				t.Fatalf("got %v (field %q), want invalid field %q", err, qantar.ErrorField(err), tt.field)
			}
		})
	}
}

func TestDecodeRejectsMalformedBodies(t *testing.T) {
	for name, body := range map[string]string{
		"Empty":      ``,
		"Truncated":  `{"names":[`,
		"TwoValues":  `{"names":[{"value":"x"}]} {}`,
		"InvalidUTF": "{\"names\":[{\"value\":\"\xff\"}]}",
		"Array":      `[1,2]`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := qantar.DecodeBytes(qantar.KindPerson, []byte(body)); qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("я", qantar.MaxShort+1)
	tests := []struct {
		name  string
		rec   qantar.Record
		field string
	}{
		{"PersonOK", &qantar.Person{Names: []qantar.Name{{Value: "Тоқаев", Lang: "kk", Script: "Cyrl"}}}, ""},
		{"NameTooLong", &qantar.Person{Names: []qantar.Name{{Value: long}}}, "names[0].value"},
		{"ControlChar", &qantar.Person{Names: []qantar.Name{{Value: "a\x00b"}}}, "names[0].value"},
		{"BadScript", &qantar.Person{Names: []qantar.Name{{Value: "x", Script: "Arab"}}}, "names[0].script"},
		{"SourceNeedsKind", &qantar.Source{Title: qantar.Text{"en": "t"}}, "kind"},
		{"SourceBadURL", &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "t"}, URL: "javascript:alert(1)"}, "url"},
		{"SourceBadHash", &qantar.Source{SourceKind: "news", Title: qantar.Text{"en": "t"}, SHA256: "abc"}, "sha256"},
		{"TextUnknownLang", &qantar.Event{Title: qantar.Text{"xx": "t"}}, "title.xx"},
		{"EventEndBeforeStart", &qantar.Event{Title: qantar.Text{"en": "t"}, Start: qantar.MustDate("2022-01-05"), End: qantar.MustDate("2022-01-04")}, "end"},
		{"EventMonthContainsDay", &qantar.Event{Title: qantar.Text{"en": "t"}, Start: qantar.MustDate("2022-01"), End: qantar.MustDate("2022-01-04")}, ""},
		{"PlaceLatWithoutLon", &qantar.Place{Name: qantar.Text{"en": "p"}, Lat: new(float64)}, "lat"},
		{"InvolvementNeedsPerpetrator", &qantar.Involvement{ActID: 1, Degree: "carried_out"}, "person_id"},
		{"CaseStepsOutOfOrder", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "registered", Date: qantar.MustDate("2022-02-01")}, {Step: "terminated", Date: qantar.MustDate("2022-01-01")}}}, "steps[1].date"},
		{"VerdictNeedsVerdict", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "verdict", Date: qantar.MustDate("2022-02-01")}}}, "steps[0].verdict"},
		{"TermOfConviction", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "verdict", Date: qantar.MustDate("2022-02-01"), Verdict: "convicted", TermYears: 4, TermMonths: 6}}}, ""},
		{"TermOfAcquittal", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "verdict", Date: qantar.MustDate("2022-02-01"), Verdict: "acquitted", TermYears: 3}}}, "steps[0].term_years"},
		{"TermMonthsOver11", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "verdict", Date: qantar.MustDate("2022-02-01"), Verdict: "convicted", TermMonths: 12}}}, "steps[0].term_months"},
		{"TermYearsNegative", &qantar.Case{Steps: []qantar.CaseEvent{{Step: "verdict", Date: qantar.MustDate("2022-02-01"), Verdict: "convicted", TermYears: -1}}}, "steps[0].term_years"},
		{"ComplaintMinimal", &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02-01")}, ""},
		{"ComplaintMonthOnly", &qantar.Complaint{ComplaintKind: "appc-76", FiledOn: qantar.MustDate("2024-02")}, "filed_on"},
		{"FigureNeedsSource", &qantar.Figure{Measure: "deaths", Value: 238, ClaimedBy: qantar.Text{"en": "GPO"}, AsOf: qantar.MustDate("2022-08")}, "source_id"},
		{"CitationOfCitation", &qantar.Citation{RecordKind: qantar.KindCitation, RecordID: 1, SourceID: 1}, "record_kind"},
		{"CitationNote", &qantar.Citation{RecordKind: qantar.KindEvent, RecordID: 1, SourceID: 1, Note: qantar.Text{"en": "a paraphrase"}}, ""},
		{"CitationNoteBadLang", &qantar.Citation{RecordKind: qantar.KindEvent, RecordID: 1, SourceID: 1, Note: qantar.Text{"xx": "n"}}, "note.xx"},
		{"PlaceNames", &qantar.Place{Name: qantar.Text{"en": "Konayev"}, Names: []qantar.PlaceName{
			{Name: qantar.Text{"en": "Kapshagay"}, To: qantar.MustDate("2022-05-03")}, {Name: qantar.Text{"en": "Konayev"}, From: qantar.MustDate("2022-05-04")}}}, ""},
		{"PlaceNameEmpty", &qantar.Place{Name: qantar.Text{"en": "p"}, Names: []qantar.PlaceName{{To: qantar.MustDate("2022-05-03")}}}, "names[0].name"},
		{"PlaceNameToBeforeFrom", &qantar.Place{Name: qantar.Text{"en": "p"}, Names: []qantar.PlaceName{
			{Name: qantar.Text{"en": "p"}, From: qantar.MustDate("2022-06-08"), To: qantar.MustDate("2022-06-07")}}}, "names[0].to"},
		{"PlaceNamesOutOfOrder", &qantar.Place{Name: qantar.Text{"en": "p"}, Names: []qantar.PlaceName{
			{Name: qantar.Text{"en": "b"}, From: qantar.MustDate("2022-06-08")}, {Name: qantar.Text{"en": "a"}, From: qantar.MustDate("1993")}}}, "names[1].from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rec.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if qantar.ErrorField(err) != tt.field {
				t.Fatalf("got %v (field %q), want field %q", err, qantar.ErrorField(err), tt.field)
			}
		})
	}
}

// TestPlaceNameOn: the name in use on a day, from the names with periods.
func TestPlaceNameOn(t *testing.T) {
	p := &qantar.Place{Name: qantar.Text{"en": "Konayev (Kapshagay)"}, Names: []qantar.PlaceName{
		{Name: qantar.Text{"en": "Kapshagay"}, To: qantar.MustDate("2022-05-03")},
		{Name: qantar.Text{"en": "Konayev"}, From: qantar.MustDate("2022-05-04")}}}
	for day, want := range map[string]string{"2022-01-05": "Kapshagay", "2022-05-03": "Kapshagay", "2022-05-04": "Konayev", "2025-01-01": "Konayev"} {
		if got := p.NameOn(qantar.MustDate(day)).String(); got != want {
			t.Errorf("%s: %q, want %q", day, got, want)
		}
	}
	if got := (&qantar.Place{Name: qantar.Text{"en": "Almaty"}}).NameOn(qantar.MustDate("2022-01-05")).String(); got != "Almaty" {
		t.Errorf("no names: %q", got)
	}
}

func TestParseDate(t *testing.T) {
	for _, ok := range []string{"2022", "2022-01", "2022-01-05", "2024-02-29", "2022-01-05T14:30", "~2022-01"} {
		d, err := qantar.ParseDate(ok)
		if err != nil || d.String() != ok {
			t.Errorf("ParseDate(%q) = %v, %v", ok, d, err)
		}
	}
	for _, bad := range []string{"2023-02-29", "31.02.1990", "2022-1-5", "2022-00", "2022-01-05T25:00", "20220105", "2022-01-05T", "abcd"} {
		if _, err := qantar.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestVisibleHidesProtectedPersons(t *testing.T) {
	p := &qantar.Person{Meta: qantar.Meta{ID: 3, Version: 2}, Names: []qantar.Name{{Value: "Секретный"}}, Protection: qantar.Confidential, Sex: "male"}
	for _, tt := range []struct {
		reader qantar.Actor
		see    bool
	}{{qantar.Anonymous, false}, {qantar.Actor{Role: qantar.RoleViewer}, false}, {qantar.Actor{Role: qantar.RoleEditor}, true}} {
		got := qantar.Visible(tt.reader, p).(*qantar.Person)
		if (got.PrimaryName() == "Секретный") != tt.see || (!tt.see && (got.Sex != "" || got.ID != 3)) {
			t.Errorf("reader %q: got %+v", tt.reader.Role, got)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("persons", `{"names":[{"value":"Тоқаев","lang":"kk"}],"birth_date":"1990-05"}`)
	f.Add("complaints", `{"kind":"appc-76","filed_on":"2024-02-01","responses":[{"received_on":"2024-02-20","outcome":"refused"}]}`)
	f.Add("cases", `{"number":"1","steps":[{"step":"registered","date":"2022-01-10"}]}`)
	f.Add("events", `{"title":{"en":"x","ru":"у"},"start":"~2022-01"}`)
	f.Add("places", `{"name":"Алматы","lat":43.2,"lon":76.9}`)
	f.Fuzz(func(t *testing.T, kind, body string) {
		k, err := qantar.ParseKind(kind)
		if err != nil {
			return
		}
		rec, err := qantar.DecodeBytes(k, []byte(body))
		if err != nil {
			if qantar.ErrorCode(err) != qantar.EINVALID {
				t.Fatalf("decode error with code %q: %v", qantar.ErrorCode(err), err)
			}
			return
		}
		if err := rec.Validate(); err != nil && qantar.ErrorCode(err) != qantar.EINVALID {
			t.Fatalf("validate error with code %q", qantar.ErrorCode(err))
		}
		if _, err := qantar.Canonical(rec); err != nil {
			t.Fatal(err)
		}
	})
}

func TestResolveSameAs(t *testing.T) {
	ps := []*qantar.Person{
		{Meta: qantar.Meta{ID: 1}}, {Meta: qantar.Meta{ID: 2}, SameAsID: 1}, {Meta: qantar.Meta{ID: 3}, SameAsID: 2},
		{Meta: qantar.Meta{ID: 4}, SameAsID: 5}, {Meta: qantar.Meta{ID: 5}, SameAsID: 4}, {Meta: qantar.Meta{ID: 6}},
	}
	got := qantar.ResolveSameAs(ps)
	want := map[int64]int64{1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 6}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("person %d resolves to %d, want %d", id, got[id], w)
		}
	}
}

func TestVisibleWithHidesWhatSourcesSayOfProtectedPersons(t *testing.T) {
	hiddenP := &qantar.Person{Meta: qantar.Meta{ID: 1, Version: 1}, Names: []qantar.Name{{Value: "Тайный"}}, Protection: qantar.Confidential}
	publicP := &qantar.Person{Meta: qantar.Meta{ID: 2, Version: 1}, Names: []qantar.Name{{Value: "Открытый"}}, Protection: qantar.Public}
	act := &qantar.Act{Meta: qantar.Meta{ID: 5}, VictimID: 1, ActType: "torture", Description: qantar.Text{"ru": "Тайный был избит"}}
	resolve := func(k qantar.Kind, id int64) (qantar.Record, error) {
		switch {
		case k == qantar.KindPerson && id == 1:
			return hiddenP, nil
		case k == qantar.KindPerson && id == 2:
			return publicP, nil
		case k == qantar.KindAct && id == 5:
			return act, nil
		}
		return nil, qantar.Errorf(qantar.ENOTFOUND, "no")
	}
	for _, tt := range []struct {
		name string
		rec  qantar.Record
		leak string
	}{
		{"CitationOfPerson", &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: 1, SourceID: 1, Quote: "Тайный задержан"}, "Тайный"},
		{"CitationOfAct", &qantar.Citation{RecordKind: qantar.KindAct, RecordID: 5, SourceID: 1, Quote: "Тайный избит"}, "Тайный"},
		{"Act", act, "Тайный"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for reader, want := range map[string]bool{"": false, qantar.RoleViewer: false, qantar.RoleEditor: true} {
				got := qantar.VisibleWith(qantar.Actor{Role: reader}, tt.rec, resolve)
				b, _ := json.Marshal(got)
				if strings.Contains(string(b), tt.leak) != want {
					t.Errorf("reader %q: %s", reader, b)
				}
			}
		})
	}
	pub := &qantar.Citation{RecordKind: qantar.KindPerson, RecordID: 2, SourceID: 1, Quote: "Открытый"}
	if got := qantar.VisibleWith(qantar.Anonymous, pub, resolve).(*qantar.Citation); got.Quote == "" {
		t.Error("a public person's citation lost its quote")
	}
}

// TestCheckExternalKey: the external-key rule every store applies before a
// write, and the actor a version names.
func TestCheckExternalKey(t *testing.T) {
	for _, k := range []string{"", "SYN-0001", "строка 17", strings.Repeat("k", 200)} {
		if err := qantar.CheckExternalKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range []string{strings.Repeat("k", 201), "a\tb", "a\x7fb", "line\n2"} {
		if err := qantar.CheckExternalKey(k); qantar.ErrorField(err) != "external_key" {
			t.Errorf("%q: %v, want an error on external_key", k, err)
		}
	}
	if got := (qantar.Actor{}).LogID(); got != "anonymous" {
		t.Errorf("anonymous actor logged as %q", got)
	}
	if got := (qantar.Actor{ID: "token:3"}).LogID(); got != "token:3" {
		t.Errorf("actor logged as %q", got)
	}
}

// Meets: a period with unknown ends is open; a month meets a period that
// touches any of its days.
func TestDateMeets(t *testing.T) {
	d := qantar.MustDate
	for _, c := range []struct {
		date, from, to string
		want           bool
	}{
		{"2022-01-06", "2022-01-05", "2022-01-06", true},
		{"2022-01-07", "2022-01-05", "2022-01-06", false},
		{"2022-01-04", "2022-01-05", "", false},
		{"2022-01-04", "", "2022-01-05", true},
		{"2022-01", "2022-01-31", "2022-03", true},
		{"2022-02-01", "", "", true},
	} {
		from, to := qantar.Date{}, qantar.Date{}
		if c.from != "" {
			from = d(c.from)
		}
		if c.to != "" {
			to = d(c.to)
		}
		if got := d(c.date).Meets(from, to); got != c.want {
			t.Errorf("%s meets [%s, %s] = %v, want %v", c.date, c.from, c.to, got, c.want)
		}
	}
}
