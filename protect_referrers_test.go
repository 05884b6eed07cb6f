package qantar

import "testing"

// TestChangesReferrers holds the rule of when an update must re-project
// the records that refer to it: only what Project reads of a referenced
// record (a person's level; whom an act, post, involvement or complaint is
// about) counts.
func TestChangesReferrers(t *testing.T) {
	pub := &Person{Names: []Name{{Value: "Synthetic A"}}, Protection: Public}
	renamed := &Person{Names: []Name{{Value: "Synthetic B"}}, Protection: Public, SameAsID: 7}
	hidden := &Person{Names: []Name{{Value: "Synthetic A"}}, Protection: Confidential}
	cases := []struct {
		name     string
		old, new Record
		want     bool
	}{
		{"a person renamed and merged", pub, renamed, false},
		{"a person protected", pub, hidden, true},
		{"an act described again", &Act{VictimID: 1, ActType: "killing"}, &Act{VictimID: 1, ActType: "torture"}, false},
		{"an act of another victim", &Act{VictimID: 1}, &Act{VictimID: 2}, true},
		{"a post of another person", &Post{PersonID: 1}, &Post{PersonID: 2}, true},
		{"a post retitled", &Post{PersonID: 1, Title: Text{"en": "a"}}, &Post{PersonID: 1, Title: Text{"en": "b"}}, false},
		{"an involvement in another act", &Involvement{PersonID: 1, ActID: 1}, &Involvement{PersonID: 1, ActID: 2}, true},
		{"a complaint of another filer", &Complaint{FilerID: 1}, &Complaint{FilerID: 2}, true},
		{"a complaint answered", &Complaint{FilerID: 1}, &Complaint{FilerID: 1, Responses: []Response{{}}}, false},
		{"no record before", nil, pub, true},
		{"a source", &Source{}, &Source{}, false},
	}
	for _, c := range cases {
		if got := ChangesReferrers(c.old, c.new); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
