package storekit

import (
	"context"
	"sync"
)

// ordered runs work on batches on workers goroutines and hands the results
// to merge in the order produce emitted them: produce reads the database
// (only it, on its own goroutine, since a connection runs one query at a
// time), work does what needs no database, merge folds results into the
// caller's state (the tree, the report) on the calling goroutine. At most
// about 2·workers batches are in flight, so memory stays bounded whatever
// the size of the store. With workers <= 1 everything runs in turn on the
// calling goroutine: the sequential path. The first error of produce or
// merge ends the run; ordered returns only once produce has returned, so
// that the caller may use the connection again.
func ordered[In, Out any](ctx context.Context, workers int, produce func(ctx context.Context, emit func(In) error) error,
	work func(In) Out, merge func(Out) error) error {
	if workers <= 1 {
		return produce(ctx, func(in In) error { return merge(work(in)) })
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		in  In
		out chan Out
	}
	jobs := make(chan job, workers)
	order := make(chan chan Out, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.out <- work(j.in)
			}
		})
	}
	var produced error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(order)
		defer close(jobs)
		produced = produce(ctx, func(in In) error {
			out := make(chan Out, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- job{in, out}:
				return nil
			case <-ctx.Done():
				close(out) // no worker will fill it
				return ctx.Err()
			}
		})
	}()
	var merged error
	for out := range order {
		res, ok := <-out
		if merged != nil || !ok {
			continue // draining after an error, so that produce can return
		}
		if merged = merge(res); merged != nil {
			cancel()
		}
	}
	<-done
	wg.Wait()
	if merged != nil {
		return merged
	}
	return produced
}
