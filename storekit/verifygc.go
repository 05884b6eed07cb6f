package storekit

import (
	"runtime/debug"
	"sync"
)

// verifyGCPercent is the garbage collector's target while verify runs.
// Verify allocates much (each row read, each record decoded and encoded
// again) and keeps little (a few batches), so at the default target
// (GOGC=100) the collector runs every few megabytes; at 400 it runs a
// fourth as often, for a peak heap of a few tens of megabytes more
// (docs/bench/verify-cpu.md). A memory limit (GOMEMLIMIT) still holds.
const verifyGCPercent = 400

// gcTarget counts the verifies running, which share one process-wide
// target: the first raises it, the last puts back what it was.
var gcTarget struct {
	sync.Mutex
	running int
	before  int
}

// lessGC raises the collector's target to verifyGCPercent while verify
// runs, unless it is higher already or the collector is off, and returns
// what puts it back once no verify runs.
func lessGC() (restore func()) {
	gcTarget.Lock()
	defer gcTarget.Unlock()
	if gcTarget.running == 0 {
		gcTarget.before = debug.SetGCPercent(verifyGCPercent)
		if gcTarget.before < 0 || gcTarget.before > verifyGCPercent {
			debug.SetGCPercent(gcTarget.before)
		}
	}
	gcTarget.running++
	return func() {
		gcTarget.Lock()
		defer gcTarget.Unlock()
		if gcTarget.running--; gcTarget.running == 0 {
			debug.SetGCPercent(gcTarget.before)
		}
	}
}
