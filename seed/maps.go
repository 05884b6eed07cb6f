package seed

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/qantar-project/qantar/chart"
)

// The bundled outline of the first jurisdiction's regions, for maps drawn
// on the server (see maps/SOURCE.md: Natural Earth admin-1, public domain,
// simplified; its vintage predates the 2018 and 2022 changes of regions).
//
//go:embed maps/kz-admin1.json
var kzAdmin1 []byte

// Regions returns the bundled outline of the regions.
func Regions() (chart.Outline, error) {
	var doc struct {
		Source, Vintage string
		Regions         []struct {
			Name  string
			Rings [][][2]float64
		}
	}
	if err := json.Unmarshal(kzAdmin1, &doc); err != nil {
		return chart.Outline{}, fmt.Errorf("seed: the bundled map: %w", err)
	}
	m := chart.Outline{Source: doc.Source, Vintage: doc.Vintage}
	for _, r := range doc.Regions {
		m.Regions = append(m.Regions, chart.Region{Name: r.Name, Rings: r.Rings})
	}
	return m, nil
}
