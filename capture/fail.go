package capture

import "github.com/qantar-project/qantar"

// fail is qantar.Fail: an error about one subject, said through the catalogue.
var fail = qantar.Fail
