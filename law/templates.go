package law

import (
	"embed"
	"io/fs"
)

//go:embed rules/*/templates/*.json
var templates embed.FS

// Templates holds the filing templates of each jurisdiction as data:
// JURISDICTION/templates/LANG.json (package filing reads and checks them;
// docs/FILINGS.md describes the format).
func Templates() fs.FS {
	sub, err := fs.Sub(templates, "rules")
	if err != nil {
		panic("law: embedded templates: " + err.Error()) // a build mistake
	}
	return sub
}
