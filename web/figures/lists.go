package figures

import (
	"context"
	"fmt"
	"strconv"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/lists"
)

// Membership is who is on which list as reader sees the records: the
// answer is computed from their projection only (package lists), for the
// class of readers reader is in (qantar.ClassOf), once for each state of
// the log: every write appends to the log, and each reader of a class is
// shown the same projection, so that a request reads nothing while the log
// has not grown, and however many ask, one computes.
func (f *Figures) Membership(ctx context.Context, reader qantar.Actor) (*lists.Membership, error) {
	p, _, err := f.LogAt(ctx, -1)
	if err != nil {
		return nil, err
	}
	class, all := qantar.ClassOf(reader)
	key, as := fmt.Sprintf("%d %x %s", p.Size, p.Root, class.Role), class
	if all {
		key, as = fmt.Sprintf("%d %x all", p.Size, p.Root), reader
	}
	f.mu.Lock()
	c := f.members[key]
	if c == nil {
		c = &membership{done: make(chan struct{})}
		if len(f.members) > 0 && f.membersAt != p.Size {
			f.members = nil
		}
		if f.members == nil {
			f.members = map[string]*membership{}
		}
		f.members[key], f.membersAt = c, p.Size
		go f.computeMembership(context.WithoutCancel(ctx), key, c, as)
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.m, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// membershipFrom is who is on which list of the records src gives (the
// estimates' lists, from the records at a checkpoint).
func membershipFrom(ctx context.Context, src Source) (*lists.Membership, error) {
	var r lists.Records
	var err error
	if r.Sources, err = Typed[*qantar.Source](ctx, src, qantar.KindSource); err != nil {
		return nil, err
	}
	if r.Citations, err = Typed[*qantar.Citation](ctx, src, qantar.KindCitation); err != nil {
		return nil, err
	}
	if r.Persons, err = Typed[*qantar.Person](ctx, src, qantar.KindPerson); err != nil {
		return nil, err
	}
	if r.Acts, err = Typed[*qantar.Act](ctx, src, qantar.KindAct); err != nil {
		return nil, err
	}
	return lists.Load(r), nil
}

// membership is one computation of a Membership.
type membership struct {
	done chan struct{}
	m    *lists.Membership
	err  error
}

// computeMembership computes c, kept under key unless it fails.
func (f *Figures) computeMembership(ctx context.Context, key string, c *membership, reader qantar.Actor) {
	defer close(c.done)
	c.m, c.err = membershipOf(ctx, f.store, reader)
	if c.err != nil {
		f.mu.Lock()
		if f.members[key] == c {
			delete(f.members, key)
		}
		f.mu.Unlock()
	}
}

// membershipOf reads who is on which list as reader sees the records: the
// lists, their citations (by the index of source_id), then every person
// and act a page at a time, keeping of each only what lists.Builder needs.
func membershipOf(ctx context.Context, st qantar.Store, reader qantar.Actor) (*lists.Membership, error) {
	srcs, err := qantar.ListAll(ctx, st, qantar.KindSource, qantar.Filter{Reader: reader, Where: map[string]string{"kind": "list"}})
	if err != nil {
		return nil, err
	}
	var sources []*qantar.Source
	for _, r := range srcs {
		if s, ok := r.(*qantar.Source); ok {
			sources = append(sources, s)
		}
	}
	b := lists.NewBuilder(sources)
	for _, s := range sources {
		where := map[string]string{"source_id": strconv.FormatInt(s.ID, 10)}
		if err := each(ctx, st, qantar.KindCitation, reader, where, b.Citation); err != nil {
			return nil, err
		}
	}
	if !b.NeedsPeople() {
		return b.Membership(), nil
	}
	if err := each(ctx, st, qantar.KindPerson, reader, nil, b.Person); err != nil {
		return nil, err
	}
	if err := each(ctx, st, qantar.KindAct, reader, nil, b.Act); err != nil {
		return nil, err
	}
	return b.Membership(), nil
}

// each gives fn every live record of kind where selects, as reader sees
// them, a page at a time.
func each[T qantar.Record](ctx context.Context, st qantar.Store, kind qantar.Kind, reader qantar.Actor, where map[string]string, fn func(T)) error {
	return qantar.EachAll(ctx, st, kind, qantar.Filter{Reader: reader, Where: where}, func(page []qantar.Record) error {
		for _, r := range page {
			if t, ok := r.(T); ok {
				fn(t)
			}
		}
		return nil
	})
}
