package httpx

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qantar-project/qantar"
)

// ParseFilter reads limit, offset, sort, q and field filters from a query;
// its total is counted up to CountLimit.
func ParseFilter(r *http.Request, kind qantar.Kind) (qantar.Filter, error) {
	q := r.URL.Query()
	f := qantar.Filter{Where: map[string]string{}, Limit: 50, Reader: ActorOf(r), CountLimit: CountLimit}
	var err error
	for key, vals := range q {
		v := vals[0]
		switch key {
		case "limit":
			if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > qantar.MaxLimit {
				return f, qantar.FieldErrorf("limit", "must be an integer from 1 to %d", qantar.MaxLimit)
			}
		case "offset":
			if f.Offset, err = strconv.Atoi(v); err != nil || f.Offset < 0 {
				return f, qantar.FieldErrorf("offset", "must be a non-negative integer")
			}
		case "sort":
			f.Sort = v
		case "q":
			f.Q = v
		case "as_of", "format", "lang":
			// read by the handlers that use them
		default:
			f.Where[key] = v
		}
	}
	return f, nil
}

// CountLimit is the most matches a list read over HTTP counts: past it, a
// page says "more than 10,000" (TotalShown), and a common value of a
// large collection is not counted to its end at every checkpoint.
const CountLimit = 10_000

// TotalShown is a list's total as pages and JSON say it: the count, or
// CountLimit with more true when more records match.
func TotalShown(total int, f qantar.Filter) (n int, more bool) {
	if f.CountLimit > 0 && total > f.CountLimit {
		return f.CountLimit, true
	}
	return total, false
}

// RequireWriter refuses a write from an anonymous or read-only actor.
func RequireWriter(r *http.Request) (qantar.Actor, error) {
	a := ActorOf(r)
	if a.ID == "" {
		return a, &qantar.Error{Code: qantar.EUNAUTHORIZED, Field: "Authorization", Message: "writing needs a token (Authorization: Bearer <token>) or a signed-in session"}
	}
	if !a.CanWrite() {
		return a, qantar.Errorf(qantar.EFORBIDDEN, "role %q may not write; an editor or admin token is needed", a.Role)
	}
	return a, nil
}

// ParseDay reads a YYYY-MM-DD query parameter, the day of now when absent.
func ParseDay(r *http.Request, name string, now time.Time) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		now = now.UTC()
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	d, err := qantar.ParseDate(v)
	if err != nil || !d.HasDay() || d.Precision == qantar.PrecisionExact {
		return time.Time{}, qantar.FieldErrorf(name, "%q is not a date (YYYY-MM-DD)", v)
	}
	return d.Time(), nil
}

// ParseOptionalDay reads a YYYY-MM-DD query parameter; zero when absent.
func ParseOptionalDay(r *http.Request, name string) (time.Time, error) {
	if r.URL.Query().Get(name) == "" {
		return time.Time{}, nil
	}
	return ParseDay(r, name, time.Time{})
}

// ParseSize reads a log size query parameter; -1 (the latest checkpoint)
// when absent.
func ParseSize(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, qantar.FieldErrorf(name, "%q is not a size of the log (a whole number of leaves)", v)
	}
	return n, nil
}
