package chart

import (
	"strings"
	"testing"
)

func TestOrgDrawsTheTree(t *testing.T) {
	o := Org{Title: "Synthetic structure on 6 January 2022", Boxes: []OrgBox{
		{Name: "Synthetic Ministry", Lines: []string{"Head: Synthetic Delta"}, Href: "/units/1"},
		{Name: "Synthetic Regiment", Lines: []string{"Commander: Synthetic Beta"}, Depth: 1, Href: "/units/2", Current: true},
		{Name: "Synthetic Battalion with a name far too long to fit in the box of a chart drawn on a phone", Depth: 2},
		{Name: "Synthetic Police <Department>", Depth: 1},
	}}
	svg := string(o.SVG())
	for _, want := range []string{`viewBox="0 0 480 `, `<a href="/units/2">`, "Commander: Synthetic Beta", `stroke-width="3"`, "…", "&lt;Department&gt;"} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %q in %s", want, svg)
		}
	}
	// Three elbows: ministry→regiment, regiment→battalion, ministry→police.
	if n := strings.Count(svg, "<polyline"); n != 3 {
		t.Errorf("%d links, want 3", n)
	}
	if !strings.Contains(svg, `points="19.0,56.0 19.0,179.0 30.0,179.0`) {
		t.Errorf("the police department is not joined to the ministry: %s", svg)
	}
	if (Org{}).SVG() != "" {
		t.Error("an empty chart drew something")
	}
}
