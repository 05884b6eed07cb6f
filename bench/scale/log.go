package main

import (
	"io"
	"log/slog"
)

// quietLogger drops the servers' access log: the workload measures them,
// and a line a request would be most of what the run prints.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
