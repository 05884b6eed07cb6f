package storekit

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"

	"github.com/qantar-project/qantar"
	"github.com/qantar-project/qantar/tlog"
)

// Verify recomputes every leaf from the stored versions, rebuilds the tree,
// checks the latest checkpoint's signature (with the log's verifier key)
// and root, checks that every record's current content is its latest
// logged version, and that its kept projections are what qantar.Project
// makes of it now. r is one read snapshot of the store (writers may go on
// meanwhile) and nodes its node reader.
func Verify(ctx context.Context, r Reader, nodes tlog.NodeReader, key string) (*qantar.VerifyReport, error) {
	rep := &qantar.VerifyReport{}
	var signed []byte
	var stateSize int64
	if err := r.QueryRow(ctx, `SELECT size, checkpoint FROM tlog_state WHERE id = 1`).Scan(&stateSize, &signed); err != nil {
		return nil, fmt.Errorf("log state: %w", err)
	}
	cp, err := tlog.OpenCheckpoint(signed, key)
	if err != nil {
		rep.Problem("the latest checkpoint does not verify with the log key: %v", err)
		return rep, nil
	}
	if int64(cp.Size) != stateSize {
		rep.Problem("the latest checkpoint is of size %d but the log holds %d leaves", cp.Size, stateSize)
	}
	rep.Leaves = cp.Size
	root, err := verifyLeaves(ctx, r, nodes, cp.Size, rep)
	if err != nil {
		rep.Problem("the log itself is damaged: %v", err)
		return rep, nil
	}
	if err := verifyStrays(ctx, r, cp.Size, rep); err != nil {
		return nil, err
	}
	rep.Root = root
	if !bytes.Equal(root, cp.Hash) {
		rep.Problem("the root recomputed from the leaves, %s, is not the checkpoint's %s",
			base64.StdEncoding.EncodeToString(root), base64.StdEncoding.EncodeToString(cp.Hash))
	}
	if err := verifyRecords(ctx, r, rep); err != nil {
		return nil, err
	}
	if err := verifyProjections(ctx, r, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// verifyLeaves walks the leaves of a tree of size leaves beside the
// versions they commit to, and returns the root it recomputes.
func verifyLeaves(ctx context.Context, r Reader, nodes tlog.NodeReader, size uint64, rep *qantar.VerifyReport) ([]byte, error) {
	// A connection runs one query at a time (PostgreSQL's), so the versions
	// are read in chunks of leaf indexes beside the leaves, not in one open
	// cursor.
	vs := versionChunks{r: r}
	return tlog.ScanLeaves(ctx, Reads{r}, nodes, size, func(l tlog.Leaf, _ []byte) error {
		v, err := vs.at(ctx, l.Index, size)
		if err != nil {
			return err
		}
		if p := tlog.CheckVersion(l, v); p != "" {
			rep.Problem("%s", p)
		}
		return nil
	})
}

// verifyStrays names the versions beyond the checkpoint, or with no leaf.
func verifyStrays(ctx context.Context, r Reader, size uint64, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT kind, id, version, leaf_index FROM versions
		WHERE leaf_index IS NULL OR leaf_index >= $1 OR leaf_index < 0 ORDER BY leaf_index IS NULL, leaf_index`, int64(size))
	if err != nil {
		return err
	}
	var kind string
	var id int64
	var version int
	var leaf *int64
	var problems []string
	err = Each(rows, []any{&kind, &id, &version, &leaf}, func() error {
		if leaf != nil {
			problems = append(problems, fmt.Sprintf("%s/%d version %d: points at leaf %d, beyond the checkpoint's %d leaves", kind, id, version, *leaf, size))
		} else {
			problems = append(problems, fmt.Sprintf("%s/%d version %d: has no log leaf", kind, id, version))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range problems {
		rep.Problem("%s", p)
	}
	return nil
}

// versionChunks reads versions by ranges of leaf index, four tiles' worth
// at a time, for a scan of the leaves in order.
type versionChunks struct {
	r      Reader
	begin  uint64
	byLeaf []*tlog.StoredVersion // the version of leaf begin+i, nil when none
}

const chunk = 4 * tlog.TileWidth

func (c *versionChunks) at(ctx context.Context, idx, size uint64) (*tlog.StoredVersion, error) {
	if c.byLeaf != nil && idx >= c.begin && idx < c.begin+uint64(len(c.byLeaf)) {
		return c.byLeaf[idx-c.begin], nil
	}
	end := min(idx+chunk, size)
	rows, err := c.r.Query(ctx, `SELECT kind, id, version, op, actor, at, coalesce(reason, ''), data, salt, leaf_index FROM versions
		WHERE leaf_index >= $1 AND leaf_index < $2`, int64(idx), int64(end))
	if err != nil {
		return nil, err
	}
	c.begin, c.byLeaf = idx, make([]*tlog.StoredVersion, end-idx)
	var v tlog.StoredVersion
	var kind, op string
	var at Time
	var leaf int64
	// Each row scans into fresh data and salt slices (both drivers copy
	// into a []byte destination), so v's are kept as they are.
	err = Each(rows, []any{&kind, &v.ID, &v.Version, &op, &v.Actor, &at, &v.Reason, &v.Data, &v.Salt, &leaf}, func() error {
		sv := v
		sv.Kind, sv.Op, sv.At = qantar.Kind(kind), qantar.Op(op), at.T
		c.byLeaf[uint64(leaf)-idx] = &sv
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.byLeaf[0], nil
}

// verifyRecords checks that each record's current row is its latest
// version, and that its protection column is what its content says.
func verifyRecords(ctx context.Context, r Reader, rep *qantar.VerifyReport) error {
	rows, err := r.Query(ctx, `SELECT r.kind, r.id, r.version, r.deleted_at IS NOT NULL, coalesce(r.protection, ''), r.data, v.data, v.op,
		(SELECT max(version) FROM versions m WHERE m.kind = r.kind AND m.id = r.id)
		FROM records r LEFT JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version`)
	if err != nil {
		return err
	}
	var c tlog.CurrentRecord
	var kind, data string
	var logged, op *string
	var maxv *int64
	return Each(rows, []any{&kind, &c.ID, &c.Version, &c.Deleted, &c.Protection, &data, &logged, &op, &maxv}, func() error {
		c.Kind, c.Data, c.Logged, c.LoggedOp, c.MaxVersion = qantar.Kind(kind), []byte(data), nil, "", 0
		if logged != nil {
			c.Logged = []byte(*logged)
		}
		if op != nil {
			c.LoggedOp = qantar.Op(*op)
		}
		if maxv != nil {
			c.MaxVersion = int(*maxv)
		}
		rep.Records++
		for _, p := range tlog.CheckCurrent(c) {
			rep.Problem("%s", p)
		}
		return nil
	})
}

// verifyProjections checks every live record's kept projections against
// what qantar.Project makes of it now, a page of records at a time.
func verifyProjections(ctx context.Context, r Reader, rep *qantar.VerifyReport) error {
	resolve := func(k qantar.Kind, id int64) (qantar.Record, error) { return GetRecord(ctx, r, k, id, "") }
	lastKind, lastID := "", int64(0)
	for {
		page, err := projectionPage(ctx, r, lastKind, lastID)
		if err != nil || len(page) == 0 {
			return err
		}
		for _, p := range page {
			rec, err := qantar.DecodeStored(qantar.Kind(p.kind), p.data)
			if err != nil {
				continue // named by verifyRecords
			}
			if problem := qantar.ProjectionProblem(rec, []byte(p.data), bytesOf(p.pub), bytesOf(p.view), resolve); problem != "" {
				rep.Problem("%s", problem)
			}
		}
		lastKind, lastID = page[len(page)-1].kind, page[len(page)-1].id
	}
}

// projected is a live record and its kept projections.
type projected struct {
	kind, data string
	id         int64
	pub, view  *string
}

// projectionPage reads the next 1000 live records after (kind, id).
func projectionPage(ctx context.Context, r Reader, kind string, id int64) ([]projected, error) {
	rows, err := r.Query(ctx, `SELECT kind, id, data, pub_data, viewer_data FROM records
		WHERE deleted_at IS NULL AND (kind, id) > ($1, $2) ORDER BY kind, id LIMIT 1000`, kind, id)
	if err != nil {
		return nil, err
	}
	var page []projected
	var p projected
	err = Each(rows, []any{&p.kind, &p.id, &p.data, &p.pub, &p.view}, func() error {
		page = append(page, p)
		return nil
	})
	return page, err
}

func bytesOf(s *string) []byte {
	if s == nil {
		return nil
	}
	return []byte(*s)
}

// GetRecord reads a live record; lock is what the read appends to lock its
// row (" FOR UPDATE" on PostgreSQL), if anything.
// GetRecordSQL reads one record's current JSON; a store may prepare it.
const GetRecordSQL = `SELECT data, deleted_at FROM records WHERE kind = $1 AND id = $2`

func GetRecord(ctx context.Context, r Reader, kind qantar.Kind, id int64, lock string) (qantar.Record, error) {
	var data string
	var deleted Time
	err := r.QueryRow(ctx, GetRecordSQL+lock, string(kind), id).Scan(&data, &deleted)
	if r.NoRows(err) {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d does not exist", kind, id)
	} else if err != nil {
		return nil, fmt.Errorf("get %s/%d: %w", kind, id, err)
	}
	if deleted.Valid {
		return nil, qantar.Errorf(qantar.ENOTFOUND, "%s/%d was deleted on %s; its history remains", kind, id, deleted.T.Format("2006-01-02"))
	}
	return qantar.DecodeStored(kind, data)
}
