package site_test

import (
	"strings"
	"testing"
)

// TestComplaintsListStatus: the complaints list shows each complaint's
// deadline and status in words, in the reader's language, as its page does.
func TestComplaintsListStatus(t *testing.T) {
	fx := newFixture(t)
	_, page, _ := fx.get(t, nil, "/complaints/"+itoa(fx.ids["complaint"])+"?lang=ru")
	_, list, _ := fx.get(t, nil, "/complaints?lang=ru")
	for _, want := range []string{"<th scope=\"col\">Срок</th>", "<th scope=\"col\">Статус</th>"} {
		if !strings.Contains(list, want) {
			t.Errorf("the complaints list lacks %q", want)
		}
	}
	// The status words of the complaint's page stand in its row.
	found := false
	for _, status := range []string{"с опозданием", "в срок", "просрочено", "не истёк"} {
		if strings.Contains(page, status) && strings.Contains(list, status) {
			found = true
		}
	}
	if !found {
		t.Errorf("the list shows no status that the complaint's page shows")
	}
}
