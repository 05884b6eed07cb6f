package csvio

import "os"

// RefPtrs lets the external tests translate references between databases.
var RefPtrs = refPtrs

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "csvio-fuzz-") }
