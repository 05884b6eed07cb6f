package web

import (
	"context"
	"io"
	"time"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/law"
	"github.com/qantar-project/qantar/web/api"
	"github.com/qantar-project/qantar/web/figures"
)

// The figures' types and functions as the commands and the mirror name
// them (package figures computes them).
type (
	// Log is the read side of the Merkle log that the server publishes.
	Log = api.Log
	// PinnedStats is the JSON of /api/v1/stats.
	PinnedStats = figures.PinnedStats
	// CheckpointRef names the checkpoint a figure was computed at.
	CheckpointRef = figures.CheckpointRef
	// UnansweredComplaint is a complaint past its deadline without an answer.
	UnansweredComplaint = figures.UnansweredComplaint
)

// StatsAt computes the figures from the records as they were at a log size
// (figures.StatsAt).
func StatsAt(ctx context.Context, at qantar.AtReader, rules *law.Registry, size int64, asOf time.Time) (*PinnedStats, error) {
	return figures.StatsAt(ctx, at, rules, size, asOf)
}

// EncodeStats writes figures exactly as /api/v1/stats answers them.
func EncodeStats(w io.Writer, st *PinnedStats) error { return figures.EncodeStats(w, st) }

// Estimate is what GET /api/v1/estimate?method=&by= answers, computed from
// the live records of st (figures.Estimate).
func Estimate(ctx context.Context, st qantar.Store, method, by string) (any, error) {
	return figures.Estimate(ctx, st, method, by)
}

// EncodeEstimate writes an estimate as the API does.
func EncodeEstimate(w io.Writer, ans any) error { return figures.EncodeEstimate(w, ans) }
