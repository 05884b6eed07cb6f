package mse

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Estimate is an estimate of the whole population, recorded or not, with an
// interval at Level (0.95 for a 95% interval).
type Estimate struct {
	Method   string
	Lists    []string
	Observed int64
	Estimate float64
	Lower    float64 // +Inf when the data put no upper bound
	Upper    float64
	Level    float64
	Interval string // how Lower and Upper were found, in words
}

// DefaultLevel is the coverage of intervals when none is asked for.
const DefaultLevel = 0.95

func normalQuantile(level float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

func checkLevel(level float64) (float64, error) {
	if level == 0 {
		return DefaultLevel, nil
	}
	if !(level > 0 && level < 1) {
		return 0, errorf("interval level %v: want a number between 0 and 1, such as 0.95", level)
	}
	return level, nil
}

// twoLists returns n1, n2 and their overlap m, refusing tables that are not
// two lists that overlap.
func twoLists(t *Table, method string) (n1, n2, m float64, err error) {
	if t.K() != 2 {
		return 0, 0, 0, errorf("%s takes exactly two lists; this table has %d (use loglinear or lcmcr)", method, t.K())
	}
	if err := t.check(); err != nil {
		return 0, 0, 0, err
	}
	n1, n2, m = float64(t.ListTotal(0)), float64(t.ListTotal(1)), float64(t.Count(3))
	if m == 0 {
		return 0, 0, 0, errorf("lists %s and %s never overlap: with no one on both, two lists give no estimate", t.lists[0], t.lists[1])
	}
	return n1, n2, m, nil
}

// LincolnPetersen is the classic two-list estimate n1·n2/m, with the
// variance n1·n2·(n1−m)·(n2−m)/m³ and a log-normal interval.
func LincolnPetersen(t *Table, level float64) (*Estimate, error) {
	level, err := checkLevel(level)
	if err != nil {
		return nil, err
	}
	n1, n2, m, err := twoLists(t, "Lincoln–Petersen")
	if err != nil {
		return nil, err
	}
	est := n1 * n2 / m
	v := n1 * n2 * (n1 - m) * (n2 - m) / (m * m * m)
	return twoListEstimate(t, "lp", est, v, level), nil
}

// Chapman is the nearly unbiased two-list estimate (n1+1)(n2+1)/(m+1) − 1
// (Chapman 1951), with Seber's variance and a log-normal interval. Prefer it
// to Lincoln–Petersen when the overlap is small.
func Chapman(t *Table, level float64) (*Estimate, error) {
	level, err := checkLevel(level)
	if err != nil {
		return nil, err
	}
	n1, n2, m, err := twoLists(t, "Chapman")
	if err != nil {
		return nil, err
	}
	est := (n1+1)*(n2+1)/(m+1) - 1
	v := (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) * (m + 1) * (m + 2))
	return twoListEstimate(t, "chapman", est, v, level), nil
}

// twoListEstimate builds the interval on the log of the unrecorded count
// (Chao 1987): it never goes below the number observed, as a symmetric
// normal interval can.
func twoListEstimate(t *Table, method string, est, variance, level float64) *Estimate {
	n := float64(t.Observed())
	e := &Estimate{Method: method, Lists: t.Lists(), Observed: t.Observed(), Estimate: est, Level: level,
		Interval: "log-normal on the unrecorded count (Chao 1987)", Lower: est, Upper: est}
	f0 := est - n
	if f0 > 0 && variance > 0 {
		c := math.Exp(normalQuantile(level) * math.Sqrt(math.Log1p(variance/(f0*f0))))
		e.Lower, e.Upper = n+f0/c, n+f0*c
	}
	return e
}
