package tlog

import (
	"bytes"
	"os"
	"strings"

	"github.com/qantar-project/qantar"
)

// DefaultOrigin is a log's name when nobody chose one. Installations should
// name theirs (qantar serve --origin or --log-origin), so that witnesses
// and readers can tell two organisations' logs apart.
const DefaultOrigin = "qantar.local/log"

// ChooseOrigin names a store's log, by one rule for every store. checkpoint
// is the latest signed checkpoint stored (nil for a log not signed yet): a
// log keeps the name it was first signed with for life, and a different
// name asked for (want) is refused. A new log takes want, else forNew (the
// name the site's address suggests), else the name of the key at keyPath
// when one exists, else DefaultOrigin.
func ChooseOrigin(checkpoint []byte, want, forNew, keyPath string) (string, error) {
	if checkpoint != nil {
		origin, _, _ := bytes.Cut(checkpoint, []byte("\n"))
		if want != "" && want != string(origin) {
			return "", qantar.Errorf(qantar.EINVALID, "this database's log is named %q, the origin it was first signed with, and a log keeps its name for life; the origin %q would need a new log, in a new database",
				string(origin), want)
		}
		return string(origin), nil
	}
	for _, name := range []string{want, forNew} {
		if name != "" {
			return name, nil
		}
	}
	if b, err := os.ReadFile(keyPath); err == nil {
		if signer, _, err := ParseSignerKey(strings.TrimSpace(string(b))); err == nil {
			return signer.Name(), nil
		}
	}
	return DefaultOrigin, nil
}

// OriginOfSite is the log name a site's address suggests: its host and
// "/log" ("https://qantar.example.org" names "qantar.example.org/log").
func OriginOfSite(site string) string {
	host := strings.TrimPrefix(strings.TrimPrefix(site, "https://"), "http://")
	host, _, _ = strings.Cut(host, "/")
	if host == "" {
		return ""
	}
	return host + "/log"
}
